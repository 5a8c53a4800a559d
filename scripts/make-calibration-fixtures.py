#!/usr/bin/env python3
"""Reference values for the calibration statistics, computed by SciPy.

Spearman's rho (`scipy.stats.spearmanr`), Kendall's tau-b (`scipy.stats.kendalltau`, its
default variant), Pearson's r (`scipy.stats.pearsonr`) and the two-sample Kolmogorov-Smirnov
statistic and p-value (`scipy.stats.ks_2samp`, default method='auto'). A coefficient SciPy returns
as NaN (constant input) is written as null.

  make-calibration-fixtures.py [--out FILE] [--data DIR] [--seed S]
      Writes FILE (default Tests/CollabBenchReportsTests/Fixtures/calibration-stats.json):
      {"generated": [{"x", "y", "spearman", "kendall", "pearson", "ks_statistic", "ks_pvalue"}, ...],
       "real": [{"name", "n", the same statistics}, ...]}.
      "generated" holds seeded random pairs with many ties (ratings 1..10, 1..3, turns) and
      continuous values; "real" holds only SciPy's answers on figures taken from the SimulatorArena
      conversations in DIR (default ../shared/data/simulatorarena; skipped when absent): the Swift
      test recomputes the same figures from the files through the importer, so no data is copied.

  make-calibration-fixtures.py --stdin
      Reads cases {"x", "y"} one a line on standard input and prints them back with the
      statistics filled in, for the live cross-check in the Swift tests.
"""

import argparse
import gzip
import json
import math
import os
import random
import sys
import warnings

from scipy import stats

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def clean(value):
    value = float(value)
    return None if math.isnan(value) else value


def correlations(x, y):
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if len(x) >= 2:
            out["spearman"] = clean(stats.spearmanr(x, y).statistic)
            out["kendall"] = clean(stats.kendalltau(x, y).statistic)
            out["pearson"] = clean(stats.pearsonr(x, y).statistic) if len(x) >= 2 else None
        else:
            out["spearman"] = out["kendall"] = out["pearson"] = None
        if len(x) >= 1 and len(y) >= 1:
            ks = stats.ks_2samp(x, y)
            out["ks_statistic"] = float(ks.statistic)
            out["ks_pvalue"] = float(ks.pvalue)
    return out


def answer(case):
    x, y = case["x"], case["y"]
    result = dict(case)
    if len(x) == len(y):
        result.update(correlations(x, y))
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ks = stats.ks_2samp(x, y)
        result.update({"ks_statistic": float(ks.statistic), "ks_pvalue": float(ks.pvalue)})
    return result


def generated(rng):
    cases = []
    for i in range(120):
        n = rng.choice([2, 3, 5, 8, 13, 30, 51, 80])
        kind = i % 4
        if kind == 0:
            x = [rng.randint(1, 10) for _ in range(n)]
            y = [min(10, max(1, v + rng.randint(-3, 3))) for v in x]
        elif kind == 1:
            x = [rng.randint(1, 3) for _ in range(n)]
            y = [rng.randint(1, 10) for _ in range(n)]
        elif kind == 2:
            x = [round(rng.random(), 3) for _ in range(n)]
            y = [round(v * 0.5 + rng.random() * 0.5, 3) for v in x]
        else:
            x = [rng.choice([-3.0, -1.0, 1.0]) for _ in range(n)]
            y = [float(rng.randint(1, 10)) for _ in range(n)]
        cases.append(answer({"x": [float(v) for v in x], "y": [float(v) for v in y]}))
    # Unequal sizes for the Kolmogorov-Smirnov test only (with ties).
    for i in range(40):
        n1 = rng.randint(1, 60)
        n2 = rng.randint(1, 120)
        top = rng.choice([3, 10, 40])
        x = [float(rng.randint(1, top)) for _ in range(n1)]
        y = [float(rng.randint(1, top) + rng.choice([0, 0, 1])) for _ in range(n2)]
        cases.append(answer({"x": x, "y": y}))
    # Constant samples: the coefficients are undefined.
    cases.append(answer({"x": [5.0] * 6, "y": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]}))
    cases.append(answer({"x": [1.0, 2.0, 3.0], "y": [2.0, 2.0, 2.0]}))
    return cases


def load(path):
    with gzip.open(path, "rt") as f:
        return json.load(f)


def message_text(message):
    """A user message as the importer stores it (an uploaded image becomes a marker text)."""
    if isinstance(message, str):
        return message
    return " ".join("[image: %s]" % p for p in message)


def real(directory):
    docs_path = os.path.join(directory, "document_creation_annotations_for_benchmarking.json.gz")
    math_path = os.path.join(directory, "math_tutoring_annotations_redacted_for_benchmarking.json.gz")
    if not (os.path.exists(docs_path) and os.path.exists(math_path)):
        return []
    docs = load(docs_path)
    maths = load(math_path)
    out = []

    def pair(name, x, y):
        entry = {"name": name, "n": len(x)}
        entry.update(correlations([float(v) for v in x], [float(v) for v in y]))
        out.append(entry)

    def two(name, x, y):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ks = stats.ks_2samp([float(v) for v in x], [float(v) for v in y])
        out.append({"name": name, "n": len(x) + len(y), "ks_statistic": float(ks.statistic), "ks_pvalue": float(ks.pvalue)})

    pair("docs: interaction rating vs document rating",
         [c["overall_interaction_rating"] for c in docs], [c["overall_document_rating"] for c in docs])
    pair("docs: user turns vs interaction rating",
         [len(c["user_queries"]) for c in docs], [c["overall_interaction_rating"] for c in docs])
    pair("math: user turns vs rating", [len(c["user_queries"]) for c in maths], [c["overall_rating"] for c in maths])
    two("user turns: docs vs math", [len(c["user_queries"]) for c in docs], [len(c["user_queries"]) for c in maths])
    two("ratings: docs interaction vs math",
        [c["overall_interaction_rating"] for c in docs], [c["overall_rating"] for c in maths])
    two("words per user message: docs vs math",
        [len(message_text(m).split()) for c in docs for m in c["user_queries"]],
        [len(message_text(m).split()) for c in maths for m in c["user_queries"]])
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(ROOT, "Tests/CollabBenchReportsTests/Fixtures/calibration-stats.json"))
    parser.add_argument("--data", default=os.path.join(ROOT, "../shared/data/simulatorarena"))
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--stdin", action="store_true")
    args = parser.parse_args()
    if args.stdin:
        for line in sys.stdin:
            if line.strip():
                print(json.dumps(answer(json.loads(line))))
        return
    rng = random.Random(args.seed)
    fixture = {"scipy": __import__("scipy").__version__, "generated": generated(rng), "real": real(args.data)}
    with open(args.out, "w") as f:
        json.dump(fixture, f, indent=None, separators=(",", ":"))
        f.write("\n")
    print("wrote %s: %d generated, %d real" % (args.out, len(fixture["generated"]), len(fixture["real"])))


if __name__ == "__main__":
    main()
