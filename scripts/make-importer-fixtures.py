#!/usr/bin/env python3
"""Small dataset files and CPython-drawn samples for CollabBench's importer tests.

Writes, under Tests/CollabBenchPacksTests/Fixtures/ (text written for CollabBench, no dataset
content):
- importers-math.jsonl (+ .jsonl.gz, same rows): 40 MATH-style records (id, split, subject, type,
  level, problem, solution), levels 1-5, one "Level ?", one solution whose box is empty.
- importers-bcb.jsonl: 3 records in BigCodeBench's field layout.
- importers-articles.jsonl and importers-articles.csv: the same 8 short articles (the CSV without
  ids, with quoted commas, line breaks and "" quotes; some flagged truncated).
- importers-samples.jsonl: for several filter/sample/seed recipes, the ids CPython's
  `random.seed(seed); random.sample(rows, n)` picks from the matching rows in file order.
  Article recipes count "tokens" as whitespace-separated words (the tests pass the same counter).

Standard library only:  python3 scripts/make-importer-fixtures.py
"""
import csv, gzip, io, json, os, random

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Tests", "CollabBenchPacksTests", "Fixtures")
SUBJECTS = [("algebra", "Algebra"), ("prealgebra", "Prealgebra"), ("number_theory", "Number Theory"),
            ("geometry", "Geometry")]


def math_rows():
    rows = []
    for i in range(40):
        split = "test" if i % 3 != 0 else "train"
        subject, kind = SUBJECTS[i % 4]
        level = f"Level {i % 5 + 1}"
        a, b = 3 + i, 11 + 2 * i
        problem = f"What is ${a} + {b}$?"
        solution = f"Adding, ${a} + {b} = \\boxed{{{a + b}}}$."
        if i == 7:
            problem = f"Simplify $\\frac{{{a}}}{{{2 * a}}}$."
            solution = f"Dividing top and bottom by ${a}$ gives $\\boxed{{\\frac{{1}}{{2}}}}$."
        if i == 12:
            level = "Level ?"
        if i == 21:
            solution = "There are $\\boxed{}$ such numbers."
        rows.append({"id": f"{split}/{subject}/{i}.json", "split": split, "subject": subject, "type": kind,
                     "level": level, "problem": problem, "solution": solution})
    return rows


BCB = [
    {"task_id": "Fixture/0", "name": "task_func", "libs": "['collections']",
     "instruct": "Count how often each word occurs in a list of words.\nThe function should output with:\n    dict: word -> count.\nYou should write self-contained code starting with:\n```\nfrom collections import Counter\ndef task_func(words):\n```",
     "code_prompt": "from collections import Counter\ndef task_func(words):\n",
     "solution": "    return dict(Counter(words))\n",
     "test": "import unittest\nclass TestCases(unittest.TestCase):\n    def test_counts(self):\n        self.assertEqual(task_func(['a', 'a', 'b']), {'a': 2, 'b': 1})\n"},
    {"task_id": "Fixture/1", "name": "task_func", "libs": "[]",
     "instruct": "Return the squares of the numbers from 0 to n - 1.\nYou should write self-contained code starting with:\n```\ndef task_func(n):\n```",
     "code_prompt": "def task_func(n):\n",
     "solution": "    return [k * k for k in range(n)]\n",
     "test": "import unittest\nclass TestCases(unittest.TestCase):\n    def test_three(self):\n        self.assertEqual(task_func(3), [0, 1, 4])\n"},
    {"task_id": "Fixture/2", "name": "task_func", "libs": "['re', 'string']",
     "instruct": "Remove punctuation from a text and lower-case it.\nYou should write self-contained code starting with:\n```\nimport re\nimport string\ndef task_func(text):\n```",
     "code_prompt": "import re\nimport string\ndef task_func(text):\n",
     "solution": "    return re.sub('[' + re.escape(string.punctuation) + ']', '', text).lower()\n",
     "test": "import unittest\nclass TestCases(unittest.TestCase):\n    def test_text(self):\n        self.assertEqual(task_func('Hi, There!'), 'hi there')\n"},
]

ARTICLES = [
    ("art-1", "Why Plants Lean Toward Windows", "Plants grow toward light because cells on the shaded side of the stem stretch more.\n\nTurn the pot each week and the stem straightens.", False),
    ("art-2", "Reading Error Messages, Slowly", "Most error messages say what failed, where, and sometimes why. Read them twice before searching the web.", False),
    ("art-3", "A Short Note on \"Quotes\"", "Writers quote, \"borrow\", and cite. A quotation should be short, exact and attributed.", False),
    ("art-4", "The Ten-Minute Tidy", "Set a timer for ten minutes, put things back where they live, and stop when it rings. Small daily habits beat weekend marathons, and the room stays usable.", False),
    ("art-5", "Why Bread Goes Stale", "Stale bread is not dry bread: its starch recrystallises. Warming it briefly reverses part of the change...", True),
    ("art-6", "Backups You Can Restore", "A backup you have never restored is a hope, not a plan. Test a restore every month.", False),
    ("art-7", "Walking Meetings", "Walking side by side changes a conversation. People interrupt less and think more. Keep the group small, the route simple, and write the decisions down afterwards, because nobody takes notes while walking up a hill.", False),
    ("art-8", "Comma Splices, Explained", "A comma splice joins two sentences with a comma, it is common, and a semicolon fixes it...", True),
]


def words(text):
    return len(text.split())


def main():
    os.makedirs(OUT, exist_ok=True)
    rows = math_rows()
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    with open(os.path.join(OUT, "importers-math.jsonl"), "w") as f:
        f.write(text)
    with open(os.path.join(OUT, "importers-math.jsonl.gz"), "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0) as g:
            g.write(text.encode())
    with open(os.path.join(OUT, "importers-bcb.jsonl"), "w") as f:
        for t in BCB:
            f.write(json.dumps({
                "task_id": t["task_id"], "complete_prompt": t["code_prompt"] + '    """Fixture."""\n',
                "instruct_prompt": t["instruct"], "canonical_solution": t["solution"],
                "code_prompt": t["code_prompt"], "test": t["test"], "entry_point": t["name"],
                "doc_struct": "{}", "libs": t["libs"]}) + "\n")
    with open(os.path.join(OUT, "importers-articles.jsonl"), "w") as f:
        for i, title, body, cut in ARTICLES:
            f.write(json.dumps({"id": i, "title": title, "text": body, "ends_with_ellipsis": cut}, ensure_ascii=False) + "\n")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["title", "text", "truncated"])
    for _, title, body, cut in ARTICLES:
        w.writerow([title, body, "True" if cut else "False"])
    with open(os.path.join(OUT, "importers-articles.csv"), "w", newline="") as f:
        f.write(buf.getvalue())

    def level_number(text):
        tail = text.split()[-1]
        return int(tail) if tail.isdigit() else None

    usable = [r for r in rows if "\\boxed{}" not in r["solution"]]
    recipes = []
    for filters, n, seed in [({}, 3, 7), ({"split": "test"}, 7, 42), ({"split": "test", "level": 5}, 2, 0),
                             ({}, 39, 1), ({"level": 2}, 1, 12345678901)]:
        ids = [r["id"] for r in usable
               if r["split"] == filters.get("split", r["split"])
               and ("level" not in filters or level_number(r["level"]) == filters["level"])]
        random.seed(seed)
        recipes.append({"kind": "math", "filters": filters, "sample": n, "seed": seed, "population": len(ids),
                        "ids": random.sample(ids, n)})
    for filters, n, seed in [({"max_tokens": 20}, 3, 42), ({"max_tokens": 20, "drop_truncated": True}, 2, 5)]:
        ids = [i for i, _, body, cut in ARTICLES
               if words(body) <= filters["max_tokens"] and not (filters.get("drop_truncated") and cut)]
        random.seed(seed)
        recipes.append({"kind": "docs", "filters": filters, "sample": n, "seed": seed, "population": len(ids),
                        "ids": random.sample(ids, n)})
    with open(os.path.join(OUT, "importers-samples.jsonl"), "w") as f:
        for r in recipes:
            f.write(json.dumps(r) + "\n")
    print("wrote fixtures to", os.path.relpath(OUT, ROOT))


if __name__ == "__main__":
    main()
