#!/usr/bin/env python3
"""Task ids of the CollabLLM paper's subsets, as CPython draws them, for CollabBench's importer tests.

The paper samples with `random.seed(42); random.sample(rows, n)`. For each recipe below this
script applies the same filters as `collabbench tasks import` to the shared data files (rows in
file order), draws the sample with CPython's `random`, and writes one JSON line per recipe to
Tests/CollabBenchPacksTests/Fixtures/importers-paper-subsets.jsonl:

    {"recipe", "kind", "file" (relative to shared/data), "file_sha256", "filters", "rows_read",
     "rows_matching", "sample", "seed", "ids": [...in the order random.sample returns them]}

Filters, as the importers apply them:
- math: `split` equals; the number in `level` ("Level 5") equals; rows whose solution has an empty
  final \\boxed{} (the `answer` field is empty) are skipped before sampling.
- docs: `max_tokens` keeps texts of at most N cl100k_base tokens (tiktoken encode_ordinary);
  `drop_truncated` leaves out rows with `ends_with_ellipsis` true.

Needs tiktoken (the reference venv: COLLABBENCH_REF_PYTHON or /work/ref-venv/bin/python); the
rank file is read from shared/data/tokenizers, never downloaded. Shared data: COLLABBENCH_SHARED_DATA
or ../shared/data from the project root.

    python scripts/paper-subset-ids.py
"""
import gzip, hashlib, json, os, random, shutil, sys, tempfile, atexit

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Tests", "CollabBenchPacksTests", "Fixtures", "importers-paper-subsets.jsonl")
SHARED = os.environ.get("COLLABBENCH_SHARED_DATA") or os.path.join(ROOT, "..", "shared", "data")
CL100K_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"

RECIPES = [
    # name, kind, file, filters, sample, seed
    ("math-paper", "math", "math/math_all.jsonl.gz", {"split": "test", "level": 5}, 200, 42),
    ("math-paper-level5-file", "math", "math/math_level5.jsonl", {"split": "test", "level": 5}, 200, 42),
    ("code-paper", "code", "bigcodebench/BigCodeBench-v0.1.2.jsonl.gz", {}, 600, 42),
    ("docs-paper", "docs", "medium/medium_tds_articles.jsonl.gz", {"max_tokens": 512}, 100, 42),
    ("docs-paper-complete", "docs", "medium/medium_tds_articles.jsonl.gz", {"max_tokens": 512, "drop_truncated": True}, 100, 42),
]


def cl100k():
    cache = tempfile.mkdtemp(prefix="tiktoken-cache-")
    atexit.register(shutil.rmtree, cache, True)
    shutil.copyfile(os.path.join(SHARED, "tokenizers", "cl100k_base.tiktoken"),
                    os.path.join(cache, hashlib.sha1(CL100K_URL.encode()).hexdigest()))
    os.environ["TIKTOKEN_CACHE_DIR"] = cache
    import tiktoken  # after TIKTOKEN_CACHE_DIR is set
    return tiktoken.get_encoding("cl100k_base")


def read_rows(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def level_number(text):
    digits = ""
    for ch in reversed(str(text)):
        if not ch.isdigit():
            break
        digits = ch + digits
    return int(digits) if digits else None


def main():
    encoding = None
    out = []
    for name, kind, rel, filters, n, seed in RECIPES:
        path = os.path.join(SHARED, rel)
        rows = read_rows(path)
        if kind == "math":
            kept = [r for r in rows
                    if r["split"] == filters["split"] and level_number(r["level"]) == filters["level"] and r["answer"].strip()]
            ids = [r["id"] for r in kept]
        elif kind == "code":
            ids = [r["task_id"] for r in rows]
        else:
            if encoding is None:
                encoding = cl100k()
            kept = [r for r in rows
                    if not (filters.get("drop_truncated") and r.get("ends_with_ellipsis"))
                    and len(encoding.encode_ordinary(r["text"])) <= filters["max_tokens"]]
            ids = [r["id"] for r in kept]
        random.seed(seed)
        chosen = random.sample(ids, n)
        with open(path, "rb") as f:
            sha = hashlib.sha256(f.read()).hexdigest()
        out.append({"recipe": name, "kind": kind, "file": rel, "file_sha256": sha,
                    "filters": {k: v for k, v in filters.items()}, "rows_read": len(rows),
                    "rows_matching": len(ids), "sample": n, "seed": seed, "ids": chosen})
        print(f"{name}: {n} of {len(ids)} rows ({len(rows)} read)", file=sys.stderr)
    with open(OUT, "w") as f:
        for line in out:
            f.write(json.dumps(line) + "\n")
    print("wrote", os.path.relpath(OUT, ROOT), f"(Python {sys.version.split()[0]})", file=sys.stderr)


if __name__ == "__main__":
    main()
