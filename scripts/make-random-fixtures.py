#!/usr/bin/env python3
"""Golden cases for PythonRandom, computed by CPython's own `random` module.

The algorithm `random.sample` uses depends on the Python version; these fixtures pin CPython 3.11
(the version the project targets). Two modes:

  make-random-fixtures.py [--out DIR]
      Writes the small committed fixtures to DIR (default Tests/CollabBenchMetricsTests/Fixtures):
        random-stream.jsonl   {"seed", "getrandbits": [[k, value], ...], "random": [float, ...]}
        random-sample.jsonl   {"seed", "n", "k", "sample": [index, ...]}   random.Random(seed).sample(range(n), k)
        random-shuffle.jsonl  {"seed", "n", "shuffled": [index, ...]}       random.Random(seed).shuffle(list(range(n)))
      The paper's subsets are included: seed 42 with (n, k) = (1324, 200), (1140, 600), (1390, 100).

  make-random-fixtures.py --live OUT_FILE [--cases N] [--seed S]
      Many random cases in the random-sample.jsonl format (populations 1..5000, every k regime
      around the set/pool switch, seeds up to 2^64-1) and the paper's three subsets, for a live
      cross-check.
"""

import argparse
import json
import os
import random
import sys

UINT64_MAX = 2**64 - 1


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row) + "\n")


def stream_case(seed, ks):
    rng = random.Random(seed)
    bits = [[k, rng.getrandbits(k)] for k in ks]
    floats = [rng.random() for _ in range(5)]
    return {"seed": seed, "getrandbits": bits, "random": floats}


def sample_case(seed, n, k):
    return {"seed": seed, "n": n, "k": k, "sample": random.Random(seed).sample(range(n), k)}


def shuffle_case(seed, n):
    items = list(range(n))
    random.Random(seed).shuffle(items)
    return {"seed": seed, "n": n, "shuffled": items}


def make_fixtures(out_dir):
    ks = [0, 1, 7, 31, 32, 33, 40, 53, 63, 64, 32, 1, 64]
    seeds = [0, 1, 2, 42, 1234, 2**31 - 1, 2**32 - 1, 2**32, 2**32 + 1, 2**53 + 3, 2**63, UINT64_MAX]
    write_jsonl(os.path.join(out_dir, "random-stream.jsonl"), [stream_case(s, ks) for s in seeds])

    cases = [sample_case(42, 1324, 200), sample_case(42, 1140, 600), sample_case(42, 1390, 100)]
    # Around the pool/set switch: k <= 5 -> setsize 21; k = 6 -> 21 + 4**3 = 85; k = 22 -> 21 + 4**4.
    for seed, n, k in [(0, 1, 1), (0, 1, 0), (1, 5, 5), (2, 21, 5), (3, 22, 5), (4, 85, 6), (5, 86, 6),
                       (6, 277, 22), (7, 278, 22), (8, 277, 21), (9, 1000, 0), (10, 10, 10),
                       (11, 5000, 3), (12, 5000, 40), (UINT64_MAX, 300, 12), (2**32, 64, 64)]:
        cases.append(sample_case(seed, n, k))
    write_jsonl(os.path.join(out_dir, "random-sample.jsonl"), cases)

    write_jsonl(os.path.join(out_dir, "random-shuffle.jsonl"),
                [shuffle_case(s, n) for s, n in [(0, 0), (1, 1), (2, 2), (42, 10), (7, 100), (2**40, 33)]])


def live(out_file, count, seed):
    meta = random.Random(seed)
    rows = []
    for index in range(count):
        n = meta.randint(1, 5000) if index % 4 else meta.randint(1, 300)
        regime = index % 3
        if regime == 0:
            k = meta.randint(0, min(n, 30))
        elif regime == 1:
            k = meta.randint(0, n)
        else:
            k = n
        sample_seed = meta.choice([meta.randrange(2**16), meta.randrange(2**32), meta.randrange(2**64)])
        rows.append(sample_case(sample_seed, n, k))
    rows += [sample_case(42, 1324, 200), sample_case(42, 1140, 600), sample_case(42, 1390, 100)]
    write_jsonl(out_file, rows)
    print(json.dumps({"cases": count, "python": sys.version.split()[0]}), file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", help="fixture directory")
    parser.add_argument("--live", metavar="OUT_FILE")
    parser.add_argument("--cases", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=20250214)
    args = parser.parse_args()
    if sys.version_info[:2] != (3, 11):
        print(f"warning: fixtures pin CPython 3.11, this is {sys.version.split()[0]}", file=sys.stderr)
    if args.live:
        live(args.live, args.cases, args.seed)
        return
    out_dir = args.out or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests",
                                       "CollabBenchMetricsTests", "Fixtures")
    os.makedirs(out_dir, exist_ok=True)
    make_fixtures(out_dir)


if __name__ == "__main__":
    main()
