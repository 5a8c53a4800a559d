#!/usr/bin/env python3
"""Reference values for CollabBench's report statistics.

Writes Tests/CollabBenchReportsTests/Fixtures/reports-stats.json with:
  - SplitMix64 / xoshiro256** streams and Lemire-bounded draws (a plain Python port of the published
    algorithms, so Swift and Python draw the same bootstrap indices),
  - percentile-bootstrap intervals of the mean computed with those indices and numpy.percentile
    (linear interpolation), plus SciPy's own percentile bootstrap (scipy.stats.bootstrap) for a
    tolerance check,
  - exact paired permutation-test p-values from scipy.stats.permutation_test
    (permutation_type="samples", statistic mean(x - y), n_resamples=inf),
  - McNemar exact p-values from scipy.stats.binomtest and statsmodels' mcnemar(exact=True),
  - pass@k and pass^k from exact binomial coefficients (math.comb, fractions).

Run with a Python that has numpy, scipy and statsmodels:
    /work/ref-venv/bin/python scripts/make-reports-fixtures.py
"""
import json
import math
import os
import random
from fractions import Fraction

import numpy as np
import scipy
import scipy.stats as st

try:
    from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar
except ImportError:  # statsmodels is optional: SciPy's binomtest gives the same numbers
    sm_mcnemar = None

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


class Xoshiro256StarStar:
    def __init__(self, seed):
        sm = SplitMix64(seed)
        self.s = [sm.next() for _ in range(4)]

    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def below(self, bound):
        m = self.next() * bound
        low = m & MASK
        if low < bound:
            threshold = ((1 << 64) - bound) % bound
            while low < threshold:
                m = self.next() * bound
                low = m & MASK
        return m >> 64


def resampled_means(values, resamples, seed):
    g = Xoshiro256StarStar(seed)
    n = len(values)
    means = []
    for _ in range(resamples):
        total = 0.0
        for _ in range(n):
            total += values[g.below(n)]
        means.append(total / n)
    return means


def percentile_interval(values, resamples, seed, level):
    means = np.array(resampled_means(values, resamples, seed))
    tail = (1 - level) / 2
    lo, hi = np.percentile(means, [100 * tail, 100 * (1 - tail)])
    return float(lo), float(hi)


def main():
    rng = random.Random(20250711)
    out = {"generator": {"numpy": np.__version__, "scipy": scipy.__version__}}

    # Generators.
    streams = []
    for seed in [0, 1, 42, 1234567, 2**64 - 1]:
        sm = SplitMix64(seed)
        xo = Xoshiro256StarStar(seed)
        xb = Xoshiro256StarStar(seed)
        streams.append({
            "seed": str(seed),
            "splitmix64": [str(sm.next()) for _ in range(5)],
            "xoshiro256starstar": [str(xo.next()) for _ in range(5)],
            "below": [[b, xb.below(b)] for b in [1, 2, 3, 6, 7, 10, 100, 1000, 2**31 - 1, 2**62 + 3] for _ in range(2)],
        })
    out["streams"] = streams

    # Bootstrap.
    boot = []
    samples = [
        [1, 0, 0, 1, 1, 0, 1, 1, 1, 0],
        [0.12, 0.5, 0.33, 0.91, 0.07, 0.64, 0.28],
        [100.0, -300.0, 100.0, 100.0, -100.0, 100.0, 100.0, -300.0],
        [rng.gauss(2.5, 1.2) for _ in range(60)],
        [float(rng.random() < 0.3) for _ in range(200)],
    ]
    for i, values in enumerate(samples):
        values = [float(v) for v in values]
        seed = 1000 + i
        lo, hi = percentile_interval(values, 2000, seed, 0.95)
        res = st.bootstrap((np.array(values),), np.mean, n_resamples=20000, confidence_level=0.95,
                           method="percentile", random_state=np.random.default_rng(7))
        boot.append({
            "values": values, "seed": str(seed), "resamples": 2000, "level": 0.95,
            "means_head": resampled_means(values, 5, seed),
            "lower": lo, "upper": hi,
            "scipy_lower": float(res.confidence_interval.low), "scipy_upper": float(res.confidence_interval.high),
        })
    out["bootstrap"] = boot

    # Quantiles with numpy's linear interpolation.
    qs = []
    for size in [1, 2, 5, 40]:
        arr = sorted(rng.uniform(-5, 5) for _ in range(size))
        for q in [0.0, 0.025, 0.3, 0.5, 0.975, 1.0]:
            qs.append({"sorted": arr, "q": q, "value": float(np.percentile(arr, 100 * q))})
    out["quantiles"] = qs

    # Paired permutation tests (exact).
    perms = []
    cases = [
        ([1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0]),
        ([1, 0, 1, 1, 0, 1, 1, 0], [0, 0, 1, 0, 0, 1, 0, 0]),
        ([0.31, 0.42, 0.25, 0.61, 0.5], [0.30, 0.40, 0.33, 0.52, 0.5]),
        ([rng.gauss(0.5, 0.2) for _ in range(12)], [rng.gauss(0.4, 0.2) for _ in range(12)]),
        ([3.1, 2.2, 4.0, 1.5, 2.5, 3.3, 2.9, 1.8, 2.0, 3.6, 2.8], [3.0, 2.5, 3.1, 1.9, 2.5, 3.0, 2.7, 2.2, 2.1, 3.0, 2.6]),
        ([1, -1, 1, 1, -3, 1, 1, 1, -1, 1, 1, 1, -1], [-1, -1, 1, -1, -3, -1, 1, -3, -1, 1, -1, 1, -1]),
        ([0, 0, 0], [0, 0, 0]),
    ]
    for x, y in cases:
        x = np.array(x, dtype=float)
        y = np.array(y, dtype=float)
        entry = {"x": x.tolist(), "y": y.tolist(), "mean_difference": float(np.mean(x - y))}
        for alt in ["two-sided", "less", "greater"]:
            r = st.permutation_test((x, y), lambda a, b, axis=-1: np.mean(a - b, axis=axis), vectorized=True,
                                    permutation_type="samples", n_resamples=np.inf, alternative=alt)
            entry[alt] = float(r.pvalue)
        # Monte Carlo with many resamples, for a tolerance check of the Swift estimate.
        perms.append(entry)
    out["permutation"] = perms

    # A larger case only for Monte Carlo agreement with the exact-by-normal-approximation-free
    # SciPy Monte Carlo estimate.
    xl = np.array([rng.gauss(0.55, 0.25) for _ in range(45)])
    yl = np.array([rng.gauss(0.45, 0.25) for _ in range(45)])
    r = st.permutation_test((xl, yl), lambda a, b, axis=-1: np.mean(a - b, axis=axis), vectorized=True,
                            permutation_type="samples", n_resamples=200000, alternative="two-sided",
                            random_state=np.random.default_rng(3))
    out["permutation_monte_carlo"] = {"x": xl.tolist(), "y": yl.tolist(), "two-sided": float(r.pvalue), "resamples": 200000}

    # McNemar exact.
    mc = []
    for b, c in [(0, 0), (1, 0), (0, 5), (5, 0), (3, 3), (7, 2), (2, 9), (12, 4), (30, 18), (150, 120), (400, 380), (6, 0)]:
        n = b + c
        entry = {"b": b, "c": c}
        if n == 0:
            entry.update({"two-sided": 1.0, "greater": 1.0, "less": 1.0})
        else:
            entry["two-sided"] = float(st.binomtest(b, n, 0.5, alternative="two-sided").pvalue)
            entry["greater"] = float(st.binomtest(b, n, 0.5, alternative="greater").pvalue)
            entry["less"] = float(st.binomtest(b, n, 0.5, alternative="less").pvalue)
            if sm_mcnemar is not None:
                entry["statsmodels"] = float(sm_mcnemar([[10, b], [c, 10]], exact=True).pvalue)
        mc.append(entry)
    out["mcnemar"] = mc

    # pass@k and pass^k.
    pk = []
    for n, c in [(1, 0), (1, 1), (5, 0), (5, 2), (5, 5), (10, 3), (10, 9), (20, 7), (100, 37), (200, 1)]:
        for k in sorted({1, 2, 3, 5, 10, n}):
            if k > n:
                continue
            at = 1 - Fraction(math.comb(n - c, k), math.comb(n, k))
            hat = Fraction(math.comb(c, k), math.comb(n, k))
            pk.append({"n": n, "c": c, "k": k, "pass_at_k": float(at), "pass_hat_k": float(hat)})
    out["pass_at_k"] = pk

    path = os.path.join(os.path.dirname(__file__), "..", "Tests", "CollabBenchReportsTests", "Fixtures", "reports-stats.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
