#!/usr/bin/env python3
"""Answer pairs for checking CollabBench's math-answer equivalence against math-verify.

Builds pairs (reference, answer) from the MATH dataset's `answer` fields:

* ``self``      -- each answer against itself;
* ``variant``   -- each answer against re-formatted versions a model would plausibly write
                   (``\\dfrac`` for ``\\frac``, decimals, spacing, ``x =`` prefixes, units, degree
                   signs, thousands separators, reordered lists, ...), plus deliberately wrong ones;
* ``cross``     -- answers of other problems (mostly different, some equal in value);
* ``solution``  -- the full ``solution`` text (its last ``\\boxed{}``) against ``answer``.

Every pair is labelled by math-verify with the calling convention CollabBench mirrors:

    verify(parse("\\boxed{" + reference + "}"), parse(answer_text))

where ``answer_text`` is the answer itself when it already holds ``\\boxed``/``\\fbox`` or a
``$`` math environment, else ``"\\boxed{" + answer + "}"``.

Modes (run with the reference venv's python, which has math-verify 0.9.0):

    make-math-fixtures.py                      # label every pair (minutes), write the fixture
    make-math-fixtures.py --full OUT.jsonl     # label every pair of the full set into OUT
    make-math-fixtures.py --labelled OUT.jsonl # write the fixture from an earlier --full run
    make-math-fixtures.py --live N --seed S    # sample N problems, print labelled pairs to stdout

The fixture, Tests/CollabBenchMetricsTests/Fixtures/math-pairs.jsonl, holds short pairs only (no
whole solutions but a few hand-written ones): `sample` is `random` (drawn from the real pair
distribution), `stratified` (every kind of re-formatting with both labels) or `divergence`, and
`divergence` names the documented math-verify bug a pair runs into (see DIVERGENCES), where
CollabBench deliberately gives the other answer. Labels made near math-verify's 5-second timeout
can differ between runs on a loaded machine.

Data: $COLLABBENCH_SHARED_DATA/math/math_all.jsonl.gz (default ../shared/data next to the package).
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import random
import re
import sys
from fractions import Fraction

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURE = os.path.join(ROOT, "Tests", "CollabBenchMetricsTests", "Fixtures", "math-pairs.jsonl")


def data_path() -> str:
    base = os.environ.get("COLLABBENCH_SHARED_DATA") or os.path.join(ROOT, "..", "shared", "data")
    return os.path.join(base, "math", "math_all.jsonl.gz")


def load_rows(path: str) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# MARK: - small LaTeX helpers

def match_brace(s: str, i: int) -> int:
    """Index of the brace closing the one at s[i] == '{', or -1."""
    depth = 0
    j = i
    while j < len(s):
        c = s[j]
        if c == "\\":
            j += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return j
        j += 1
    return -1


def read_arg(s: str, i: int):
    """One TeX argument starting at s[i] (after spaces): returns (text, end) or None."""
    while i < len(s) and s[i] == " ":
        i += 1
    if i >= len(s):
        return None
    if s[i] == "{":
        j = match_brace(s, i)
        if j < 0:
            return None
        return s[i + 1 : j], j + 1
    if s[i] == "\\":
        m = re.match(r"\\[a-zA-Z]+", s[i:])
        if m:
            return m.group(0), i + len(m.group(0))
        return None
    return s[i], i + 1


FRAC_RE = re.compile(r"\\[dt]?frac")


def map_fracs(s: str, fn) -> str | None:
    """Rewrite every \\frac-like command with fn(cmd, num, den) -> str."""
    out = []
    i = 0
    changed = False
    while i < len(s):
        m = FRAC_RE.match(s, i)
        if m and not (m.end() < len(s) and s[m.end()].isalpha()):
            a = read_arg(s, m.end())
            b = read_arg(s, a[1]) if a else None
            if a and b:
                out.append(fn(m.group(0), a[0], b[0]))
                i = b[1]
                changed = True
                continue
        out.append(s[i])
        i += 1
    return "".join(out) if changed else None


def split_top(s: str, sep: str = ",") -> list[str]:
    """Split on sep at bracket depth 0 (ignoring the thousands separator ",\\!")."""
    parts, depth, cur, i = [], 0, [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            cur.append(s[i : i + 2])
            i += 2
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        if c == sep and depth == 0 and not s.startswith(",\\!", i):
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    parts.append("".join(cur))
    return parts


INT_RE = re.compile(r"-?\d+")
DEC_RE = re.compile(r"-?\d*\.\d+")


def value_of(ans: str):
    """Exact value of simple numeric answers: Fraction, or None."""
    s = ans.strip().replace(" ", "").replace("\\!", "").replace("{,}", "")
    s = re.sub(r"^\\\$", "", s)
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+", s):
        s = s.replace(",", "")
    if INT_RE.fullmatch(s) or DEC_RE.fullmatch(s):
        return Fraction(s)
    m = re.fullmatch(r"(-?)\\[dt]?frac\{?(\d+)\}?\{?(\d+)\}?", s)
    if m and int(m.group(3)) != 0:
        v = Fraction(int(m.group(2)), int(m.group(3)))
        return -v if m.group(1) else v
    return None


def fmt_decimal(v: float, digits: int) -> str:
    out = f"{v:.{digits}f}"
    return out


# MARK: - variant transformations (each returns a string or None)

def t_dfrac(a, rng, row):
    if "\\dfrac" in a or "\\tfrac" in a:
        return a.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac")
    if "\\frac" in a:
        return a.replace("\\frac", rng.choice(["\\dfrac", "\\tfrac", "\\dfrac"]))
    return None


def t_frac_compact(a, rng, row):
    b = re.sub(r"\\([dt]?frac)\{(\d)\}\{(\d)\}", r"\\\1\2\3", a)
    if b != a:
        return b
    b = re.sub(r"\\([dt]?frac) ?(\d)(\d)", r"\\\1{\2}{\3}", a)
    return b if b != a else None


def t_frac_slash(a, rng, row):
    def fn(cmd, n, d):
        n2 = n if re.fullmatch(r"-?\w+|\\[a-z]+|\\sqrt\{\w+\}", n) else f"({n})"
        d2 = d if re.fullmatch(r"\w+|\\[a-z]+", d) else f"({d})"
        return f"{n2}/{d2}"
    if "matrix" in a or re.search(r"\d\s*\\[dt]?frac", a):
        return None
    return map_fracs(a, fn)


def t_decimal(a, rng, row):
    v = value_of(a)
    if v is None or v.denominator == 1:
        return None
    den = v.denominator
    while den % 2 == 0:
        den //= 2
    while den % 5 == 0:
        den //= 5
    if den == 1 and rng.random() < 0.7:
        return str(float(v)).rstrip("0").rstrip(".") if "." in str(float(v)) else str(float(v))
    return fmt_decimal(float(v), rng.choice([2, 3, 4, 6, 6, 7]))


def t_int_decimal(a, rng, row):
    if re.fullmatch(r"-?\d+", a.strip()):
        return a.strip() + rng.choice([".0", ".00", ".0", ".000000"])
    if re.fullmatch(r"-?\d+\.\d+", a.strip()) and rng.random() < 0.5:
        return a.strip() + "0"
    return None


def t_spaces(a, rng, row):
    if " " in a.strip():
        out = []
        i = 0
        s = a.strip()
        while i < len(s):
            c = s[i]
            if c == " ":
                prev_cmd = re.search(r"\\[a-zA-Z]+$", "".join(out)) is not None
                nxt = s[i + 1] if i + 1 < len(s) else ""
                if prev_cmd and (nxt.isalpha() or nxt == ""):
                    out.append(c)
                elif "\\text" in "".join(out)[-12:] or "\\mbox" in "".join(out)[-12:]:
                    out.append(c)
                else:
                    pass
            else:
                out.append(c)
            i += 1
        b = "".join(out)
        return b if b != a else None
    b = re.sub(r"\s*([+=,]|(?<=[\w}])-)\s*", r" \1 ", a)
    b = b.replace(", \\!", ",\\!").replace(" ,\\!", ",\\!")
    b = re.sub(r"\s+", " ", b).strip()
    return (" " + b + " ") if b == a and rng.random() < 0.5 else (b if b != a else None)


def t_left_right(a, rng, row):
    if "\\left" in a:
        return re.sub(r"\\(left|right)\s*", "", a)
    s = a.strip()
    if len(s) > 2 and s[0] in "([" and s[-1] in ")]" and "\\cup" not in s:
        return "\\left" + s[0] + " " + s[1:-1] + " \\right" + s[-1]
    return None


def t_x_prefix(a, rng, row):
    if "=" in a or "\\text" in a or "matrix" in a:
        return None
    var = rng.choice(["x", "x", "n", "k", "a", "y", "t"])
    return rng.choice([f"{var} = {a}", f"{var}={a}"])


UNITS = ["\\text{ cm}", "\\text{ units}", "\\text{ inches}", "\\mbox{ dollars}", "\\text{ square units}",
         "\\text{ cm}^2", "\\text{ meters}", "\\text{ ways}", "\\text{ days}", " \\text{feet}"]


def t_units(a, rng, row):
    m = re.fullmatch(r"(.*?)\s*\\(?:text|mbox|textnormal)\{\s*([a-zA-Z .]+)\}(\^\d|\^\{\d\})?\s*", a)
    if m and m.group(1) and re.search(r"\d", m.group(1)):
        return m.group(1)
    if re.fullmatch(r"-?[\d.]+|\\[dt]?frac\{\d+\}\{\d+\}|\d*\\sqrt\{\d+\}|\d*\\pi", a.strip()):
        return a.strip() + rng.choice(UNITS)
    return None


def t_degrees(a, rng, row):
    if "^\\circ" in a or "^{\\circ}" in a:
        return rng.choice([
            re.sub(r"\^\{?\\circ\}?", "", a),
            re.sub(r"\^\{?\\circ\}?", "^{\\\\circ}" if "^\\circ" in a else "^\\\\circ", a),
            re.sub(r"\^\{?\\circ\}?", "°", a),
            re.sub(r"\^\{?\\circ\}?", "\\\\text{ degrees}", a),
        ])
    if "degree" in a:
        return re.sub(r"\s*\\(text|mbox)\{\s*degrees?\}", "^\\\\circ", a)
    if row.get("type") in ("Geometry", "Precalculus") and re.fullmatch(r"-?\d+(\.\d+)?", a.strip()):
        return a.strip() + rng.choice(["^\\circ", "^{\\circ}", "°", "\\text{ degrees}"])
    return None


def t_percent(a, rng, row):
    if "\\%" in a:
        r = rng.random()
        if r < 0.4:
            return a.replace("\\%", "")
        if r < 0.7:
            return a.replace("\\%", "%")
        v = value_of(a.replace("\\%", ""))
        if v is not None:
            return str(float(v / 100))
        return a.replace("\\%", "")
    if row.get("type") in ("Prealgebra", "Counting & Probability") and re.fullmatch(r"\d+(\.\d+)?", a.strip()):
        return a.strip() + rng.choice(["\\%", "%"])
    return None


def t_thousands(a, rng, row):
    s = a.strip()
    if re.search(r"\d,\\!\d|\d\{,\}\d|\d,\d{3}", s) and not s.startswith("("):
        return re.sub(r"(?<=\d)(,\\!|\{,\}|,)(?=\d{3})", "", s)
    m = re.fullmatch(r"(-?)(\d{4,})(\.\d+)?", s)
    if m:
        digits = m.group(2)
        sep = rng.choice([",", ",\\!", "{,}", "\\,", ",", " "])
        groups = []
        while digits:
            groups.insert(0, digits[-3:])
            digits = digits[:-3]
        return m.group(1) + sep.join(groups) + (m.group(3) or "")
    return None


def t_reorder(a, rng, row):
    s = a.strip()
    if "matrix" in s or "\\cup" in s:
        return None
    m = re.fullmatch(r"\\\{(.*)\\\}", s)
    inner, wrap = (m.group(1), ("\\{", "\\}")) if m else (s, ("", ""))
    parts = split_top(inner)
    if len(parts) >= 2 and not (s[0] in "([" and s[-1] in ")]" and not m):
        for _ in range(5):
            p = parts[:]
            rng.shuffle(p)
            if p != parts:
                sep = rng.choice([",", ", "])
                return wrap[0] + sep.join(x.strip() for x in p) + wrap[1]
        return None
    if s[:1] == "(" and s[-1:] == ")":
        p = split_top(s[1:-1])
        if len(p) >= 2 and p[::-1] != p:
            return "(" + ",".join(x.strip() for x in p[::-1]) + ")"
    return None


def t_boxed_sentence(a, rng, row):
    return rng.choice([
        f"The final answer is $\\boxed{{{a}}}$.",
        f"Therefore, the answer is $\\boxed{{{a}}}$",
        f"So we get \\[\\boxed{{{a}}}\\]",
        f"**Answer:** $\\boxed{{{a}}}$",
        f"We first try $x = 1$, which fails. Hence the answer is \\boxed{{{a}}}.",
    ])


def t_dollar_sentence(a, rng, row):
    return rng.choice([
        f"The answer is ${a}$.",
        f"So the final answer is $${a}$$",
        f"We get $x = 2$ first, and then the answer is \\({a}\\).",
    ])


def t_sqrt(a, rng, row):
    if re.search(r"\\sqrt\{\d\}", a):
        return re.sub(r"\\sqrt\{(\d)\}", r"\\sqrt\1", a)
    if re.search(r"\\sqrt\d", a):
        return re.sub(r"\\sqrt(\d)", r"\\sqrt{\1}", a)
    m = re.fullmatch(r"(\d+)\s*\\sqrt\{(\d+)\}", a.strip())
    if m:
        return f"\\sqrt{{{int(m.group(1)) ** 2 * int(m.group(2))}}}"
    return None


def t_pi(a, rng, row):
    if "\\pi" not in a:
        return None
    r = rng.random()
    if r < 0.4:
        try:
            from sympy import N
            from math_verify import parse
            p = parse("\\boxed{" + a + "}")
            if p and getattr(p[0], "is_number", False):
                return fmt_decimal(float(N(p[0])), rng.choice([2, 4, 6]))
        except Exception:
            return None
        return None
    if r < 0.7:
        return re.sub(r"(\d)\s*\\pi", r"\1 \\cdot \\pi", a)
    return re.sub(r"(\d+)\s*\\pi", r"\\pi \1", a) if re.search(r"\d\s*\\pi", a) else None


def t_text(a, rng, row):
    m = re.fullmatch(r"\\(?:text|textbf|mbox|mathrm)\{\s*(.*?)\s*\}", a.strip())
    if m:
        inner = m.group(1)
        return rng.choice([inner, f"\\textbf{{{inner}}}", f"\\mathrm{{{inner}}}", inner.strip("()"),
                           f"\\text{{ {inner} }}"])
    if re.fullmatch(r"\(?[A-E]\)?", a.strip()):
        return f"\\text{{{a.strip()}}}"
    return None


def t_matrix(a, rng, row):
    if "pmatrix" in a:
        if rng.random() < 0.5:
            return a.replace("pmatrix", "bmatrix")
        m = re.fullmatch(r"\\begin\{pmatrix\}(.*)\\end\{pmatrix\}", a.strip(), re.S)
        if m and "&" not in m.group(1):
            return "(" + ", ".join(x.strip() for x in m.group(1).split("\\\\")) + ")"
        return a.replace(" ", "")
    return None


def t_poly_reorder(a, rng, row):
    s = a.strip()
    if "=" in s or "," in s or "matrix" in s or "\\text" in s:
        return None
    terms, depth, cur = [], 0, ""
    i = 0
    while i < len(s):
        c = s[i]
        if c in "({[":
            depth += 1
        elif c in ")}]":
            depth -= 1
        if c in "+-" and depth == 0 and cur.strip() and not cur.rstrip().endswith(("^", "_", "\\pm")):
            terms.append(cur)
            cur = ""
        cur += c
        i += 1
    terms.append(cur)
    terms = [t.strip() for t in terms if t.strip()]
    if len(terms) < 2:
        return None
    k = rng.randrange(1, len(terms))
    p = terms[k:] + terms[:k]
    out = ""
    for t in p:
        if not out:
            out = t[1:].strip() if t.startswith("+") else t
        else:
            out += (" " + t[0] + " " + t[1:].strip()) if t[0] in "+-" else (" + " + t)
    return out if out != s else None


def t_wrong(a, rng, row):
    s = a.strip()
    if re.fullmatch(r"-?\d+", s):
        n = int(s)
        return str(rng.choice([n + 1, n - 1, -n if n else 1, n * 10]))
    m = re.fullmatch(r"(-?)\\([dt]?frac)\{(\d+)\}\{(\d+)\}", s)
    if m:
        return rng.choice([f"{m.group(1)}\\{m.group(2)}{{{m.group(4)}}}{{{m.group(3)}}}",
                           f"{'' if m.group(1) else '-'}\\{m.group(2)}{{{m.group(3)}}}{{{m.group(4)}}}"])
    if re.fullmatch(r"-?\d+\.\d+", s):
        return s[:-1] + str((int(s[-1]) + 1) % 10)
    if s[:1] in "([" and s[-1:] in ")]" and "," in s:
        flip = {"(": "[", "[": "(", ")": "]", "]": ")"}
        return flip[s[0]] + s[1:] if rng.random() < 0.5 else s[:-1] + flip[s[-1]]
    if re.search(r"\d", s):
        return re.sub(r"\d", lambda mm: str((int(mm.group(0)) + 1) % 10), s, count=1)
    return None


def t_plain(a, rng, row):
    if "matrix" in a:
        return None
    b = map_fracs(a, lambda c, n, d: f"({n})/({d})" if len(n) > 1 or len(d) > 1 else f"{n}/{d}") or a
    b = re.sub(r"\\sqrt\{([^{}]*)\}", r"sqrt(\1)", b)
    b = re.sub(r"\\sqrt(\d)", r"sqrt(\1)", b)
    b = b.replace("\\cdot", "*").replace("\\pi", "pi" if rng.random() < 0.3 else "\\pi")
    return b if b != a else None


def t_cdot(a, rng, row):
    if re.search(r"\d\s*\\(sqrt|pi)", a):
        op = rng.choice(["\\cdot", "\\times", "*"])
        return re.sub(r"(\d)\s*\\(sqrt|pi)", lambda m: f"{m.group(1)} {op} \\{m.group(2)}", a)
    if re.search(r"\d[a-z]", a) and "\\text" not in a:
        return re.sub(r"(\d)([a-z])", r"\1 \\cdot \2", a)
    return None


def t_interval(a, rng, row):
    if "\\infty" not in a and "\\cup" not in a:
        return None
    r = rng.random()
    if r < 0.35:
        return re.sub(r"(?<![-+])\\infty", "+\\\\infty", a)
    if r < 0.6:
        return re.sub(r"\s+", "", a)
    if r < 0.8 and "\\cup" in a:
        return a.replace("\\cup", " \\cup ")
    s = a.strip()
    if s[:1] == "[":
        return "(" + s[1:]
    if s[-1:] == "]":
        return s[:-1] + ")"
    return None


def t_and_list(a, rng, row):
    s = a.strip()
    if s[:1] in "([{\\" and s[:2] != "\\f" and s[:2] != "\\s" and s[:2] != "\\p":
        return None
    parts = [p.strip() for p in split_top(s)]
    if len(parts) < 2 or "matrix" in s:
        return None
    r = rng.random()
    if r < 0.4:
        return ", ".join(parts[:-1]) + " \\text{ and } " + parts[-1]
    if r < 0.7:
        return "\\{" + ", ".join(parts) + "\\}"
    return ", ".join(f"x = {p}" for p in parts)


def t_neg_frac(a, rng, row):
    m = re.fullmatch(r"-\\([dt]?frac)\{([^{}]+)\}\{([^{}]+)\}", a.strip())
    if m:
        return rng.choice([f"\\{m.group(1)}{{-{m.group(2)}}}{{{m.group(3)}}}",
                           f"\\{m.group(1)}{{{m.group(2)}}}{{-{m.group(3)}}}"])
    return None


def t_power(a, rng, row):
    s = a.strip()
    m = re.fullmatch(r"(\d+)\^\{?(\d+)\}?", s)
    if m and int(m.group(2)) * math.log10(max(2, int(m.group(1)))) < 15:
        return str(int(m.group(1)) ** int(m.group(2)))
    if re.fullmatch(r"\d+", s):
        n = int(s)
        if n >= 8:
            for b in range(2, 11):
                e, v = 0, 1
                while v < n:
                    v *= b
                    e += 1
                if v == n and e >= 2:
                    return f"{b}^{{{e}}}" if e > 9 or rng.random() < 0.5 else f"{b}^{e}"
    return None


def t_base(a, rng, row):
    m = re.fullmatch(r"(\w+)_\{?(\d+)\}?", a.strip())
    if m:
        return rng.choice([m.group(1), f"{m.group(1)}_{m.group(2)}" if len(m.group(2)) == 1 else m.group(1)])
    return None


def t_money(a, rng, row):
    s = a.strip()
    if s.startswith("\\$"):
        return s[2:].strip()
    if re.fullmatch(r"\d+\.\d\d", s):
        return "\\$" + s
    return None


def t_eq(a, rng, row):
    m = re.fullmatch(r"\s*([a-zA-Z])\s*=\s*(.+)", a)
    if m and "," not in m.group(2):
        return rng.choice([m.group(2), f"{m.group(2)} = {m.group(1)}"])
    return None


def t_mixed(a, rng, row):
    v = value_of(a)
    if v is None or v.denominator == 1 or abs(v) < 1 or "." in a:
        return None
    w = int(abs(v))
    r = abs(v) - w
    sign = "-" if v < 0 else ""
    return f"{sign}{w}\\frac{{{r.numerator}}}{{{r.denominator}}}"


TRANSFORMS = {
    "dfrac": t_dfrac, "frac_compact": t_frac_compact, "frac_slash": t_frac_slash,
    "decimal": t_decimal, "int_decimal": t_int_decimal, "spaces": t_spaces,
    "left_right": t_left_right, "x_prefix": t_x_prefix, "units": t_units, "degrees": t_degrees,
    "percent": t_percent, "thousands": t_thousands, "reorder": t_reorder,
    "boxed_sentence": t_boxed_sentence, "dollar_sentence": t_dollar_sentence, "sqrt": t_sqrt, "pi": t_pi, "text": t_text,
    "matrix": t_matrix, "poly_reorder": t_poly_reorder, "wrong": t_wrong, "plain": t_plain,
    "cdot": t_cdot, "interval": t_interval, "and_list": t_and_list, "neg_frac": t_neg_frac,
    "power": t_power, "base": t_base, "money": t_money, "eq": t_eq, "mixed": t_mixed,
}


def variants(row: dict, rng: random.Random, limit: int = 5) -> list[tuple[str, str]]:
    a = row["answer"]
    found = []
    seen = {a}
    for name, fn in TRANSFORMS.items():
        try:
            v = fn(a, rng, row)
        except Exception:
            v = None
        if v is not None and v not in seen:
            seen.add(v)
            found.append((name, v))
    # Always keep the rare structural ones; sample the rest.
    rng.shuffle(found)
    return found[:limit]


def crude_key(a: str) -> str:
    s = re.sub(r"\\(left|right|!|,|;|displaystyle)", "", a)
    s = re.sub(r"\\[dt]frac", r"\\frac", s)
    s = re.sub(r"\^\{?\\circ\}?|\\%|\\\$|\s", "", s)
    s = re.sub(r"\\(text|mbox|textbf)\{([^{}]*)\}", r"\2", s)
    return s


def build_pairs(rows: list[dict], seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    pairs = []
    for r in rows:
        pid = r["id"]
        a = r["answer"]
        pairs.append({"id": pid, "category": "self", "kind": "self", "reference": a, "answer": a})
        for name, v in variants(r, rng):
            pairs.append({"id": pid, "category": "variant", "kind": name, "reference": a, "answer": v})
        pairs.append({"id": pid, "category": "solution", "kind": "solution", "reference": a,
                      "answer": r["solution"]})
    # cross: random other answers
    n = len(rows)
    for r in rows:
        o = rows[rng.randrange(n)]
        pairs.append({"id": r["id"], "category": "cross", "kind": "random", "reference": r["answer"],
                      "answer": o["answer"]})
    # cross: answers of other problems that look alike (often equal in value)
    groups: dict[str, list[str]] = {}
    for r in rows:
        groups.setdefault(crude_key(r["answer"]), [])
        if r["answer"] not in groups[crude_key(r["answer"])]:
            groups[crude_key(r["answer"])].append(r["answer"])
    by_value: dict[Fraction, list[str]] = {}
    for r in rows:
        v = value_of(r["answer"])
        if v is not None:
            lst = by_value.setdefault(v, [])
            if r["answer"] not in lst:
                lst.append(r["answer"])
    for key in sorted(groups):
        g = groups[key]
        for i in range(len(g)):
            for j in range(len(g)):
                if i != j:
                    pairs.append({"id": key, "category": "cross", "kind": "alike", "reference": g[i],
                                  "answer": g[j]})
    for v in sorted(by_value):
        g = by_value[v]
        for i in range(len(g)):
            for j in range(len(g)):
                if i != j and crude_key(g[i]) != crude_key(g[j]):
                    pairs.append({"id": str(v), "category": "cross", "kind": "same_value",
                                  "reference": g[i], "answer": g[j]})
    return pairs


# MARK: - labelling with math-verify

def answer_text(ans: str) -> str:
    if "\\boxed" in ans or "\\fbox" in ans or re.search(r"(?<!\\)\$", ans):
        return ans
    return "\\boxed{" + ans + "}"


def label(pair: dict) -> dict:
    from math_verify import parse, verify
    try:
        gold = parse("\\boxed{" + pair["reference"] + "}")
        pred = parse(answer_text(pair["answer"]))
        ok = bool(verify(gold, pred))
    except Exception as e:  # math-verify swallows most errors itself
        gold, pred, ok = [], [], False
    out = dict(pair)
    out["math_verify"] = ok
    return out


def label_all(pairs: list[dict], jobs: int = 1) -> list[dict]:
    if jobs <= 1:
        return [label(p) for p in pairs]
    import multiprocessing as mp
    with mp.Pool(jobs) as pool:
        return pool.map(label, pairs, chunksize=64)


def dedupe(pairs: list[dict]) -> list[dict]:
    seen = {}
    out = []
    for p in pairs:
        k = (p["category"], p["kind"], p["reference"], p["answer"])
        if k in seen:
            seen[k]["count"] += 1
            continue
        q = dict(p)
        q["count"] = 1
        seen[k] = q
        out.append(q)
    return out


# MARK: - fixture selection

SYNTHETIC_SOLUTIONS = [
    ("\\frac{1}{2}", "Half of the marbles are red, so the probability is $\\boxed{\\dfrac12}$."),
    ("6", "We have $2 \\cdot 3 = 6$, hence the answer is $\\boxed{6}$."),
    ("6", "First $x = 2$, then $y = 3$. The final answer is $\\boxed{5}$."),
    ("(1,2)", "Solving gives $x=1$ and $y=2$, so the point is \\boxed{(1, 2)}."),
    ("3\\sqrt{2}", "The distance is $\\sqrt{18} = \\boxed{3\\sqrt2}$."),
    ("\\text{(C)}", "Only choice (C) works: \\boxed{\\text{(C)}}"),
    ("12", "Try $\\boxed{10}$ first; it fails. Then \\boxed{12} works."),
    ("x^2+1", "Expanding, the polynomial is $\\boxed{1 + x^2}$."),
    ("0.25", "The ratio is $\\frac{1}{4}$, i.e. \\fbox{0.25}."),
    ("\\{1,2\\}", "The roots are $\\boxed{2, 1}$."),
]


# Pairs on which math-verify 0.9.0 is wrong (it says "different" for equal answers) and
# CollabBench deliberately differs. Patterns are looked for in the answer only (`answer`) or in
# either side (`either`).
DIVERGENCES = {
    "degree_sign": ("answer", re.compile("\u00b0")),                       # `30°` inside \boxed{}
    "spaced_thousands": ("answer", re.compile(r"\d(\\,| )\d{3}(?!\d)")),  # `1\,000`, `1 000`
    "plain_sqrt_after_space": ("answer", re.compile(r"(^|\s)sqrt\(")),    # `2 sqrt(3)`
    "prefix_thousands": ("answer", re.compile(r"=\s*\\?\$?-?\d{1,3}(,\\!\s*|\{,\}|,)\d{3}")),  # `x = 1,\!000`
    "explicit_times_letter": ("answer", re.compile(r"(\\cdot|\\times|\*)\s*[a-z]\b")),  # `4 \cdot i`
    "separator_in_fraction": ("either", re.compile(r"\\[dt]?frac.*\d,\\!\d{3}")),  # `\frac{1}{1,\!000}`
    "unit_letter_suffix": ("either", re.compile(r"(?<![A-Za-z\\])[cdghlmost]\s*\.?\s*$")),  # `12 + 10t`
    "unbraced_frac_command": ("either", re.compile(r"\\[dt]?frac\s*\\[a-zA-Z]")),  # `\frac\pi 2`
    "phantom": ("either", re.compile(r"\\phantom")),
    "trailing_period": ("either", re.compile(r"(\d|\\circ|\\end\{[a-z]*matrix\})\.\s*$")),  # `5.` fails to parse
    "text_after_equals": ("answer", re.compile(r"=\s*\\(text|mbox|mathbf|textbf)\{")),  # `x = \text{C}` loses C
    "degrees_text_list": ("answer", re.compile(r"\\text\{\s*degrees\}.*,")),
}


def divergence_kind(p: dict):
    """Name of the documented math-verify bug a labelled pair runs into, or None."""
    if p["category"] == "solution":
        boxes = len(re.findall(r"\\boxed|\\fbox", p["answer"]))
        return "multiple_boxes" if boxes >= 2 and not p["math_verify"] else None
    if p["category"] != "variant":
        return None
    if p["kind"] == "wrong" and p["math_verify"]:
        # math-verify misreads the reference, so a wrong answer passes
        for name in ("unbraced_frac_command", "trailing_period", "phantom"):
            if DIVERGENCES[name][1].search(p["reference"]):
                return name
    if p["kind"] == "wrong" or p["math_verify"]:
        return None
    for name, (where, rx) in DIVERGENCES.items():
        if where == "answer" and rx.search(p["answer"]) and not rx.search(p["reference"]):
            return name
        if where == "either" and (rx.search(p["answer"]) or rx.search(p["reference"])):
            return name
    return None


def select_fixture(labelled: list[dict], rng: random.Random, n_random: int = 500, per_kind: int = 8,
                   per_divergence: int = 6) -> list[dict]:
    """A random sample of the real pair distribution, every kind with both labels, and pinned
    divergences. Long texts (whole solutions) are left out."""
    short = [dict(p, divergence=divergence_kind(p)) for p in labelled
             if p["category"] != "solution" and len(p["answer"]) <= 160 and len(p["reference"]) <= 160]
    out = []
    weights = [p.get("count", 1) for p in short]
    picked = set()
    while len(picked) < min(n_random, len(short)):
        k = rng.choices(range(len(short)), weights=weights)[0]
        if k not in picked:
            picked.add(k)
            out.append(dict(short[k], sample="random"))
    by_kind: dict[tuple[str, str, bool], list[dict]] = {}
    by_divergence: dict[str, list[dict]] = {}
    for k, p in enumerate(short):
        d = p["divergence"]
        if d:
            by_divergence.setdefault(d, []).append(p)
        elif k not in picked:
            by_kind.setdefault((p["category"], p["kind"], p["math_verify"]), []).append(p)
    for key in sorted(by_kind):
        g = by_kind[key]
        hard = [p for p in g if not re.fullmatch(r"-?\d+", p["reference"].strip())]
        pool = hard if len(hard) >= per_kind // 2 else g
        rng.shuffle(pool)
        out.extend(dict(p, sample="stratified") for p in pool[:per_kind])
    for key in sorted(by_divergence):
        g = by_divergence[key]
        rng.shuffle(g)
        out.extend(dict(p, sample="divergence") for p in g[:per_divergence])
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=data_path())
    ap.add_argument("--full", metavar="OUT", help="label the whole pair set into OUT (JSON Lines)")
    ap.add_argument("--live", type=int, metavar="N", help="sample N problems; print labelled pairs")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--out", default=FIXTURE)
    ap.add_argument("--labelled", metavar="FULL", help="reuse the labels of a --full run for the fixture")
    args = ap.parse_args()

    rows = load_rows(args.data)
    if args.live:
        rng = random.Random(args.seed)
        sample = rng.sample(rows, min(args.live, len(rows)))
        pairs = [p for p in build_pairs(sample, seed=args.seed) if p["category"] != "cross" or p["kind"] == "random"]
        for p in label_all(dedupe(pairs), args.jobs):
            p["sample"] = "live"
            p["divergence"] = divergence_kind(p)
            sys.stdout.write(json.dumps(p, ensure_ascii=False) + "\n")
        return 0
    if args.full:
        pairs = dedupe(build_pairs(rows, seed=args.seed))
        print(f"labelling {len(pairs)} unique pairs", file=sys.stderr)
        with open(args.full, "w", encoding="utf-8") as f:
            for p in label_all(pairs, args.jobs):
                f.write(json.dumps(p, ensure_ascii=False) + "\n")
        return 0

    # Fixture: label the pairs of every problem (or reuse a --full output given with --labelled),
    # pick a random sample, a spread of kinds and the known divergences, add hand-written solutions.
    rng = random.Random(args.seed)
    if args.labelled:
        with open(args.labelled, encoding="utf-8") as f:
            labelled = [json.loads(line) for line in f]
    else:
        pairs = dedupe([p for p in build_pairs(rows, seed=args.seed) if p["category"] != "solution"])
        labelled = label_all(pairs, args.jobs)
    chosen = select_fixture(labelled, rng)
    for ref, sol in SYNTHETIC_SOLUTIONS:
        p = label({"id": "synthetic", "category": "solution", "kind": "synthetic", "reference": ref, "answer": sol})
        chosen.append(dict(p, sample="stratified", divergence=divergence_kind(p)))
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        for p in chosen:
            p.pop("count", None)
            f.write(json.dumps({k: p[k] for k in ("sample", "category", "kind", "reference", "answer", "math_verify",
                                                  "divergence")},
                               ensure_ascii=False) + "\n")
    print(f"wrote {len(chosen)} pairs to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
