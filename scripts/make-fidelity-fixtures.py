#!/usr/bin/env python3
"""Golden cases for LeakMeasure (simulated-user leak of the hidden reference).

The reference implementation is Python's standard library: the longest common substring is
difflib.SequenceMatcher(None, message, reference, autojunk=False).find_longest_match(...) per user
message (maximum over messages), lengths in code points; the word 8-gram overlap is the share of
the reference's distinct 8-grams of lower-cased runs of alphanumeric characters (str.isalnum)
found in some message. Texts are generated from a fixed vocabulary with a seeded RNG, plus edited
copies (pasted spans, changed case, reformatted whitespace) and unrelated messages.

  make-fidelity-fixtures.py [--out DIR] [--cases N] [--seed S]
      Writes DIR/fidelity-leak.jsonl (default DIR: Tests/CollabBenchMetricsTests/Fixtures), one case
      a line: {"reference", "messages": [...], "lcs_chars", "lcs_fraction", "ngram_overlap"}.

  make-fidelity-fixtures.py --stdin
      Reads cases {"reference", "messages"} one a line and prints them back with the three values,
      for the live cross-check and the speed comparison (--time prints seconds spent to stderr).
"""

import argparse
import difflib
import json
import os
import random
import sys
import time

N = 8
VOCAB = (
    "the a of to and in is it that for on with as was at by be this from or an are not have but "
    "garden river morning code function value table light small quiet window coffee paper train "
    "yesterday carefully bright remember Écoles naïve café über straße 2024 42 3.14 x_1 "
    "data frame column index return list dict string loop error test article writer reader"
).split()
PUNCT = [",", ".", ";", ":", "!", "?", " -", "\"", "'", "(", ")"]


def words(text):
    out, cur = [], []
    for ch in text:
        if ch.isalnum():
            cur.append(ch)
        elif cur:
            out.append("".join(cur).lower())
            cur = []
    if cur:
        out.append("".join(cur).lower())
    return out


def measure(messages, reference):
    best = 0
    for m in messages:
        sm = difflib.SequenceMatcher(None, m, reference, autojunk=False)
        best = max(best, sm.find_longest_match(0, len(m), 0, len(reference)).size)
    rw = words(reference)
    grams = {tuple(rw[i:i + N]) for i in range(len(rw) - N + 1)}
    found = set()
    for m in messages:
        mw = words(m)
        found |= {tuple(mw[i:i + N]) for i in range(len(mw) - N + 1)} & grams
    overlap = len(found) / len(grams) if grams else 0.0
    return best, (best / len(reference) if reference else 0.0), overlap


def sentence(rng):
    n = rng.randint(4, 16)
    parts = []
    for _ in range(n):
        w = rng.choice(VOCAB)
        if rng.random() < 0.1:
            w = w.capitalize()
        parts.append(w)
        if rng.random() < 0.12:
            parts[-1] += rng.choice(PUNCT)
    return " ".join(parts) + "."


def text(rng, chars):
    out = ""
    while len(out) < chars:
        out += sentence(rng) + (" " if rng.random() < 0.8 else "\n")
    return out[:chars]


def random_case(rng):
    reference = text(rng, rng.choice([0, 5, 60, 300, 1200, 3000]))
    messages = []
    for _ in range(rng.randint(0, 6)):
        kind = rng.choice(["unrelated", "span", "span", "edited", "whole"])
        if kind == "unrelated" or not reference:
            messages.append(text(rng, rng.randint(0, 400)))
            continue
        a = rng.randrange(len(reference))
        b = min(len(reference), a + rng.randint(1, 800))
        span = reference if kind == "whole" else reference[a:b]
        if kind == "edited":
            span = span.upper() if rng.random() < 0.5 else " ".join(span.split())
        messages.append(text(rng, rng.randint(0, 80)) + span + text(rng, rng.randint(0, 80)))
    return {"reference": reference, "messages": messages}


def fill(case):
    lcs, fraction, overlap = measure(case["messages"], case["reference"])
    case.update({"lcs_chars": lcs, "lcs_fraction": fraction, "ngram_overlap": overlap})
    return case


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "Tests", "CollabBenchMetricsTests", "Fixtures"))
    parser.add_argument("--cases", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--stdin", action="store_true")
    parser.add_argument("--time", action="store_true")
    args = parser.parse_args()
    if args.stdin:
        cases = [json.loads(line) for line in sys.stdin if line.strip()]
        start = time.perf_counter()
        for case in cases:
            fill(case)
        if args.time:
            print(f"python reference: {len(cases)} cases in {time.perf_counter() - start:.3f} s", file=sys.stderr)
        for case in cases:
            print(json.dumps(case, ensure_ascii=False))
        return
    rng = random.Random(args.seed)
    cases = [fill(random_case(rng)) for _ in range(args.cases)]
    path = os.path.join(args.out, "fidelity-leak.jsonl")
    with open(path, "w", encoding="utf-8") as handle:
        for case in cases:
            handle.write(json.dumps(case, ensure_ascii=False) + "\n")
    print(f"wrote {len(cases)} cases to {path}")


if __name__ == "__main__":
    main()
