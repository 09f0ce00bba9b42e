/*
 * The intel-ipsec-mb calls of the crypto module's ipsec-mb engines (IpsecMbEngines.java,
 * CryptoProvider.IPSEC_MB), in a C loop: the native reference that bench/openssl-speed.sh sets beside
 * JMH for that provider, as bench/openssl-evp-loop.c is for the OpenSSL provider. The same library
 * calls per packet as the engines, on the same memory layout, without Java, the FFM downcalls and
 * EspProcessor around them. Left out as the engines' own small copies, not library work: the AAD
 * and nonce built in the engine's per-thread workspace (here the AAD is read in the packet), CBC's
 * IV and tag written to the workspace and copied into the packet (here written in place), and CBC
 * decryption in place with the ICV saved (here out of place, see cbc-decrypt).
 *
 *   ipsec-mb-loop MODE BYTES SECONDS [SAS [PREFETCH]]
 *
 * Set-up: alloc_mb_mgr(0), init_mb_mgr_auto (then, for the CBC modes, init_mb_mgr_avx2 where the
 * processor has AVX2, as the engine's job managers; the architecture auto picked and imb_get_version_str()
 * go to stderr once). Per SA, in one array of SAS entries at a 1024-byte stride, the SA's keys,
 * expanded once; keys differ per SA. As the engines' key pool (NativeBlocks with huge pages) the
 * array is aligned to 2 MiB and advised MADV_HUGEPAGE before it is first touched, so many SAs cost
 * cache misses, not also TLB misses (the packets are on ordinary pages).
 *
 * MODE:
 *   gcm-encrypt  AES-128-GCM (RFC 4106). Per SA a struct gcm_key_data (IMB_AES128_GCM_PRE) with the
 *                4-byte salt after it in the same 1024 bytes; one struct gcm_context_data for the
 *                whole loop (per thread, as the engine). One packet laid out as ESP: SPI (4),
 *                sequence (4), IV (8), ciphertext (BYTES), ICV (16). Per packet: the 64-bit
 *                sequence number written big-endian as the IV and its low 32 bits as the sequence
 *                field, the nonce salt || IV built in a 12-byte scratch, then ONE call:
 *                IMB_AES128_GCM_ENC in place, AAD = SPI || sequence (8 bytes, in the packet), the
 *                tag written as the ICV.
 *   gcm-decrypt  One genuine packet per SA (sealed under that SA, sequence fixed), so every tag
 *                verifies. Per packet: the nonce from the SA's salt and the packet's IV, ONE call:
 *                IMB_AES128_GCM_DEC out of place into a second buffer (so the ciphertext stays
 *                valid, as openssl-evp-loop does; AES-GCM costs the same in place or not), the tag
 *                into a 16-byte scratch, then a 16-byte compare with the packet's ICV (two 64-bit
 *                XORs ORed). Any mismatch: a message and exit status 1. With SAS > 1 the packets
 *                take SAS x (32 + BYTES) bytes (each rounded up to whole cache lines), so at many
 *                SAs decrypt also reads a packet that is not in cache, which encrypt (one packet)
 *                does not.
 *   gcm-decrypt-copied  As gcm-decrypt, but as EspCryptoBenchmark.decrypt works: per packet the
 *                genuine packet is first copied (memcpy) into a slot, 20 bytes into a 64-byte aligned
 *                buffer (where ESP sits after an outer IPv4 header), and decrypted there in place.
 *                The copy is timed, as the Java benchmark's is: a packet just written is not what
 *                the library reads in gcm-decrypt (the CPU has to drain the copy's stores before
 *                the cipher's wide loads read them), so this is the C loop to set beside that
 *                benchmark's figure, copy included.
 *   cbc-encrypt  AES-256-CBC + HMAC-SHA-256-128 (RFC 3602, RFC 4868) through the job API, as the
 *                engine. Per SA the AES-256 encryption and decryption key schedules
 *                (IMB_AES_KEYEXP_256) and the HMAC ipad and opad digests (IMB_SHA256_ONE_BLOCK
 *                of the 32-byte key XOR 0x36 / 0x5c, padded to 64 bytes), at the engine's offsets
 *                0, 256, 512 and 576 of the SA's 1024 bytes. Packet: SPI (4), sequence (4), IV
 *                (16), ciphertext (BYTES, a multiple of 16), ICV (16). Per packet two jobs: the IV (IMB_CIPHER_ECB encryption of [sequence big-endian, 8 zero bytes],
 *                IMB_AUTH_NULL, written to the packet's IV), then CBC + HMAC (IMB_ORDER_CIPHER_HASH,
 *                cipher in place from offset 24 over BYTES, HMAC from 0 over 24 + BYTES, 16-byte tag
 *                after the ciphertext). Each job: IMB_GET_NEXT_JOB, fill, IMB_SUBMIT_JOB, then
 *                IMB_FLUSH_JOB while that returned NULL (one packet at a time, so the multi-buffer
 *                lanes are flushed for every job, as the engine does); status IMB_STATUS_COMPLETED
 *                checked.
 *   cbc-decrypt  One genuine packet per SA. Per packet ONE job: IMB_ORDER_HASH_CIPHER, HMAC over
 *                24 + BYTES of the packet into a 16-byte scratch, CBC decryption out of place into
 *                a second buffer (the job API lets the cipher's destination differ from its source;
 *                the HMAC reads the source), so the packet stays valid and no copy is timed; then
 *                the same 16-byte compare with the ICV, a mismatch exits 1.
 * BYTES is what is encrypted (the caller passes ESP's ciphertext length: payload, padding and
 * trailer). SAS (default 1): with more than one, each packet uses an SA picked at random, from an
 * array of 2^20 indices drawn before timing by a fixed-seed xorshift and walked cyclically (20,000
 * SAs are 20 MB of key data).
 * PREFETCH (default 0): a distance D; when D > 0, before packet i every 64-byte line of the SA
 * data of packet i + D is prefetched (__builtin_prefetch): for GCM the 16 lines of gcm_key_data
 * (1008 bytes) and salt, for CBC the 10 lines of key schedules and digests. Only SA data: never the
 * packet. The loop runs for SECONDS of wall-clock time, like JMH, in batches of 1000 packets, and
 * prints one line (openssl-evp-loop's +L line with the SA count and prefetch distance added):
 *   +M:MODE:BYTES:SAS:PREFETCH:COUNT:SECONDS
 * ns per packet = SECONDS * 1e9 / COUNT.
 *
 * Build: cc -O2 -o ipsec-mb-loop ipsec-mb-loop.c -lIPSec_MB (Debian: gcc, libipsec-mb-dev).
 */
#include <intel-ipsec-mb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define MAX_BYTES 16384
#define MAX_SAS 1000000
#define BATCH 1000
#define SA_STRIDE 1024
#define LINE 64
#define INDICES (1 << 20)
#define HUGE_PAGE ((size_t)2 << 20)

/* Where each part of an SA lies in its 1024 bytes. */
#define GCM_SALT 1008                        /* after struct gcm_key_data (1008 bytes) */
#define GCM_LINES 16
#define CBC_ENC_KEYS 0                       /* 15 round keys, 240 bytes (as IpsecMbEngines.CbcHmac) */
#define CBC_DEC_KEYS 256
#define CBC_IPAD 512                         /* 32-byte SHA-256 state */
#define CBC_OPAD 576
#define CBC_LINES 10                         /* bytes 0 .. 639 */

static const char *const ARCH_NAMES[] = {
    "IMB_ARCH_NONE", "IMB_ARCH_NOAESNI", "IMB_ARCH_SSE", "IMB_ARCH_AVX", "IMB_ARCH_AVX2", "IMB_ARCH_AVX512"
};

static double seconds_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void fail(const char *what)
{
    fprintf(stderr, "ipsec-mb-loop: %s failed\n", what);
    exit(1);
}

/* Big-endian stores, one store each, as the Java side writes them (Agrona putLong / putInt with
   BIG_ENDIAN: a byte swap and one store). */
static void put64(unsigned char *p, uint64_t v)
{
    v = __builtin_bswap64(v);
    memcpy(p, &v, 8);
}

static void put32(unsigned char *p, uint32_t v)
{
    v = __builtin_bswap32(v);
    memcpy(p, &v, 4);
}

static uint64_t xorshift(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

/* 16 bytes equal, as the engine compares them: two 64-bit XORs ORed. */
static int tags_differ(const unsigned char *a, const unsigned char *b)
{
    uint64_t a0, a1, b0, b1;
    memcpy(&a0, a, 8);
    memcpy(&a1, a + 8, 8);
    memcpy(&b0, b, 8);
    memcpy(&b1, b + 8, 8);
    return ((a0 ^ b0) | (a1 ^ b1)) != 0;
}

static void *aligned(size_t bytes)
{
    void *p = aligned_alloc(64, (bytes + 63) / 64 * 64);
    if (p == NULL)
    {
        fail("aligned_alloc");
    }
    memset(p, 0, (bytes + 63) / 64 * 64);
    return p;
}

/* The SAs' memory as the engines' key pool (NativeBlocks with huge pages) takes it: aligned to 2 MiB
   and advised as huge-page memory (MADV_HUGEPAGE) before the first touch. */
static void *huge_aligned(size_t bytes)
{
    const size_t length = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    void *p = aligned_alloc(HUGE_PAGE, length);
    if (p == NULL)
    {
        fail("aligned_alloc (2 MiB)");
    }
    (void)madvise(p, length, MADV_HUGEPAGE);
    memset(p, 0, length);
    return p;
}

/* Submit the job just filled and wait for it: flush while the manager holds it in a lane. */
static void run_job(IMB_MGR *m, const char *what)
{
    IMB_JOB *job = IMB_SUBMIT_JOB(m);
    while (job == NULL)
    {
        job = IMB_FLUSH_JOB(m);
    }
    if (job->status != IMB_STATUS_COMPLETED)
    {
        fprintf(stderr, "ipsec-mb-loop: %s job status %d (%s)\n", what, (int)job->status, imb_get_strerror(imb_get_errno(m)));
        exit(1);
    }
}

/* The IV job: AES-256-ECB of [sequence big-endian, 8 zero bytes] into the packet's IV. */
static void cbc_iv(IMB_MGR *m, const unsigned char *sa, unsigned char *block, unsigned char *iv, uint64_t sequence)
{
    put64(block, sequence);
    memset(block + 8, 0, 8);
    IMB_JOB *job = IMB_GET_NEXT_JOB(m);
    job->cipher_mode = IMB_CIPHER_ECB;
    job->cipher_direction = IMB_DIR_ENCRYPT;
    job->chain_order = IMB_ORDER_CIPHER_HASH;
    job->hash_alg = IMB_AUTH_NULL;
    job->enc_keys = sa + CBC_ENC_KEYS;
    job->dec_keys = sa + CBC_DEC_KEYS;
    job->key_len_in_bytes = IMB_KEY_256_BYTES;
    job->src = block;
    job->dst = iv;
    job->cipher_start_src_offset_in_bytes = 0;
    job->msg_len_to_cipher_in_bytes = 16;
    job->iv = NULL;
    job->iv_len_in_bytes = 0;
    run_job(m, "IV (ECB)");
}

/* The CBC + HMAC-SHA-256-128 job over a packet: encryption in place then HMAC, or HMAC then
   decryption into out. */
static void cbc_hmac(IMB_MGR *m, const unsigned char *sa, unsigned char *packet, unsigned char *out, int bytes,
                     unsigned char *tag, int encrypt)
{
    IMB_JOB *job = IMB_GET_NEXT_JOB(m);
    job->cipher_mode = IMB_CIPHER_CBC;
    job->cipher_direction = encrypt ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
    job->chain_order = encrypt ? IMB_ORDER_CIPHER_HASH : IMB_ORDER_HASH_CIPHER;
    job->hash_alg = IMB_AUTH_HMAC_SHA_256;
    job->enc_keys = sa + CBC_ENC_KEYS;
    job->dec_keys = sa + CBC_DEC_KEYS;
    job->key_len_in_bytes = IMB_KEY_256_BYTES;
    job->src = packet;
    job->dst = out;
    job->cipher_start_src_offset_in_bytes = 24;
    job->msg_len_to_cipher_in_bytes = (uint64_t)bytes;
    job->iv = packet + 8;
    job->iv_len_in_bytes = 16;
    job->hash_start_src_offset_in_bytes = 0;
    job->msg_len_to_hash_in_bytes = (uint64_t)(24 + bytes);
    job->auth_tag_output = tag;
    job->auth_tag_output_len_in_bytes = 16;
    job->u.HMAC._hashed_auth_key_xor_ipad = sa + CBC_IPAD;
    job->u.HMAC._hashed_auth_key_xor_opad = sa + CBC_OPAD;
    run_job(m, encrypt ? "CBC encryption + HMAC" : "HMAC + CBC decryption");
}

static void gcm_nonce(unsigned char *nonce, const unsigned char *sa, const unsigned char *iv)
{
    memcpy(nonce, sa + GCM_SALT, 4);
    memcpy(nonce + 4, iv, 8);
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 6)
    {
        fprintf(stderr, "usage: ipsec-mb-loop gcm-encrypt|gcm-decrypt|gcm-decrypt-copied|cbc-encrypt|cbc-decrypt BYTES SECONDS [SAS [PREFETCH]]\n");
        return 2;
    }
    const char *mode = argv[1];
    const int bytes = atoi(argv[2]);
    const double seconds = atof(argv[3]);
    const int sas = argc > 4 ? atoi(argv[4]) : 1;
    const int prefetch = argc > 5 ? atoi(argv[5]) : 0;
    if (bytes <= 0 || bytes > MAX_BYTES || seconds <= 0 || sas < 1 || sas > MAX_SAS || prefetch < 0 || prefetch >= INDICES)
    {
        fprintf(stderr, "ipsec-mb-loop: BYTES must be 1..%d, SECONDS positive, SAS 1..%d and PREFETCH 0..%d\n",
                MAX_BYTES, MAX_SAS, INDICES - 1);
        return 2;
    }
    const int gcm = strncmp(mode, "gcm-", 4) == 0;
    const int known = gcm || strncmp(mode, "cbc-", 4) == 0;
    const int encrypt = known && strcmp(mode + 4, "encrypt") == 0;
    const int copied = gcm && strcmp(mode + 4, "decrypt-copied") == 0;
    if (!known || (!encrypt && !copied && strcmp(mode + 4, "decrypt") != 0))
    {
        fprintf(stderr, "ipsec-mb-loop: unknown mode %s\n", mode);
        return 2;
    }
    if (!gcm && bytes % 16 != 0)
    {
        fprintf(stderr, "ipsec-mb-loop: CBC needs a multiple of 16 bytes\n");
        return 2;
    }

    IMB_MGR *m = alloc_mb_mgr(0);
    if (m == NULL)
    {
        fail("alloc_mb_mgr");
    }
    IMB_ARCH arch = IMB_ARCH_NONE;
    init_mb_mgr_auto(m, &arch);
    if (imb_get_errno(m) != 0)
    {
        fprintf(stderr, "ipsec-mb-loop: init_mb_mgr_auto: %s\n", imb_get_strerror(imb_get_errno(m)));
        return 1;
    }
    fprintf(stderr, "ipsec-mb-loop: intel-ipsec-mb %s, %s\n", imb_get_version_str(),
            (unsigned)arch < sizeof(ARCH_NAMES) / sizeof(ARCH_NAMES[0]) ? ARCH_NAMES[arch] : "IMB_ARCH_?");
    if (!gcm && (m->features & IMB_FEATURE_AVX2) != 0)
    {
        /* As the engine: jobs one packet at a time run on an AVX2 manager, whose narrower lanes
         * cost a third of the AVX-512 manager's 16-lane round per job. Key expansion and the
         * HMAC pads are the same bytes whichever code made them. */
        init_mb_mgr_avx2(m);
        fprintf(stderr, "ipsec-mb-loop: CBC jobs on an AVX2 manager, as the engine\n");
    }

    /* The SAs: keys from a fixed-seed xorshift, different per SA, expanded once. */
    unsigned char *pool = huge_aligned((size_t)sas * SA_STRIDE);
    uint64_t rng = 0x5EED0003u;
    for (int s = 0; s < sas; s++)
    {
        unsigned char *sa = pool + (size_t)s * SA_STRIDE;
        unsigned char key[64];
        for (int i = 0; i < (int)sizeof(key); i += 8)
        {
            uint64_t r = xorshift(&rng);
            memcpy(key + i, &r, 8);
        }
        if (gcm)
        {
            IMB_AES128_GCM_PRE(m, key, (struct gcm_key_data *)sa);
            memcpy(sa + GCM_SALT, key + 16, 4);
        }
        else
        {
            /* RFC 4868: a 32-byte HMAC key, padded with zeros to SHA-256's 64-byte block. */
            unsigned char pad[64] __attribute__((aligned(16)));
            IMB_AES_KEYEXP_256(m, key, sa + CBC_ENC_KEYS, sa + CBC_DEC_KEYS);
            memset(pad, 0x36, sizeof(pad));
            for (int i = 0; i < 32; i++)
            {
                pad[i] ^= key[32 + i];
            }
            IMB_SHA256_ONE_BLOCK(m, pad, sa + CBC_IPAD);
            memset(pad, 0x5c, sizeof(pad));
            for (int i = 0; i < 32; i++)
            {
                pad[i] ^= key[32 + i];
            }
            IMB_SHA256_ONE_BLOCK(m, pad, sa + CBC_OPAD);
        }
    }

    /* Which SA each packet uses: 2^20 random indices, walked cyclically; all 0 with one SA. */
    uint32_t *indices = aligned(sizeof(uint32_t) * INDICES);
    if (sas > 1)
    {
        uint64_t pick = 0x1D1CE5u;
        for (int i = 0; i < INDICES; i++)
        {
            indices[i] = (uint32_t)(xorshift(&pick) % (uint64_t)sas);
        }
    }

    /* Packets laid out as ESP: SPI and sequence (8), IV (8 for GCM, 16 for CBC), data, ICV (16).
       Encrypt works on one; decrypt on one genuine packet per SA. */
    const int ivLength = gcm ? 8 : 16;
    const size_t packetBytes = ((size_t)(8 + ivLength + bytes + 16) + 63) / 64 * 64;
    const int packets = encrypt ? 1 : sas;
    unsigned char *packetPool = aligned((size_t)packets * packetBytes);
    unsigned char *plain = aligned(MAX_BYTES + 128);
    unsigned char *slot = aligned(MAX_BYTES + 128) + 20;
    unsigned char nonce[16] __attribute__((aligned(16)));
    unsigned char block[16] __attribute__((aligned(16)));
    unsigned char tag[16] __attribute__((aligned(16)));
    DECLARE_ALIGNED(struct gcm_context_data ctx, 64);
    for (int p = 0; p < packets; p++)
    {
        unsigned char *packet = packetPool + (size_t)p * packetBytes;
        unsigned char *sa = pool + (size_t)p * SA_STRIDE;
        put32(packet, 0x10000001u + (uint32_t)p);
        memset(packet + 8 + ivLength, 0x5a, (size_t)bytes);
        if (encrypt)
        {
            continue;
        }
        /* Seal packet p under SA p with sequence number 1. */
        put32(packet + 4, 1);
        unsigned char *data = packet + 8 + ivLength;
        if (gcm)
        {
            put64(packet + 8, 1);
            gcm_nonce(nonce, sa, packet + 8);
            IMB_AES128_GCM_ENC(m, (struct gcm_key_data *)sa, &ctx, data, data, (uint64_t)bytes, nonce, packet, 8,
                               data + bytes, 16);
        }
        else
        {
            cbc_iv(m, sa, block, packet + 8, 1);
            cbc_hmac(m, sa, packet, packet + 24, bytes, data + bytes, 1);
        }
    }

    unsigned char *packet = packetPool;
    unsigned char *data = packet + 8 + ivLength;
    const int lines = gcm ? GCM_LINES : CBC_LINES;
    uint64_t sequence = 1;
    uint32_t next = 0;
    long count = 0;
    long failures = 0;
    const double start = seconds_now();
    double elapsed = 0;
    do
    {
        for (int n = 0; n < BATCH; n++)
        {
            const uint32_t s = sas > 1 ? indices[next] : 0;
            if (prefetch > 0)
            {
                const unsigned char *ahead = pool + (size_t)indices[(next + (uint32_t)prefetch) & (INDICES - 1)] * SA_STRIDE;
                for (int l = 0; l < lines; l++)
                {
                    __builtin_prefetch(ahead + l * LINE);
                }
            }
            next = (next + 1) & (INDICES - 1);
            const unsigned char *sa = pool + (size_t)s * SA_STRIDE;
            if (!encrypt)
            {
                packet = packetPool + (size_t)(sas > 1 ? s : 0) * packetBytes;
                data = packet + 8 + ivLength;
            }
            sequence++;
            if (gcm && encrypt)
            {
                put64(packet + 8, sequence);
                put32(packet + 4, (uint32_t)sequence);
                gcm_nonce(nonce, sa, packet + 8);
                IMB_AES128_GCM_ENC(m, (const struct gcm_key_data *)sa, &ctx, data, data, (uint64_t)bytes, nonce,
                                   packet, 8, data + bytes, 16);
            }
            else if (gcm && copied)
            {
                memcpy(slot, packet, (size_t)(8 + ivLength + bytes + 16));
                gcm_nonce(nonce, sa, slot + 8);
                unsigned char *copy = slot + 8 + ivLength;
                IMB_AES128_GCM_DEC(m, (const struct gcm_key_data *)sa, &ctx, copy, copy, (uint64_t)bytes, nonce,
                                   slot, 8, tag, 16);
                failures += tags_differ(tag, copy + bytes);
            }
            else if (gcm)
            {
                gcm_nonce(nonce, sa, packet + 8);
                IMB_AES128_GCM_DEC(m, (const struct gcm_key_data *)sa, &ctx, plain, data, (uint64_t)bytes, nonce,
                                   packet, 8, tag, 16);
                failures += tags_differ(tag, data + bytes);
            }
            else if (encrypt)
            {
                put32(packet + 4, (uint32_t)sequence);
                cbc_iv(m, sa, block, packet + 8, sequence);
                cbc_hmac(m, sa, packet, packet + 24, bytes, data + bytes, 1);
            }
            else
            {
                cbc_hmac(m, sa, packet, plain, bytes, tag, 0);
                failures += tags_differ(tag, data + bytes);
            }
        }
        count += BATCH;
        elapsed = seconds_now() - start;
    }
    while (elapsed < seconds);

    if (!encrypt && failures != 0)
    {
        fprintf(stderr, "ipsec-mb-loop: %ld of %ld ICVs did not verify\n", failures, count);
        return 1;
    }
    printf("+M:%s:%d:%d:%d:%ld:%.6f\n", mode, bytes, sas, prefetch, count, elapsed);
    return 0;
}
