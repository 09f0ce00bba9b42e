#!/usr/bin/env python3
"""Report of bench/openssl-speed.sh: ours (JMH EspCryptoBenchmark) against 'openssl speed'.

Usage: crypto-compare-report.py ROOT WORK_DIR REPORT_MD

Reads what bench/openssl-speed.sh left in WORK_DIR (openssl speed's machine-readable lines from
before and after the JMH passes, the JMH console logs, the list of JMH JSON files, run and machine
notes), prints the comparison table and writes REPORT_MD. Every figure is computed from those
files; nothing is typed in.

Three native references, each the mean of the 'before' and 'after' passes (both are shown):

- EVP loop: bench/openssl-evp-loop.c, the libcrypto calls of the crypto module's OpenSSL engines with
  the context keyed once, as an SA keys it, over ESP's ciphertext length ('+L:mode:bytes:count:seconds',
  ns/op = seconds * 1e9 / count). The like-for-like reference of the OpenSSL provider.
- ipsec-mb loop: bench/ipsec-mb-loop.c, the intel-ipsec-mb calls of the crypto module's ipsec-mb
  engines (one IMB_AES128_GCM_ENC/_DEC per packet; for CBC the job API's IV and CBC+HMAC jobs), over
  ESP's ciphertext length, with 1 SA and, for AES-GCM, with many SAs picked at random per packet
  without and with prefetching the key data of the SA a few packets ahead
  ('+M:mode:bytes:sas:prefetch:count:seconds'). The like-for-like reference of the ipsec-mb provider:
  the report's "Java ipsec-mb engine / C loop, same calls" table is the ipsec-mb provider on direct
  memory (JMH) over the 1-SA loop. Its pass-file comment lines are '# imb-KIND DIR PAYLOAD SAS PREFETCH:'.
- openssl speed: '+R:count:name:seconds' lines (wall clock, -elapsed), ns/op = seconds * 1e9 / count,
  over N bytes. In OpenSSL 3.0.19 'speed -aead' sets the IV length and re-keys the context for every
  operation (AES key expansion and GHASH table init each time), so it does more work per operation
  than an SA does per packet; ratios against it flatter us, most at small sizes.
  For AES-256-CBC + HMAC-SHA-256 it is t(aes-256-cbc, N) + t(hmac sha256, N), two separate loops
  (CBC without IV reset, HMAC over N bytes rather than N + 24 + trailer): a rough figure.

IMIX (7:4:1 of 64/576/1500 bytes) = (7 t(64) + 4 t(576) + t(1500)) / 12 of each pass, for both.

The crypto floor (JMH HubForwardingBenchmark.cryptoFloor, provider ipsec-mb, touchKeyState true, its
JSON among the others when the script ran that pass): per frame of a 10,000-spoke hub, the frame
copied in, the SA state touched, ESP decrypt with the sender's SA and ESP encrypt with the
receiver's (20,000 SAs). It is set against the ipsec-mb loop's decrypt + encrypt with 20,000 SAs and
prefetch 8 at the same nominal size (the floor's size is the inner packet, its ESP payload is 8 bytes
of GRE with key longer than the loop's); the project's goal is floor / (decrypt + encrypt) <= 2. The
section is left out when the run has no floor results.
"""
import json
import os
import re
import sys

GCM = "AES_GCM_128"
CBC = "AES_256_CBC_HMAC_SHA256"
PROVIDERS = ["JDK", "BOUNCY_CASTLE", "OPENSSL", "IPSEC_MB"]
IMB = "IPSEC_MB"
MEMORIES = ["HEAP", "DIRECT"]
SIZE_ORDER = {"64": 0, "576": 1, "1400": 2, "IMIX": 3}
IMIX = [(64, 7), (576, 4), (1500, 1)]
# The crypto floor against the ipsec-mb loop with this many SAs and this prefetch distance, and its goal.
FLOOR_BENCHMARK = "HubForwardingBenchmark"
FLOOR_SAS, FLOOR_PREFETCH = 20000, 8
FLOOR_GOAL = 2.0
GRE_KEYED = 8  # GRE header with key: the floor's ESP payload is the inner packet plus this


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def parse_openssl(path):
    """{(kind, direction, bytes): ns per operation} from one openssl pass file; the ipsec-mb loop's
    entries are keyed (kind, direction, bytes, sas, prefetch), kind imb-gcm or imb-cbc."""
    result = {}
    key = None
    for line in read(path).splitlines():
        m = re.match(r"# ([\w-]+) ([\w-]+) (\d+)((?: \d+)*): ", line)
        if m:
            key = (m.group(1), m.group(2), int(m.group(3))) + tuple(int(x) for x in m.group(4).split())
            continue
        m = (re.match(r"\+R:(\d+):[^:]*:([0-9.]+)$", line) or re.match(r"\+L:[^:]*:\d+:(\d+):([0-9.]+)$", line) or
             re.match(r"\+M:[^:]*:\d+:\d+:\d+:(\d+):([0-9.]+)$", line))
        if m and key is not None:
            count, seconds = int(m.group(1)), float(m.group(2))
            result[key] = seconds * 1e9 / count
            key = None
    return result


def reference(op, transform, direction, size, loop=False):
    """ns/op of one pass for a row, openssl speed's or the EVP loop's; None when the pass lacks it."""
    kind = ("loop-gcm" if loop else "gcm") if transform == GCM else ("loop-cbc" if loop else "cbc")
    try:
        if size == "IMIX":
            return sum(op[(kind, direction, n)] * w for n, w in IMIX) / sum(w for _, w in IMIX)
        if transform == CBC and not loop:
            return op[(kind, direction, int(size))] + op[("hmac", "any", int(size))]
        return op[(kind, direction, int(size))]
    except KeyError:
        return None


def imb_reference(op, transform, direction, size, sas=1, prefetch=0):
    """ns/op of one pass of the ipsec-mb loop, for a payload size or IMIX; None when the pass lacks it."""
    kind = "imb-gcm" if transform == GCM else "imb-cbc"
    try:
        if size == "IMIX":
            return sum(op[(kind, direction, n, sas, prefetch)] * w for n, w in IMIX) / sum(w for _, w in IMIX)
        return op[(kind, direction, int(size), sas, prefetch)]
    except KeyError:
        return None


def imb_configs(op, transform):
    """The (sas, prefetch) pairs the ipsec-mb loop ran for a transform in one pass, sorted."""
    kind = "imb-gcm" if transform == GCM else "imb-cbc"
    return sorted({k[3:] for k in op if len(k) == 5 and k[0] == kind})


def imb_sizes(op, transform):
    """The payload sizes (and IMIX when its three sizes are there) the ipsec-mb loop ran."""
    kind = "imb-gcm" if transform == GCM else "imb-cbc"
    sizes = {str(k[2]) for k in op if len(k) == 5 and k[0] == kind and str(k[2]) in SIZE_ORDER}
    if transform == GCM and all(any(len(k) == 5 and k[0] == kind and k[2] == n for k in op) for n, _ in IMIX):
        sizes.add("IMIX")
    return sizes


def imb_bytes(path):
    """{(kind, direction, payload, sas, prefetch): bytes} the ipsec-mb loop was given (its +M lines)."""
    result = {}
    key = None
    for line in read(path).splitlines():
        m = re.match(r"# (imb-[\w-]+) ([\w-]+) (\d+) (\d+) (\d+): ", line)
        if m:
            key = (m.group(1), m.group(2)) + tuple(int(x) for x in m.group(3, 4, 5))
            continue
        m = re.match(r"\+M:[^:]*:(\d+):\d+:\d+:\d+:[0-9.]+$", line)
        if m and key is not None:
            result[key] = int(m.group(1))
            key = None
    return result


def mean(a, b):
    return (a + b) / 2 if a is not None and b is not None else None


def summary_of(log):
    """The JMH result summary at the end of a console log, verbatim."""
    lines = read(log).splitlines()
    start = None
    for i, line in enumerate(lines):
        if line.startswith("Benchmark ") and "Mode" in line and "Score" in line:
            start = i
    if start is None:
        return "(no JMH summary found in %s)" % log
    out = []
    for line in lines[start:]:
        if line.startswith("Benchmark result is saved") or line.startswith("dmvpn:") or not line.strip():
            break
        out.append(line)
    return "\n".join(out)


def number(x):
    """A JMH JSON figure as a float, or None (JMH writes "NaN" for the error of one iteration)."""
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    return None if value != value else value


def fmt_ns(x):
    return "-" if x is None else "%.1f" % x


def fmt_ratio(x):
    return "-" if x is None else "%.2f" % x


def fmt_bytes(x):
    if x is None:
        return "-"
    if abs(x) < 0.01:
        return "%.0e" % x if x else "0"
    return "%.3g" % x if x < 100 else "%.0f" % x


def table(header, rows):
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    line = lambda cells: "| " + " | ".join(str(c).rjust(w) for c, w in zip(cells, widths)) + " |"
    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"] + [line(r) for r in rows])


def main():
    root, work, report = sys.argv[1], sys.argv[2], sys.argv[3]
    run = dict(l.split(": ", 1) for l in read(os.path.join(work, "run.txt")).splitlines() if ": " in l)
    before = parse_openssl(os.path.join(work, "openssl-before.txt"))
    after = parse_openssl(os.path.join(work, "openssl-after.txt"))

    jmh_runs = []
    for line in read(os.path.join(work, "jmh-runs.txt")).splitlines():
        name, path, command = line.split(" ", 2)
        jmh_runs.append((name, path, command))

    # (benchmark, transform, size, provider, memory) -> (score, error, B/op)
    results = {}
    # The crypto floor, ipsec-mb with the key-state touch: size -> (score, error, B/op)
    floor = {}
    for _, path, _ in jmh_runs:
        for entry in json.loads(read(os.path.join(root, path))):
            cls, method = entry["benchmark"].rsplit(".", 2)[-2:]
            p = entry["params"]
            norm = number(entry.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score"))
            if cls == FLOOR_BENCHMARK:
                if method == "cryptoFloor" and p.get("provider") == "ipsec-mb" and p.get("touchKeyState", "true") == "true":
                    floor[p["size"]] = (number(entry["primaryMetric"]["score"]),
                                        number(entry["primaryMetric"]["scoreError"]), norm)
                continue
            key = (method, p["transform"], p["size"], p.get("provider", "N/A"), p["memory"])
            results[key] = (number(entry["primaryMetric"]["score"]), number(entry["primaryMetric"]["scoreError"]), norm)

    rows = []
    for (method, transform, size, provider, memory), (score, error, norm) in results.items():
        if method not in ("encrypt", "decrypt"):
            continue
        r_before = reference(before, transform, method, size)
        r_after = reference(after, transform, method, size)
        ref = mean(r_before, r_after)
        l_before = reference(before, transform, method, size, loop=True)
        l_after = reference(after, transform, method, size, loop=True)
        loop = mean(l_before, l_after)
        imb_before = imb_reference(before, transform, method, size)
        imb_after = imb_reference(after, transform, method, size)
        imb = mean(imb_before, imb_after)
        copy = results.get(("copyOnly", transform, size, "N/A", memory))
        net = score - copy[0] if method == "decrypt" and copy else None
        rows.append({
            "transform": transform, "size": size, "direction": method, "provider": provider, "memory": memory,
            "before": r_before, "after": r_after, "ref": ref, "score": score, "error": error, "norm": norm,
            "loop_before": l_before, "loop_after": l_after, "loop": loop,
            "copy": copy[0] if method == "decrypt" and copy else None,
            "ratio": score / ref if ref else None,
            "loop_ratio": score / loop if loop else None,
            "net": net, "net_ratio": net / ref if ref and net is not None else None,
            "net_loop_ratio": net / loop if loop and net is not None else None,
            "imb_before": imb_before, "imb_after": imb_after, "imb": imb,
            "imb_ratio": score / imb if imb else None,
            "net_imb_ratio": net / imb if imb and net is not None else None,
        })
    rows.sort(key=lambda r: (r["transform"] != GCM, r["transform"], SIZE_ORDER.get(r["size"], 9), r["direction"] != "encrypt",
                             PROVIDERS.index(r["provider"]) if r["provider"] in PROVIDERS else 9, MEMORIES.index(r["memory"])))

    columns = [(p, m) for p in PROVIDERS for m in MEMORIES]
    short = {"JDK": "JDK", "BOUNCY_CASTLE": "BC", "OPENSSL": "OpenSSL", "IPSEC_MB": "ipsec-mb", "HEAP": "heap", "DIRECT": "direct"}
    name = lambda x: short.get(x, x)

    def matrix(transform, direction, cell, reference_key="ref", reference_name="openssl speed ns/op"):
        sizes = sorted({r["size"] for r in rows if r["transform"] == transform}, key=lambda s: SIZE_ORDER.get(s, 9))
        present = [c for c in columns if any(r["provider"] == c[0] and r["memory"] == c[1] and r["transform"] == transform for r in rows)]
        header = (["size", reference_name] if reference_key else ["size"]) + ["%s %s" % (name(p), name(m)) for p, m in present]
        body = []
        for size in sizes:
            found = {(r["provider"], r["memory"]): r for r in rows
                     if r["transform"] == transform and r["size"] == size and r["direction"] == direction}
            if not found:
                continue
            first = [size, fmt_ns(next(iter(found.values()))[reference_key])] if reference_key else [size]
            body.append(first + [cell(found[c]) if c in found else "-" for c in present])
        return table(header, body)

    def fastest(transform):
        out = []
        for size in sorted({r["size"] for r in rows if r["transform"] == transform}, key=lambda s: SIZE_ORDER.get(s, 9)):
            for direction in ("encrypt", "decrypt"):
                candidates = [r for r in rows if r["transform"] == transform and r["size"] == size and r["direction"] == direction]
                if candidates:
                    best = min(candidates, key=lambda r: r["score"])
                    out.append("- %s %s: %s %s, %.1f ns/op, %s x the EVP loop, %s%s x openssl speed" % (
                        size, direction, name(best["provider"]), name(best["memory"]), best["score"],
                        fmt_ratio(best["loop_ratio"]),
                        "" if best["imb_ratio"] is None else "%s x the ipsec-mb loop, " % fmt_ratio(best["imb_ratio"]),
                        fmt_ratio(best["ratio"])))
        return "\n".join(out)

    full_header = ["transform", "size", "direction", "provider", "memory", "ours ns/op", "± error", "B/op", "copyOnly",
                   "loop before", "loop after", "loop mean", "ours/loop", "(ours-copy)/loop",
                   "imb loop before", "imb loop after", "imb loop mean", "ours/imb loop", "(ours-copy)/imb loop",
                   "speed before", "speed after", "speed mean", "ours/speed", "(ours-copy)/speed"]
    full_rows = [[r["transform"], r["size"], r["direction"], r["provider"], r["memory"], fmt_ns(r["score"]), fmt_ns(r["error"]),
                  fmt_bytes(r["norm"]), fmt_ns(r["copy"]),
                  fmt_ns(r["loop_before"]), fmt_ns(r["loop_after"]), fmt_ns(r["loop"]), fmt_ratio(r["loop_ratio"]),
                  fmt_ratio(r["net_loop_ratio"]),
                  fmt_ns(r["imb_before"]), fmt_ns(r["imb_after"]), fmt_ns(r["imb"]), fmt_ratio(r["imb_ratio"]),
                  fmt_ratio(r["net_imb_ratio"]),
                  fmt_ns(r["before"]), fmt_ns(r["after"]), fmt_ns(r["ref"]), fmt_ratio(r["ratio"]),
                  fmt_ratio(r["net_ratio"])] for r in rows]
    full = table(full_header, full_rows)
    print(full)

    def na_ns(x):
        return "n/a" if x is None else "%.1f" % x

    def na_ratio(x):
        return "n/a" if x is None else "%.2f" % x

    def imb_sections(transform):
        """The ipsec-mb provider against its C loop, and the loop with 1 and many SAs."""
        sizes = {r["size"] for r in rows if r["transform"] == transform} | imb_sizes(before, transform) | imb_sizes(after, transform)
        sizes = sorted(sizes, key=lambda s: SIZE_ORDER.get(s, 9))
        configs = sorted(set(imb_configs(before, transform)) | set(imb_configs(after, transform)))
        if not configs and not any(r["provider"] == IMB and r["transform"] == transform for r in rows):
            return ["### Java ipsec-mb engine / C loop, same calls\n",
                    "Not in this run: neither the ipsec-mb provider (JMH) nor `bench/ipsec-mb-loop.c`.\n"]
        out = []
        out.append("### Java ipsec-mb engine (EspProcessor, direct memory) / C loop, same calls\n")
        out.append("The ipsec-mb provider through the whole of `EspProcessor` (JMH) over `bench/ipsec-mb-loop.c` with 1 SA, "
                   "the same library calls in C: what Java, the FFM downcalls and ESP's own work add to the library's. "
                   "*(Java-copy)* subtracts `copyOnly` from decrypt. *C loop, copied* is the loop's `gcm-decrypt-copied`: "
                   "the packet copied into a slot and decrypted there in place, as the Java benchmark does, copy included "
                   "(a packet just written costs the cipher more than the copy alone: the copy's stores drain before its "
                   "wide loads), so *Java direct / C loop, copied* compares the same work. The heap column is the same "
                   "provider on a `byte[]` slot, copied to native memory and back.%s\n" % (
                       "" if any(r["provider"] == IMB and r["transform"] == transform for r in rows) else
                       " **The JMH results have no IPSEC_MB rows** (the provider was not built, or its library did not "
                       "load on this machine), so the Java cells say n/a."))
        body = []
        for size in sizes:
            for direction in ("encrypt", "decrypt"):
                c_before = imb_reference(before, transform, direction, size)
                c_after = imb_reference(after, transform, direction, size)
                c = mean(c_before, c_after)
                found = {r["memory"]: r for r in rows if r["transform"] == transform and r["size"] == size
                         and r["direction"] == direction and r["provider"] == IMB}
                direct, heap = found.get("DIRECT"), found.get("HEAP")
                copied = mean(imb_reference(before, transform, "decrypt-copied", size),
                              imb_reference(after, transform, "decrypt-copied", size)) if direction == "decrypt" else None
                body.append([size, direction, na_ns(c_before), na_ns(c_after), na_ns(c),
                             na_ns(direct["score"] if direct else None), na_ns(direct["error"] if direct else None),
                             na_ratio(direct["score"] / c if direct and c else None),
                             na_ratio(direct["net"] / c if direct and c and direct["net"] is not None else None)
                             if direction == "decrypt" else "",
                             na_ns(copied) if direction == "decrypt" else "",
                             na_ratio(direct["score"] / copied if direct and copied else None) if direction == "decrypt" else "",
                             na_ratio(heap["score"] / c if heap and c else None)])
        out.append(table(["size", "direction", "C loop before", "C loop after", "C loop mean", "Java direct ns/op", "± error",
                          "Java direct / C loop", "(Java-copy) / C loop", "C loop, copied", "Java direct / C loop, copied",
                          "Java heap / C loop"], body) + "\n")

        if not configs:
            out.append("(No ipsec-mb loop output in this run: `bench/ipsec-mb-loop.c` was not built.)\n")
            return out
        label = lambda c: ("%d SA" % c[0] if c[0] == 1 else "%d SAs" % c[0]) + (", prefetch %d" % c[1] if c[1] else "")
        many = [c for c in configs if c != (1, 0)]
        out.append("### ipsec-mb C loop%s (ns/packet, mean of before and after)\n" % (": 1 SA and many" if many else ", 1 SA"))
        if many:
            out.append("With many SAs each packet takes an SA at random, so its key data (`struct gcm_key_data`, 1,008 "
                       "bytes, 16 cache lines; CBC's key schedules and HMAC pads, 10 lines) is mostly not in cache; "
                       "*prefetch D* prefetches those lines for the packet D ahead. Decrypt keeps one genuine packet per SA, "
                       "so with many SAs it also reads a packet that is not in cache (never prefetched); encrypt works on "
                       "one packet. The EVP loop (OpenSSL, 1 SA) is there to compare the two libraries.\n")
        else:
            out.append("Beside the EVP loop (OpenSSL, 1 SA): the two libraries doing the same ESP work.\n")
        body = []
        for size in sizes:
            for direction in ("encrypt", "decrypt"):
                values = {c: mean(imb_reference(before, transform, direction, size, *c),
                                  imb_reference(after, transform, direction, size, *c)) for c in configs}
                if all(v is None for v in values.values()):
                    continue
                evp = mean(reference(before, transform, direction, size, loop=True),
                           reference(after, transform, direction, size, loop=True))
                one = values.get((1, 0))
                body.append([size, direction, na_ns(evp)] + [na_ns(values[c]) for c in configs] +
                            [na_ratio(values[c] / one if one and values[c] is not None else None) for c in many] +
                            [na_ratio(one / evp if one and evp else None)])
        out.append(table(["size", "direction", "EVP loop, 1 SA"] + [label(c) for c in configs] +
                         ["%s / 1 SA" % label(c) for c in many] + ["ipsec-mb / EVP, 1 SA"], body) + "\n")
        return out

    def floor_section():
        """The crypto floor with 10,000 spokes against the ipsec-mb loop's decrypt + encrypt, many SAs, prefetch."""
        config = (FLOOR_SAS, FLOOR_PREFETCH)
        given = {}
        for name in ("before", "after"):
            for k, v in imb_bytes(os.path.join(work, "openssl-%s.txt" % name)).items():
                given.setdefault(k, v)

        def payloads(size):
            return [n for n, _ in IMIX] if size == "IMIX" else [int(size)] if size.isdigit() else []

        def loop_bytes(size):
            """The ESP ciphertext lengths the loop was given for a row, as its +M lines say."""
            got = [given.get(("imb-gcm", d, n) + config) for n in payloads(size) for d in ("decrypt", "encrypt")]
            if not got or None in got:
                return "n/a"
            return "/".join(str(b) for b in dict.fromkeys(got))

        def floor_bytes(size):
            """The floor's ESP ciphertext length: inner packet and GRE with key, padded to 4, with pad length and next header."""
            ns = payloads(size)
            return "/".join(str((n + GRE_KEYED + 2 + 3) // 4 * 4) for n in ns) if ns else "n/a"

        sizes = sorted(set(floor) | imb_sizes(before, GCM) | imb_sizes(after, GCM), key=lambda s: SIZE_ORDER.get(s, 9))
        sizes = [s for s in sizes if s in floor or s in SIZE_ORDER]
        out = ["### Crypto floor with 10,000 spokes / C loop decrypt + encrypt with 20,000 SAs, prefetch 8 (same run)\n"]
        out.append("The floor is `HubForwardingBenchmark.cryptoFloor` (JMH, provider ipsec-mb, `touchKeyState` true, "
                   "ns per frame): a vector of frames of a 10,000-spoke hub copied into slab slots, the SA state of the "
                   "vector touched ahead, then per frame the ESP decrypt with the sender's SA and the ESP encrypt with "
                   "the receiver's, 20,000 SAs in all. Against it, the ipsec-mb C loop (`bench/ipsec-mb-loop.c`) with "
                   "%s SAs picked at random per packet and the key data prefetched %d packets ahead: decrypt + encrypt, "
                   "each the mean of the passes before and after the JMH passes, which bracket the floor. The goal is "
                   "floor / (decrypt + encrypt) at most %.2f, judged on the point estimate (read the ± error). "
                   "Sizes differ slightly: the floor's size is the inner packet, so its ESP payload is that plus GRE "
                   "with key, %d bytes longer than the loop's payload of the same nominal size (the loop runs at ESP's "
                   "ciphertext length of the size itself, *C loop ESP bytes*, as its output says; *floor ESP bytes* is "
                   "the floor's, %d bytes more; IMIX is on both sides the 7:4:1 mean of 64/576/1500). The floor also "
                   "copies each frame in, and its decrypt reads a frame just copied (in cache), where the loop's "
                   "many-SA decrypt reads a packet not in cache. n/a: that side is not in this run.\n" % (
                       format(FLOOR_SAS, ","), FLOOR_PREFETCH, FLOOR_GOAL, GRE_KEYED, GRE_KEYED))
        body = []
        for size in sizes:
            f = floor.get(size)
            c = {}
            for direction in ("encrypt", "decrypt"):
                c_before = imb_reference(before, GCM, direction, size, *config)
                c_after = imb_reference(after, GCM, direction, size, *config)
                c[direction] = (c_before, c_after, mean(c_before, c_after))
            total = c["encrypt"][2] + c["decrypt"][2] if c["encrypt"][2] is not None and c["decrypt"][2] is not None else None
            ratio = f[0] / total if f and f[0] is not None and total else None
            body.append([size, na_ns(f[0] if f else None), na_ns(f[1] if f else None),
                         "n/a" if not f or f[2] is None else fmt_bytes(f[2]), floor_bytes(size), loop_bytes(size),
                         na_ns(c["encrypt"][0]), na_ns(c["encrypt"][1]), na_ns(c["encrypt"][2]),
                         na_ns(c["decrypt"][0]), na_ns(c["decrypt"][1]), na_ns(c["decrypt"][2]),
                         na_ns(total), na_ratio(ratio),
                         "n/a" if ratio is None else "met" if ratio <= FLOOR_GOAL else "not met"])
        out.append(table(["size", "floor ns/frame", "± error", "floor B/op", "floor ESP bytes", "C loop ESP bytes",
                          "C encrypt before", "C encrypt after", "C encrypt mean",
                          "C decrypt before", "C decrypt after", "C decrypt mean", "C decrypt + encrypt",
                          "floor / C sum", "goal <= %.2f" % FLOOR_GOAL], body) + "\n")
        return out

    copies = sorted(((t, s, m, v[0]) for (b, t, s, _, m), v in results.items() if b == "copyOnly"),
                    key=lambda x: (x[0] != GCM, SIZE_ORDER.get(x[1], 9), MEMORIES.index(x[2])))
    copy_table = table(["transform", "size", "memory", "copyOnly ns/op"], [[t, s, m, fmt_ns(v)] for t, s, m, v in copies])

    md = []
    md.append("# ESP crypto per packet: ours against `openssl speed` (%s)\n" % os.path.basename(report)[len("crypto-"):-len(".md")])
    md.append("Written by `bench/crypto-compare-report.py` from the files of one run of `bench/openssl-speed.sh`; "
              "every figure below is computed from that run's output, nothing typed in. What the benchmark measures and "
              "why it is built as it is: the Javadoc of "
              "[`EspCryptoBenchmark`](../bench/src/main/java/net/dmvpnhub/bench/EspCryptoBenchmark.java); what the "
              "OpenSSL reference is: the header of [`bench/crypto-compare-report.py`](../bench/crypto-compare-report.py).\n")
    md.append("How to read it: *size* is the payload ESP encrypts (the GRE packet); IMIX is 64/576/1500 bytes 7:4:1, per "
              "packet, and each reference's IMIX figure the same weighted mean of its own. Ours is the whole of `EspProcessor` "
              "(header, padding and trailer, anti-replay, counters) and, for decrypt, a copy of the received packet into the "
              "slot, measured alone as `copyOnly` and subtracted in the *(ours-copy)* columns. Two native references, each "
              "in a hot buffer: the **EVP loop** (`bench/openssl-evp-loop.c`), the same libcrypto calls as the crypto "
              "module's OpenSSL engines with the context keyed once per SA, over ESP's ciphertext length: the "
              "like-for-like reference of the OpenSSL provider; the **ipsec-mb loop** (`bench/ipsec-mb-loop.c`), the "
              "same intel-ipsec-mb calls as the crypto module's ipsec-mb engines, the like-for-like reference of the "
              "ipsec-mb provider, also with many SAs; and **`openssl speed`** (`-aead -evp aes-128-gcm -bytes N`), which in OpenSSL "
              "3.0.19 sets the IV length and re-keys the context (key expansion and GHASH table) on every operation, work "
              "an SA does once, so it is slower than the EVP loop and ratios against it flatter us, most at small sizes; "
              "its `-decrypt` uses a fake tag, so the final check fails after doing all the work. A ratio below 1.00 "
              "means ours took less time per packet than that reference. *B/op* is JMH's gc.alloc.rate.norm "
              "(`-prof gc`). Each reference is the mean of one pass before and one after the JMH passes; both are in the "
              "full table, so drift shows. This machine is shared and noisy: read ratios, and the ± error of each row.\n")
    md.append("## Command\n")
    md.append("```\n%s\n```\n" % run.get("command", "?"))
    md.append("on branch `%s` at commit `%s` (%s), started %s, finished %s. JMH options: `%s`; openssl speed `-seconds %s`. "
              "The JMH passes, as the script ran them:\n" % (
                  run.get("branch"), run.get("commit"), run.get("dirty"), run.get("started"), run.get("finished"),
                  run.get("jmh_options"), run.get("openssl_seconds")))
    md.append("```\n%s\n```\n" % "\n".join(c for _, _, c in jmh_runs))
    md.append("## Machine\n")
    md.append("```\n%s\n```\n" % read(os.path.join(work, "machine.txt")).rstrip())
    md.append("`uptime` before: `%s`; after: `%s`.\n" % (run.get("uptime_before", "?").strip(), run.get("uptime_after", "?").strip()))

    for transform in (GCM, CBC):
        if (not any(r["transform"] == transform for r in rows) and not imb_configs(before, transform) + imb_configs(after, transform)
                and not (transform == GCM and floor)):
            continue
        md.append("## %s\n" % transform)
        if transform == CBC:
            md.append("The EVP loop does what the OpenSSL CBC engine does (IV by AES-256-ECB of the sequence number, CBC "
                      "re-initialised with it, HMAC-SHA-256 over header, IV and ciphertext). The ipsec-mb loop does what the "
                      "ipsec-mb CBC engine does through the job API (an AES-ECB job for the IV, then one CBC + HMAC job, each "
                      "submitted alone and flushed). The `openssl speed` figure is "
                      "`-evp aes-256-cbc` plus `-hmac sha256` at the same size, two separate loops: a rough figure, not "
                      "the same work (see the header of the report script).\n")
        md.extend(imb_sections(transform))
        if transform == GCM and floor:
            md.extend(floor_section())
        for direction in ("encrypt", "decrypt"):
            md.append("### %s: ours / EVP loop (ours ns/op)\n" % direction)
            md.append(matrix(transform, direction, lambda r: "%s (%s)" % (fmt_ratio(r["loop_ratio"]), fmt_ns(r["score"])),
                             "loop", "EVP loop ns/op") + "\n")
        md.append("### decrypt minus copyOnly: (ours-copy) / EVP loop\n")
        md.append(matrix(transform, "decrypt", lambda r: fmt_ratio(r["net_loop_ratio"]), "loop", "EVP loop ns/op") + "\n")
        for direction in ("encrypt", "decrypt"):
            md.append("### %s: ours / openssl speed (ours ns/op)\n" % direction)
            md.append(matrix(transform, direction, lambda r: "%s (%s)" % (fmt_ratio(r["ratio"]), fmt_ns(r["score"]))) + "\n")
        md.append("### decrypt minus copyOnly: (ours-copy) / openssl speed\n")
        md.append(matrix(transform, "decrypt", lambda r: fmt_ratio(r["net_ratio"])) + "\n")
        for direction in ("encrypt", "decrypt"):
            md.append("### %s: B/op (gc.alloc.rate.norm)\n" % direction)
            md.append(matrix(transform, direction, lambda r: fmt_bytes(r["norm"]), None) + "\n")
        md.append("### Fastest provider and memory\n")
        md.append(fastest(transform) + "\n")

    md.append("## Every row\n")
    md.append(full + "\n")
    md.append("### copyOnly\n")
    md.append(copy_table + "\n")

    md.append("## openssl speed, EVP loop and ipsec-mb loop output, verbatim\n")
    for name in ("before", "after"):
        md.append("Pass `%s` (openssl speed: `+R:count:algorithm:seconds`, `+F:...:bytes per second`; EVP loop: "
                  "`+L:mode:bytes:count:seconds`; ipsec-mb loop: `+M:mode:bytes:sas:prefetch:count:seconds`):\n" % name)
        md.append("```\n%s\n```\n" % read(os.path.join(work, "openssl-%s.txt" % name)).rstrip())

    md.append("## JMH console summaries, verbatim\n")
    for name, path, command in jmh_runs:
        rel = os.path.relpath(os.path.join(root, path), os.path.dirname(report))
        md.append("Pass `%s`: `%s`. JSON: [%s](%s).\n" % (name, command, path, rel))
        md.append("```\n%s\n```\n" % summary_of(os.path.join(work, "jmh-%s.log" % name)))

    with open(report, "w", encoding="utf-8") as f:
        f.write("\n".join(md))


if __name__ == "__main__":
    main()
