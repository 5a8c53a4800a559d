#!/usr/bin/env python3
"""Golden cases for KrippendorffAlpha, computed by the `krippendorff` PyPI package (0.9.0).

Random units x coders matrices with missing values (null), at the nominal and interval levels:
integer scores 1..3 (the interactivity rubric), small category sets, and real-valued scores in
[0, 1] (the unit-interval judge). Matrices where alpha is undefined (the package raises, or
returns NaN) are written with "alpha": null. The package takes coders x units, so each matrix is
transposed before the call.

  make-agreement-fixtures.py [--out DIR] [--cases N] [--seed S]
      Writes DIR/agreement-krippendorff.jsonl (default DIR: Tests/CollabBenchMetricsTests/Fixtures),
      one case a line: {"level", "units": [[value or null, ...], ...], "alpha": float or null}.

  make-agreement-fixtures.py --stdin
      Reads cases {"level", "units"} one a line on standard input and prints them back with
      "alpha" filled in, for the live cross-check in the Swift tests.
"""

import argparse
import json
import math
import os
import random
import sys
import warnings

import krippendorff
import numpy as np


def reference_alpha(level, units):
    coders = max((len(u) for u in units), default=0)
    matrix = np.full((coders, len(units)), np.nan)
    for j, unit in enumerate(units):
        for i, value in enumerate(unit):
            if value is not None:
                matrix[i, j] = value
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = float(krippendorff.alpha(reliability_data=matrix, level_of_measurement=level))
    except ValueError:
        return None
    return None if math.isnan(value) else value


def random_case(rng):
    level = rng.choice(["nominal", "interval"])
    n_units = rng.randint(1, 30)
    n_coders = rng.randint(2, 6)
    missing = rng.choice([0.0, 0.1, 0.3, 0.6])
    style = rng.choice(["rubric", "categories", "unit"] if level == "interval" else ["rubric", "categories"])
    agreement = rng.random()  # how often a coder copies the unit's "true" value

    def draw(truth):
        if style == "unit":
            return round(min(1.0, max(0.0, truth + rng.gauss(0, 0.3 * (1 - agreement)))), 3)
        if rng.random() < agreement:
            return truth
        return rng.randint(1, 3) if style == "rubric" else rng.randint(0, 5)

    units = []
    for _ in range(n_units):
        truth = rng.random() if style == "unit" else (rng.randint(1, 3) if style == "rubric" else rng.randint(0, 5))
        units.append([None if rng.random() < missing else draw(truth) for _ in range(n_coders)])
    return {"level": level, "units": units}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "Tests", "CollabBenchMetricsTests", "Fixtures"))
    parser.add_argument("--cases", type=int, default=120)
    parser.add_argument("--seed", type=int, default=20250214)
    parser.add_argument("--stdin", action="store_true")
    args = parser.parse_args()
    if args.stdin:
        for line in sys.stdin:
            if line.strip():
                case = json.loads(line)
                case["alpha"] = reference_alpha(case["level"], case["units"])
                print(json.dumps(case))
        return
    rng = random.Random(args.seed)
    cases = [random_case(rng) for _ in range(args.cases)]
    # Hand-made edge cases: perfect agreement, one value everywhere, no pairable unit, Krippendorff's example.
    cases += [
        {"level": "interval", "units": [[1, 1, None], [2, 2, 2], [3, None, 3]]},
        {"level": "nominal", "units": [[2, 2], [2, 2, None]]},
        {"level": "nominal", "units": [[1, None], [None, 2]]},
        {"level": "nominal", "units": [[1, 1, None, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2],
                                       [1, 2, 3, 4], [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [None, 5, 5, 5],
                                       [None, None, 1, 1], [None, None, 3, None]]},
        {"level": "interval", "units": [[1, 1, None, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2],
                                        [1, 2, 3, 4], [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [None, 5, 5, 5],
                                        [None, None, 1, 1], [None, None, 3, None]]},
    ]
    path = os.path.join(args.out, "agreement-krippendorff.jsonl")
    with open(path, "w", encoding="utf-8") as handle:
        for case in cases:
            case["alpha"] = reference_alpha(case["level"], case["units"])
            handle.write(json.dumps(case) + "\n")
    print(f"wrote {len(cases)} cases to {path}")


if __name__ == "__main__":
    main()
