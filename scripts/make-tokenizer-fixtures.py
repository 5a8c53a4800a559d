#!/usr/bin/env python3
"""Golden token ids from tiktoken for CollabBench's BPE tokenizer tests.

Two modes:

  make-tokenizer-fixtures.py
      Writes Tests/CollabBenchMetricsTests/Fixtures/tokenizer-<encoding>.jsonl: one JSON object
      per line, {"text": ..., "tokens": [...]}, the ids of tiktoken's encode_ordinary for texts
      written here (adversarial cases and seeded random mixes of tricky atoms). No dataset text.

  make-tokenizer-fixtures.py --crosscheck SHARED_DATA_DIR [--limit N]
      Prints JSON Lines {"source", "text", "<encoding>": {"count", "hash"}} for real texts (Medium and
      Rust blog articles, BigCodeBench programs and prompts, MATH problems and solutions), for the
      live cross-check test. `hash` is 16 hex digits of a 64-bit hash of the ids: h starts at
      1469598103934665603, then h = (h ^ id) * 1099511628211 mod 2**64 for each id.
      --limit N takes N records per source, evenly spread (0 = all).

Rank files are found without network access: in $COLLABBENCH_TOKENIZER_DIR, else in
<shared data>/tokenizers (SHARED_DATA_DIR, $COLLABBENCH_SHARED_DATA or ../shared/data), and are
placed in a private TIKTOKEN_CACHE_DIR under the names tiktoken expects. Needs tiktoken (made with
0.14.0).
"""

import argparse
import atexit
import gzip
import hashlib
import json
import os
import random
import shutil
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENCODINGS = ["cl100k_base", "o200k_base"]
URLS = {e: f"https://openaipublic.blob.core.windows.net/encodings/{e}.tiktoken" for e in ENCODINGS}


def shared_data_dir(explicit=None):
    return explicit or os.environ.get("COLLABBENCH_SHARED_DATA") or os.path.join(ROOT, "..", "shared", "data")


def load_encodings(shared):
    """Returns {name: tiktoken.Encoding}, loading rank files from local directories only."""
    candidates = [os.environ.get("COLLABBENCH_TOKENIZER_DIR"), os.path.join(shared, "tokenizers")]
    cache = tempfile.mkdtemp(prefix="tiktoken-cache-")
    atexit.register(shutil.rmtree, cache, True)
    for name in ENCODINGS:
        for directory in filter(None, candidates):
            path = os.path.join(directory, f"{name}.tiktoken")
            if os.path.exists(path):
                shutil.copyfile(path, os.path.join(cache, hashlib.sha1(URLS[name].encode()).hexdigest()))
                break
        else:
            sys.exit(f"make-tokenizer-fixtures: no {name}.tiktoken in {candidates}")
    os.environ["TIKTOKEN_CACHE_DIR"] = cache
    import tiktoken  # after TIKTOKEN_CACHE_DIR is set

    return {name: tiktoken.get_encoding(name) for name in ENCODINGS}


# ---------------------------------------------------------------------------------------------
# Fixture texts (all written here)

HANDWRITTEN = [
    "",
    "hello world",
    "Hello, World!",
    "The quick brown fox jumps over the lazy dog.",
    "It's a dog's life, isn't it? I'm sure they'll say we'd've known.",
    "IT'S DON'T WE'LL THEY'RE I'VE I'M HE'D",
    "It'S dOn'T we'Ll they'rE I'vE i'M he'D",
    "'s 't 're 've 'm 'll 'd 'S 'T 'RE 'VE 'M 'LL 'D 'x 'ſ",
    "rock'n'roll o'clock y'all ma'am",
    "don’t curly apostrophes aren’t contractions",
    "HTTPServer parseJSONResponse iPhone XMLHttpRequest CamelCase snake_case kebab-case",
    "UPPERCASE WORDS and lowercase words and MiXeD CaSe",
    "<|endoftext|>",
    "text<|endoftext|>more text <|fim_prefix|><|fim_middle|><|fim_suffix|> <|endofprompt|>",
    "1 12 123 1234 12345 123456 1234567 3.14159 1,000,000 0x1F -42 +7 1e-10",
    "٠١٢٣٤٥٦٧٨٩ ０１２３４５ ½ ¾ ² ³ Ⅻ ⑩ 𝟘𝟙𝟚",
    " ",
    "  ",
    "\n",
    "\n\n\n",
    "\r\n",
    "\r\n\r\n\r\n",
    "a\r\n\r\nb",
    "line one\nline two\r\nline three\rline four",
    "trailing spaces   ",
    "   leading spaces",
    "a  b   c    d     e",
    "tab\tseparated\t\tvalues\t",
    "\t\t\tindented",
    "mixed \t \n \r\n  \n\t end",
    "no\u00a0break\u00a0spaces\u2009thin\u3000ideographic\u2028line\u2029para\u0085nel",
    " \n \n word",
    "x\n\n   y",
    "end with newline\n",
    "end with spaces and newline  \n  ",
    "combining: e\u0301 a\u0308 o\u0302 n\u0303 c\u0327 A\u030a",
    "\u0301\u0301\u0301 lone marks",
    "Zalgo: Z\u0351\u036b\u0343\u036a\u0302a\u0357\u0351l\u034cg\u0307o\u0310",
    "Devanagari: नमस्ते हिन्दी क्षत्रिय",
    "Thai: สวัสดีครับ ภาษาไทย",
    "Arabic: مرحبا بالعالم، كيف حالك؟ ١٢٣",
    "Hebrew: שָׁלוֹם עוֹלָם",
    "Greek: Καλημέρα κόσμε ΑΒΓΔ",
    "Cyrillic: Привет, мир! ЁЖИК",
    "Chinese: 你好，世界！这是一个测试。中文没有空格分隔词语。",
    "Japanese: こんにちは世界。カタカナとひらがなと漢字。ｶﾀｶﾅ",
    "Korean: 안녕하세요 세계 한국어 문장입니다",
    "Titlecase: ǅemal ǈubljana ǋ",
    "Modifier letters: ʰʲʷ ˆˇ 々〆 ꜝ",
    "Emoji: 😀😃😄 👍 👍🏽 ❤️ ✨",
    "ZWJ: 👩‍💻 👨‍👩‍👧‍👦 🏳️‍🌈 🧑🏿‍🚀 🏴‍☠️",
    "Flags: 🇺🇸🇯🇵🇩🇪🇫🇷 keycaps: 1️⃣ #️⃣",
    "Variation selectors: ☺︎ ☺️ 葛󠄀",
    "Astral letters: 𠀀𠀁𪚥 𝐀𝐁𝐂 𝒜 𓀀",
    "Zero width: a\u200bb\u200cc\u200dd\ufeffe",
    "Math: ∀x ∈ ℝ, ∃y: x² + y² ≤ 1 ⇒ |x| ≤ 1; ∑ᵢ aᵢ ≈ ∫ f(x) dx",
    "LaTeX: $\\frac{1}{2} + \\sqrt{x^2+1} = \\boxed{\\dfrac{3}{4}}$",
    "Punctuation runs: !!! ??? ... --- *** ((( ))) ;;; ::: ~~~ ```",
    "Slashes: a/b // c /// d //\n//\n/* comment */ http://example.com/path/to/file.html",
    "Brackets: ([{<>}]) {{{}}} [[TERMINATE CHAT]]",
    "Quotes: \"double\" 'single' `back` «guillemets» „low“ “curly” ‘curly’",
    "Dashes: a-b a–b a—b a―b",
    "Ellipsis… and … and ...",
    "Control chars: \u0001\u0002\u0007\u001b[0m\u007f",
    "Private use: \ue000\uf8ff",
    "Long s: ſ ſt ſ's it'ſ",
    "Dotted: İstanbul ıi",
    "Unicode 17 scalars: \U00032400\U00032401 a\U000324FFb",
    "def f(x):\n    return x * 2\n\n\nclass A:\n    pass\n",
    "import numpy as np\nimport pandas as pd\n\ndf = pd.DataFrame({'a': [1, 2, 3]})\nprint(df.head())\n",
    "if (a && b) {\n\treturn c;\n} else {\r\n\treturn d;\r\n}\r\n",
    "    \n        \n            deeply\n",
    "    # comment with trailing spaces    \n",
    "<div class=\"x\">Hello &amp; welcome</div>",
    '{"key": "value", "list": [1, 2, 3], "nested": {"a": null, "b": true}}',
    "SELECT * FROM users WHERE id = 42 AND name LIKE '%o''brien%';",
    "email@example.com +1 (555) 123-4567 $19.99 €5 £3 ¥100 100% #hashtag @mention",
    "a" * 300,
    "ab" * 200,
    "Ab" * 150,
    " " * 500,
    "\n" * 300,
    "\r\n" * 200,
    " \n" * 100,
    "7" * 301,
    "=" * 400,
    "-" * 80 + "\n" + "=" * 80,
    "中" * 200,
    "😀" * 100,
    "👩‍💻" * 50,
    "e\u0301" * 100,
    "'s" * 100,
    "'" * 50,
    "ſ" * 100,
    "x" + " " * 100 + "y",
    "x" + "\t" * 100 + "\n" + " " * 50 + "y",
    "Supercalifragilisticexpialidocious pneumonoultramicroscopicsilicovolcanoconiosis",
    "aGVsbG8gd29ybGQgdGhpcyBpcyBiYXNlNjQgZW5jb2RlZCB0ZXh0IHRoYXQgaXMgcXVpdGUgbG9uZw==",
    "0123456789abcdef" * 12,
]

ATOMS = (
    list("aZbQxyzAEIOUéÉßſıİ")
    + ["the", "The", "THE", "hello", "World", "camelCase", "HTTPServer", "iPhone", "O'Neil", "McDONALD"]
    + list("0123456789")
    + ["١٢٣", "０１２", "½", "²", "Ⅻ"]
    + [" ", "  ", "   ", "\t", "\r", "\n", "\r\n", "\n\n", " \n", "\u00a0", "\u2028", "\u3000", "\u0085",
       "\u200b", "\u000b", "\u000c", "\u1680", "\u2009"]
    + ["'", "'s", "'S", "'t", "'T", "'re", "'RE", "'Re", "'ve", "'VE", "'m", "'M", "'ll", "'LL", "'lL",
       "'d", "'D", "'ſ", "’s", "'x"]
    + ["\u0301", "\u0308", "\u0327", "\u20dd", "\u0903", "e\u0301", "A\u030a"]
    + ["\u200d", "👩‍💻", "👨‍👩‍👧‍👦", "🏳️‍🌈", "👍🏽", "🇺🇸", "❤️", "😀", "\ufe0f"]
    + ["中文", "日本語", "한국어", "ひらがな", "カタカナ", "𠀀", "مرحبا", "שלום", "हिन्दी", "ไทย",
       "Ελληνικά", "Привет", "ǅ", "ʰ", "々", "\U00032400"]
    + list("!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~")
    + ["//", "/*", "*/", "->", "=>", "...", "…", "—", "«", "“", "<|endoftext|>", "```", "\\frac{1}{2}", "$$"]
    + ["def f(x):\n    return x", "if (a) {\n\treturn b;\n}\r\n", "    ", "        ", "\n    \n"]
)


def fixture_texts():
    rng = random.Random(20240611)
    texts = list(HANDWRITTEN)
    for _ in range(300):
        texts.append("".join(rng.choice(ATOMS) for _ in range(rng.choice([1, 2, 3, 5, 8, 13, 21]))))
    return texts


def write_fixtures(encodings):
    texts = fixture_texts()
    out_dir = os.path.join(ROOT, "Tests", "CollabBenchMetricsTests", "Fixtures")
    os.makedirs(out_dir, exist_ok=True)
    for name, enc in encodings.items():
        path = os.path.join(out_dir, f"tokenizer-{name}.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for text in texts:
                f.write(json.dumps({"text": text, "tokens": enc.encode_ordinary(text)}, ensure_ascii=True) + "\n")
        print(f"wrote {len(texts)} cases to {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes)")


# ---------------------------------------------------------------------------------------------
# Cross-check on real data

def read_jsonl(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def real_texts(shared):
    medium = read_jsonl(os.path.join(shared, "medium", "medium_tds_articles.jsonl.gz"))
    rust = read_jsonl(os.path.join(shared, "medium", "rust_blog_posts.jsonl.gz"))
    code = read_jsonl(os.path.join(shared, "bigcodebench", "BigCodeBench-v0.1.4.jsonl.gz"))
    math = read_jsonl(os.path.join(shared, "math", "math_all.jsonl.gz"))
    return {
        "medium": [(r["id"], r["title"] + "\n\n" + r["text"]) for r in medium],
        "rust_blog": [(r["id"], r["text"]) for r in rust],
        "bigcodebench": [(r["task_id"], r["code_prompt"] + r["canonical_solution"] + "\n" + r["test"]) for r in code],
        "bigcodebench_instruct": [(r["task_id"], r["instruct_prompt"]) for r in code],
        "math_solution": [(r["id"], r["solution"]) for r in math],
        "math_problem": [(r["id"], r["problem"]) for r in math],
    }


def fnv(ids):
    h = 1469598103934665603
    for i in ids:
        h = ((h ^ i) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h


def crosscheck(shared, limit, encodings):
    out = sys.stdout
    for source, rows in real_texts(shared).items():
        if limit and len(rows) > limit:
            step = len(rows) / limit
            rows = [rows[int(i * step)] for i in range(limit)]
        for record_id, text in rows:
            record = {"source": f"{source}/{record_id}", "text": text}
            for name, enc in encodings.items():
                ids = enc.encode_ordinary(text)
                record[name] = {"count": len(ids), "hash": f"{fnv(ids):016x}"}
            out.write(json.dumps(record) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--crosscheck", metavar="SHARED_DATA_DIR")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    shared = shared_data_dir(args.crosscheck)
    encodings = load_encodings(shared)
    if args.crosscheck:
        crosscheck(shared, args.limit, encodings)
    else:
        write_fixtures(encodings)


if __name__ == "__main__":
    main()
