#!/usr/bin/env python3
"""Writes the built-in demo packs under Tasks/ (math, code, docs).

The tasks are written for CollabBench (not taken from any dataset), so the demo and the tests run
with no external data. Re-run after editing this file: python3 scripts/make-builtin-packs.py
"""
import json, os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tasks")

def write_pack(name, manifest, tasks):
    d = os.path.join(ROOT, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "pack.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    with open(os.path.join(d, "tasks.jsonl"), "w") as f:
        for t in tasks:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")

MATH = [
    ("cb-math-001", "A rectangle has a perimeter of 36 cm and its length is twice its width. What is its area in square centimetres?",
     "Let the width be $w$. Then the length is $2w$ and the perimeter is $2(w + 2w) = 6w = 36$, so $w = 6$ and the length is $12$. The area is $6 \\cdot 12 = \\boxed{72}$.", "72"),
    ("cb-math-002", "What is the sum of all positive integers $n$ such that $n^2 - 10n + 21 < 0$?",
     "Factor: $n^2 - 10n + 21 = (n-3)(n-7) < 0$ holds for $3 < n < 7$, so $n \\in \\{4, 5, 6\\}$ and the sum is $\\boxed{15}$.", "15"),
    ("cb-math-003", "Simplify $\\frac{2}{3} + \\frac{5}{12} - \\frac{1}{4}$.",
     "With denominator 12: $\\frac{8}{12} + \\frac{5}{12} - \\frac{3}{12} = \\frac{10}{12} = \\boxed{\\frac{5}{6}}$.", "\\frac{5}{6}"),
    ("cb-math-004", "Two fair six-sided dice are rolled. What is the probability that the sum of the numbers shown is 8? Express your answer as a common fraction.",
     "The pairs with sum 8 are (2,6), (3,5), (4,4), (5,3), (6,2): 5 of the 36 equally likely outcomes, so the probability is $\\boxed{\\frac{5}{36}}$.", "\\frac{5}{36}"),
    ("cb-math-005", "Find the distance between the points $(1, 2)$ and $(7, 10)$.",
     "The distance is $\\sqrt{(7-1)^2 + (10-2)^2} = \\sqrt{36 + 64} = \\sqrt{100} = \\boxed{10}$.", "10"),
    ("cb-math-006", "If $f(x) = 3x^2 - 2x + 1$, what is $f(-2)$?",
     "$f(-2) = 3 \\cdot 4 - 2 \\cdot (-2) + 1 = 12 + 4 + 1 = \\boxed{17}$.", "17"),
]

math_tasks = [{
    "id": i, "prompt": p, "hidden_intent": p,
    "reference": {"text": s, "answer": a},
    "metadata": {"source": "written for CollabBench", "subject": "demo"},
} for i, p, s, a in MATH]

CODE = [
    {
        "id": "cb-code-001",
        "prompt": "Write a function task_func(words) that takes a list of strings and returns a dictionary mapping each distinct word, lower-cased, to the number of times it occurs. Words that are empty after stripping whitespace are ignored.\nYou should write self-contained code starting with:\n```\nfrom collections import Counter\ndef task_func(words):\n```",
        "code_prompt": "from collections import Counter\ndef task_func(words):\n",
        "solution": "    counts = Counter(w.strip().lower() for w in words if w.strip())\n    return dict(counts)\n",
        "test": "import unittest\n\nclass TestCases(unittest.TestCase):\n    def test_basic(self):\n        self.assertEqual(task_func(['a', 'A', 'b']), {'a': 2, 'b': 1})\n    def test_blank(self):\n        self.assertEqual(task_func([' ', '', 'x ']), {'x': 1})\n    def test_empty(self):\n        self.assertEqual(task_func([]), {})\n",
    },
    {
        "id": "cb-code-002",
        "prompt": "Write a function task_func(numbers, window) that returns the list of moving averages of the list numbers over a sliding window of size window, rounded to 2 decimals. Raise ValueError if window is not between 1 and len(numbers).\nYou should write self-contained code starting with:\n```\ndef task_func(numbers, window):\n```",
        "code_prompt": "def task_func(numbers, window):\n",
        "solution": "    if window < 1 or window > len(numbers):\n        raise ValueError('window out of range')\n    return [round(sum(numbers[i:i + window]) / window, 2) for i in range(len(numbers) - window + 1)]\n",
        "test": "import unittest\n\nclass TestCases(unittest.TestCase):\n    def test_window_two(self):\n        self.assertEqual(task_func([1, 2, 3, 4], 2), [1.5, 2.5, 3.5])\n    def test_full_window(self):\n        self.assertEqual(task_func([1, 2, 4], 3), [2.33])\n    def test_bad_window(self):\n        with self.assertRaises(ValueError):\n            task_func([1, 2], 3)\n",
    },
    {
        "id": "cb-code-003",
        "prompt": "Write a function task_func(text) that parses lines of the form 'key=value' from text, skipping blank lines and lines starting with '#', and returns a dictionary. Keys and values are stripped of whitespace; a later key overrides an earlier one. A non-blank, non-comment line without '=' raises ValueError.\nYou should write self-contained code starting with:\n```\ndef task_func(text):\n```",
        "code_prompt": "def task_func(text):\n",
        "solution": "    result = {}\n    for line in text.splitlines():\n        s = line.strip()\n        if not s or s.startswith('#'):\n            continue\n        if '=' not in s:\n            raise ValueError('bad line: ' + s)\n        k, v = s.split('=', 1)\n        result[k.strip()] = v.strip()\n    return result\n",
        "test": "import unittest\n\nclass TestCases(unittest.TestCase):\n    def test_parse(self):\n        self.assertEqual(task_func('a = 1\\n# c\\n\\nb=two'), {'a': '1', 'b': 'two'})\n    def test_override(self):\n        self.assertEqual(task_func('a=1\\na=2'), {'a': '2'})\n    def test_bad(self):\n        with self.assertRaises(ValueError):\n            task_func('novalue')\n",
    },
    {
        "id": "cb-code-004",
        "prompt": "Write a function task_func(n) that returns the list of the first n prime numbers. Raise ValueError when n is negative.\nYou should write self-contained code starting with:\n```\ndef task_func(n):\n```",
        "code_prompt": "def task_func(n):\n",
        "solution": "    if n < 0:\n        raise ValueError('n must be non-negative')\n    primes = []\n    k = 2\n    while len(primes) < n:\n        if all(k % p for p in primes if p * p <= k):\n            primes.append(k)\n        k += 1\n    return primes\n",
        "test": "import unittest\n\nclass TestCases(unittest.TestCase):\n    def test_five(self):\n        self.assertEqual(task_func(5), [2, 3, 5, 7, 11])\n    def test_zero(self):\n        self.assertEqual(task_func(0), [])\n    def test_negative(self):\n        with self.assertRaises(ValueError):\n            task_func(-1)\n",
    },
]

code_tasks = [{
    "id": c["id"], "prompt": c["prompt"], "hidden_intent": c["prompt"],
    "reference": {"text": c["code_prompt"] + c["solution"], "test": c["test"], "entry_point": "task_func", "code_prompt": c["code_prompt"]},
    "metadata": {"source": "written for CollabBench", "libs": "[]"},
} for c in CODE]

DOCS = [
    ("cb-docs-001", "Why Your Team Should Write Down Its Decisions",
     """Every team makes hundreds of small decisions a month, and most of them vanish the moment the meeting ends. Six months later someone asks why the service uses a queue instead of a database table, and nobody remembers. The person who knew has moved on, and the team either repeats an old debate or, worse, undoes a choice that was made for a good reason.

A decision log fixes this at almost no cost. Keep one short document per decision: the date, the question, the options that were on the table, what was chosen, and why. Two or three paragraphs are enough. The point is not ceremony but memory.

Three habits make a log useful. First, write the entry while the discussion is fresh, ideally by the person who proposed the change. Second, record the options you rejected and the reason; this is the part people need most later. Third, never edit an old entry to change its meaning. If a decision is reversed, write a new entry that points to the old one.

Teams that keep such a log onboard new members faster, argue less about settled questions, and can revisit a choice with confidence when the facts change. It takes ten minutes per decision. That is a small price for a team that remembers."""),
    ("cb-docs-002", "A Beginner's Guide to Sourdough Starters",
     """A sourdough starter is nothing more than flour and water that wild yeast and bacteria have made their home. It sounds mysterious, but keeping one alive is closer to caring for a houseplant than to running a laboratory.

To begin, mix equal weights of whole wheat flour and lukewarm water in a clean jar, about fifty grams of each. Cover it loosely and leave it somewhere warm. Every day, discard half and feed it again with fresh flour and water. For the first few days it may smell odd or even bubble and then go quiet. This is normal: the early bacteria are being replaced by the ones you want.

After one or two weeks a healthy starter rises predictably after each feeding, often doubling within six hours, and smells pleasantly sour, like yogurt or green apples. That is the sign it is ready to bake with.

Once established, a starter can live in the fridge and be fed once a week. Take it out a day before baking and feed it twice to wake it up. If a grey liquid forms on top, it is only hungry; pour it off and feed it.

The most common mistake is giving up too early. Patience, warmth and regular feeding solve almost every problem."""),
    ("cb-docs-003", "What Makes a Good Error Message",
     """Most software fails at some point, and the error message is the only thing standing between a confused user and a solved problem. Yet many messages read like a riddle: a code, a stack trace, or the unhelpful words "something went wrong".

A good error message answers three questions. What happened? Where did it happen? What can I do about it? "Could not open settings.yaml: the file does not exist. Create it or pass --config" answers all three in one line. The user knows which file, why it failed, and how to fix it.

Good messages also speak the user's language. A person uploading a photo does not care that a buffer overflowed; they care that the image is too large and what the limit is. Save the technical details for the log, where the developers who need them will look.

Tone matters too. Blaming the user, shouting in capital letters, or joking about a lost document all make a bad moment worse. Be plain, calm and specific.

Finally, test your errors the way you test your features. Trigger them on purpose, read them as a newcomer would, and ask whether you could recover with nothing but the message in front of you. If not, rewrite it."""),
]

docs_tasks = [{
    "id": i,
    "prompt": f"Write an article in less than 500 words about: {title}",
    "hidden_intent": f"Write an article in less than 500 words about: {title}\n\nThe article you have in mind:\n{text}",
    "reference": {"text": text},
    "metadata": {"source": "written for CollabBench", "title": title},
} for i, title, text in DOCS]

write_pack("math", {"name": "math", "version": "1", "kind": "math",
    "description": "Six short math problems written for CollabBench (demo and tests); import MATH for the real pack.",
    "tasks_file": "tasks.jsonl", "metric": {"token_encoding": "cl100k_base"}}, math_tasks)
write_pack("code", {"name": "code", "version": "1", "kind": "code",
    "description": "Four small Python tasks in BigCodeBench's format, written for CollabBench; import BigCodeBench for the real pack.",
    "tasks_file": "tasks.jsonl", "metric": {"code_timeout_seconds": 60, "token_encoding": "cl100k_base"}}, code_tasks)
write_pack("docs", {"name": "docs", "version": "1", "kind": "docs",
    "description": "Three short articles written for CollabBench; import Medium articles for the real pack.",
    "tasks_file": "tasks.jsonl", "metric": {"bleu_mode": "char", "token_encoding": "cl100k_base"}}, docs_tasks)
print("wrote", ROOT)
