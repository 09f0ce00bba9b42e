/*
 * The libcrypto calls of the crypto module's OpenSSL engines (OpenSslEngines.java), in a C loop:
 * the native reference that bench/openssl-speed.sh sets beside 'openssl speed' and JMH.
 *
 * Why: 'openssl speed -aead' in OpenSSL 3.0.19 sets the IV length (EVP_CIPHER_CTX_ctrl) and
 * re-keys the context (EVP_CipherInit_ex with the key, so AES key expansion and the GHASH table
 * every time) for every operation. An ESP SA keys its context once, as this loop and the engines
 * do, so 'openssl speed' is slower than the work an SA does per packet. This loop is the same work
 * as the engines, without Java, the FFM downcalls and EspProcessor around it.
 *
 *   openssl-evp-loop MODE BYTES SECONDS
 *
 * MODE:
 *   gcm-encrypt  one EVP_CIPHER_CTX (AES-128-GCM) keyed once; per packet: EVP_CipherInit_ex with the
 *                next IV only, 8 bytes of AAD, the payload in place, EVP_CipherFinal_ex, GET_TAG.
 *   gcm-decrypt  the same, decrypting: IV, SET_TAG, AAD, update, final. The packet is decrypted out
 *                of place into a second buffer so the ciphertext and its genuine tag stay valid and
 *                every final verifies (checked); AES-GCM costs the same in place or not.
 *   cbc-encrypt  AES-256-CBC + HMAC-SHA-256-128 as OpenSslEngines.CbcHmac: the IV as the sequence
 *                number encrypted under AES-256-ECB, CBC re-initialised with that IV, the payload
 *                encrypted in place, HMAC (key kept: HMAC_Init_ex with no key) over 8 + 16 + BYTES.
 *   cbc-decrypt  HMAC over 8 + 16 + BYTES, then CBC decryption in place.
 * BYTES is what is encrypted (the caller passes ESP's ciphertext length: payload, padding and
 * trailer). The loop runs for SECONDS of wall-clock time, like JMH, and prints one line:
 *   +L:MODE:BYTES:COUNT:SECONDS
 *
 * Build: cc -O2 -o openssl-evp-loop openssl-evp-loop.c -lcrypto (Debian: gcc, libssl-dev).
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_BYTES 16384
#define BATCH 1000

static double seconds_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void fail(const char *what)
{
    fprintf(stderr, "openssl-evp-loop: %s failed\n", what);
    exit(1);
}

static void put64(unsigned char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--)
    {
        p[i] = (unsigned char)v;
        v >>= 8;
    }
}

int main(int argc, char **argv)
{
    if (argc != 4)
    {
        fprintf(stderr, "usage: openssl-evp-loop gcm-encrypt|gcm-decrypt|cbc-encrypt|cbc-decrypt BYTES SECONDS\n");
        return 2;
    }
    const char *mode = argv[1];
    const int bytes = atoi(argv[2]);
    const double seconds = atof(argv[3]);
    if (bytes <= 0 || bytes > MAX_BYTES || seconds <= 0)
    {
        fprintf(stderr, "openssl-evp-loop: BYTES must be 1..%d and SECONDS positive\n", MAX_BYTES);
        return 2;
    }
    const int gcm = strncmp(mode, "gcm-", 4) == 0;
    const int encrypt = strcmp(mode + 4, "encrypt") == 0;
    if ((!gcm && strncmp(mode, "cbc-", 4) != 0) || (!encrypt && strcmp(mode + 4, "decrypt") != 0))
    {
        fprintf(stderr, "openssl-evp-loop: unknown mode %s\n", mode);
        return 2;
    }
    if (!gcm && bytes % 16 != 0)
    {
        fprintf(stderr, "openssl-evp-loop: CBC needs a multiple of 16 bytes\n");
        return 2;
    }

    /* A packet laid out as ESP: SPI and sequence (8), IV (8 for GCM, 16 for CBC), data, ICV. */
    unsigned char *packet = aligned_alloc(64, MAX_BYTES + 128);
    unsigned char *plain = aligned_alloc(64, MAX_BYTES + 128);
    unsigned char key[64], nonce[12], aad[8], digest[EVP_MAX_MD_SIZE], block[16];
    unsigned int digestLength;
    int outl;
    for (int i = 0; i < (int)sizeof(key); i++)
    {
        key[i] = (unsigned char)(i * 7 + 1);
    }
    memset(packet, 0x5a, MAX_BYTES + 128);
    memcpy(nonce, key + 16, 4);
    memset(aad, 0x11, sizeof(aad));
    const int ivLength = gcm ? 8 : 16;
    unsigned char *data = packet + 8 + ivLength;

    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    EVP_CIPHER_CTX *ivCtx = NULL;
    HMAC_CTX *hmac = NULL;
    if (ctx == NULL)
    {
        fail("EVP_CIPHER_CTX_new");
    }
    if (gcm)
    {
        if (EVP_CipherInit_ex(ctx, EVP_aes_128_gcm(), NULL, key, NULL, encrypt) != 1)
        {
            fail("EVP_CipherInit_ex (key)");
        }
        if (!encrypt)
        {
            /* One genuine packet to decrypt again and again: nonce, AAD, ciphertext and tag. */
            EVP_CIPHER_CTX *sealer = EVP_CIPHER_CTX_new();
            put64(nonce + 4, 1);
            if (EVP_CipherInit_ex(sealer, EVP_aes_128_gcm(), NULL, key, nonce, 1) != 1 ||
                EVP_CipherUpdate(sealer, NULL, &outl, aad, sizeof(aad)) != 1 ||
                EVP_CipherUpdate(sealer, data, &outl, data, bytes) != 1 ||
                EVP_CipherFinal_ex(sealer, data + bytes, &outl) != 1 ||
                EVP_CIPHER_CTX_ctrl(sealer, EVP_CTRL_GCM_GET_TAG, 16, data + bytes) != 1)
            {
                fail("sealing the packet to decrypt");
            }
            EVP_CIPHER_CTX_free(sealer);
        }
    }
    else
    {
        ivCtx = EVP_CIPHER_CTX_new();
        hmac = HMAC_CTX_new();
        if (EVP_CipherInit_ex(ctx, EVP_aes_256_cbc(), NULL, key, NULL, encrypt) != 1 ||
            EVP_CipherInit_ex(ivCtx, EVP_aes_256_ecb(), NULL, key, NULL, 1) != 1 ||
            EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 || EVP_CIPHER_CTX_set_padding(ivCtx, 0) != 1 ||
            HMAC_Init_ex(hmac, key + 32, 32, EVP_sha256(), NULL) != 1)
        {
            fail("CBC and HMAC set-up");
        }
    }

    uint64_t sequence = 1;
    long count = 0;
    long failures = 0;
    const double start = seconds_now();
    double elapsed = 0;
    do
    {
        for (int n = 0; n < BATCH; n++)
        {
            sequence++;
            if (gcm && encrypt)
            {
                put64(packet + 8, sequence);
                memcpy(nonce + 4, packet + 8, 8);
                put64(aad, sequence);
                if (EVP_CipherInit_ex(ctx, NULL, NULL, NULL, nonce, -1) != 1 ||
                    EVP_CipherUpdate(ctx, NULL, &outl, aad, sizeof(aad)) != 1 ||
                    EVP_CipherUpdate(ctx, data, &outl, data, bytes) != 1 ||
                    EVP_CipherFinal_ex(ctx, data + bytes, &outl) != 1 ||
                    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, data + bytes) != 1)
                {
                    fail("GCM encryption");
                }
            }
            else if (gcm)
            {
                put64(nonce + 4, 1);
                if (EVP_CipherInit_ex(ctx, NULL, NULL, NULL, nonce, -1) != 1 ||
                    EVP_CipherUpdate(ctx, NULL, &outl, aad, sizeof(aad)) != 1 ||
                    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, data + bytes) != 1 ||
                    EVP_CipherUpdate(ctx, plain, &outl, data, bytes) != 1)
                {
                    fail("GCM decryption");
                }
                failures += EVP_CipherFinal_ex(ctx, plain + bytes, &outl) != 1;
            }
            else if (encrypt)
            {
                put64(block, sequence);
                memset(block + 8, 0, 8);
                if (EVP_CipherUpdate(ivCtx, packet + 8, &outl, block, 16) != 1 ||
                    EVP_CipherInit_ex(ctx, NULL, NULL, NULL, packet + 8, -1) != 1 ||
                    EVP_CipherUpdate(ctx, data, &outl, data, bytes) != 1 ||
                    HMAC_Init_ex(hmac, NULL, 0, NULL, NULL) != 1 ||
                    HMAC_Update(hmac, packet, (size_t)(8 + 16 + bytes)) != 1 ||
                    HMAC_Final(hmac, digest, &digestLength) != 1)
                {
                    fail("CBC encryption");
                }
                memcpy(data + bytes, digest, 16);
            }
            else
            {
                if (HMAC_Init_ex(hmac, NULL, 0, NULL, NULL) != 1 ||
                    HMAC_Update(hmac, packet, (size_t)(8 + 16 + bytes)) != 1 ||
                    HMAC_Final(hmac, digest, &digestLength) != 1)
                {
                    fail("CBC decryption (HMAC)");
                }
                /* As the engine: compare, then decrypt; the packet's ICV is not genuine here, so
                   decrypt regardless, which is the cost of a packet that verifies. */
                failures += CRYPTO_memcmp(digest, data + bytes, 16) != 0;
                if (EVP_CipherInit_ex(ctx, NULL, NULL, NULL, packet + 8, -1) != 1 ||
                    EVP_CipherUpdate(ctx, data, &outl, data, bytes) != 1)
                {
                    fail("CBC decryption");
                }
            }
        }
        count += BATCH;
        elapsed = seconds_now() - start;
    }
    while (elapsed < seconds);

    if (gcm && !encrypt && failures != 0)
    {
        fprintf(stderr, "openssl-evp-loop: %ld GCM tags did not verify\n", failures);
        return 1;
    }
    printf("+L:%s:%d:%ld:%.6f\n", mode, bytes, count, elapsed);
    return 0;
}
