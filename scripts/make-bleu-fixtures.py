#!/usr/bin/env python3
"""Golden BLEU cases computed by the reference implementations (NLTK 3.10.4, sacreBLEU 2.6.0).

Two modes:

  make-bleu-fixtures.py [--out DIR]
      Writes the small committed fixtures (texts written here, plus seeded random strings that
      stress the 13a rules and Unicode handling) to DIR (default:
      Tests/CollabBenchMetricsTests/Fixtures next to this script's package):
        bleu-char.jsonl     {"reference", "hypothesis", "nltk"}            NLTK sentence_bleu on raw strings
        bleu-sacre.jsonl    {"reference", "hypothesis", "sentence"}        sacrebleu.sentence_bleu(...).score
        bleu-corpus.jsonl   {"references", "hypotheses", "corpus"}         sacrebleu.corpus_bleu(...).score
        bleu-13a.jsonl      {"text", "tokens"}                             BLEU()._preprocess_segment(text).split()

  make-bleu-fixtures.py --live DATA_DIR OUT_FILE [--kinds rotate|all] [--limit N]
      Real-data cross-check: every Medium article of DATA_DIR/medium/medium_tds_articles.jsonl.gz
      is a reference; hypotheses are derived from it (truncation, shuffled sentences, word edits,
      another article, a short snippet). Writes one line per pair
      {"id", "kind", "reference", "hypothesis", "nltk", "sentence"} and a last line
      {"corpus": sacrebleu.corpus_bleu over all pairs, "count": N}, and prints the time the
      references took to stderr. `rotate` (default) derives one hypothesis per article; `all`
      derives every kind for every article.

Run with the reference venv, e.g. `COLLABBENCH_REF_PYTHON=/work/ref-venv/bin/python`.
"""

import argparse
import gzip
import json
import os
import random
import sys
import time
import warnings

warnings.simplefilter("ignore")  # NLTK warns on every zero n-gram precision

from nltk.translate.bleu_score import sentence_bleu  # noqa: E402
import sacrebleu  # noqa: E402
from sacrebleu.metrics import BLEU  # noqa: E402

KINDS = ["truncate", "shuffle", "edit", "other", "snippet"]


def nltk_char(reference, hypothesis):
    return float(sentence_bleu([reference], hypothesis))


def sacre_sentence(reference, hypothesis):
    return sacrebleu.sentence_bleu(hypothesis, [reference]).score


# ---------------------------------------------------------------------------------------------
# Committed fixtures

HANDWRITTEN = [
    ("The cat sat on the mat.", "The cat sat on the mat."),
    ("The cat sat on the mat.", "The cat is on the mat."),
    ("The cat sat on the mat.", "the cat sat on the mat"),
    ("The cat sat on the mat.", ""),
    ("", "Some text."),
    ("", ""),
    ("abcdefgh", "abxcd"),
    ("abcdefgh", "ab"),
    ("abcdefgh", "xyz"),
    ("abc", "abcdefgh"),
    ("the cat sat on the mat", "the cat sat"),
    ("the", "the"),
    ("a b c d e", "e d c b a"),
    ("Prices rose 3.5% in 2023, to $1,250.00 per unit.", "Prices rose 3.5 % in 2023 , to $ 1,250.00 per unit ."),
    ("Use foo-bar and 3-4 items; see http://example.com/a?b=c&d=e.", "Use foo-bar and 3 - 4 items ; see example.com."),
    ("Tom &amp; Jerry &lt;3 &quot;cartoons&quot; &gt; all", "Tom & Jerry <3 \"cartoons\" > all"),
    ("line one is hyphen-\nated here<skipped> ok", "line one is hyphenated here ok"),
    ("trailing hyphen-\n", "trailing hyphen-"),
    ("Ünïcödé naïve café — “quotes” ‘single’ …", "Unicode naive cafe - \"quotes\" 'single' ..."),
    ("emoji 👍🏽 and family 👨‍👩‍👧 and flags 🇫🇷🇩🇪", "emoji 👍 and family 👨‍👩‍👧 and flags 🇫🇷"),
    ("e\u0301 combining vs \u00e9 precomposed", "\u00e9 combining vs e\u0301 precomposed"),
    ("中文句子，没有空格。日本語の文章です。", "中文句子没有空格。日本語の文章。"),
    ("tabs\tand\u00a0no-break\u2003em\u3000ideographic\u2028line", "tabs and no-break em ideographic line"),
    ("Version 1.2.3, see sec. 4.5.", "Version 1.2.3 , see sec . 4.5 ."),
    ("He said: \"Wait... what?!\" (really) [yes] {no} <maybe> ~tilde~ `tick` ^caret^ _under_ |pipe|",
     "He said: Wait what? really yes no maybe tilde tick caret under pipe"),
    ("Deep learning models need data. Data needs cleaning. Cleaning needs time.",
     "Data needs cleaning. Deep learning models need data. Cleaning needs time."),
    ("Deep learning models need data. Data needs cleaning. Cleaning needs time.",
     "Deep learning models need data."),
    ("x" * 50, "x" * 10),
    ("ab" * 40, "ba" * 40),
    ("word " * 30, "word " * 31),
]

WORDS = ["the", "model", "data", "3.14", "1,000", "a-b", "3-4", "e.g.", "U.S.", "&amp;", "&lt;", "<skipped>",
         "naïve", "café", "中文", "👍🏽", "x", "y", "(", ")", "$5", "100%", "end.", ",", "...", "--", "'s", "\"q\""]
SEPARATORS = [" ", " ", " ", "  ", "\n", "-\n", "\t", "\u00a0", "\u2003", "\u3000", "\r\n", "", ".", ","]


def random_text(rng, words):
    parts = []
    for _ in range(rng.randint(0, words)):
        parts.append(rng.choice(WORDS))
        parts.append(rng.choice(SEPARATORS))
    return "".join(parts)


def mutate(rng, text):
    chars = list(text)
    for _ in range(rng.randint(0, 6)):
        op = rng.random()
        if not chars or op < 0.3:
            chars.insert(rng.randint(0, len(chars)), rng.choice("ab .,-\n&;é👍1"))
        elif op < 0.6:
            del chars[rng.randrange(len(chars))]
        else:
            i = rng.randrange(len(chars))
            j = rng.randrange(len(chars))
            chars[i], chars[j] = chars[j], chars[i]
    return "".join(chars)


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def make_fixtures(out_dir):
    rng = random.Random(20250214)
    pairs = list(HANDWRITTEN)
    for _ in range(120):
        reference = random_text(rng, 14)
        hypothesis = mutate(rng, reference) if rng.random() < 0.7 else random_text(rng, 10)
        pairs.append((reference, hypothesis))

    write_jsonl(os.path.join(out_dir, "bleu-char.jsonl"),
                [{"reference": r, "hypothesis": h, "nltk": nltk_char(r, h)} for r, h in pairs])
    write_jsonl(os.path.join(out_dir, "bleu-sacre.jsonl"),
                [{"reference": r, "hypothesis": h, "sentence": sacre_sentence(r, h)} for r, h in pairs])

    corpora = []
    for size in [1, 2, 3, 5, 8, 13]:
        chosen = [pairs[rng.randrange(len(pairs))] for _ in range(size)]
        refs = [r for r, _ in chosen]
        hyps = [h for _, h in chosen]
        corpora.append({"references": refs, "hypotheses": hyps,
                        "corpus": sacrebleu.corpus_bleu(hyps, [refs]).score})
    corpora.append({"references": [p[0] for p in HANDWRITTEN], "hypotheses": [p[1] for p in HANDWRITTEN],
                    "corpus": sacrebleu.corpus_bleu([p[1] for p in HANDWRITTEN], [[p[0] for p in HANDWRITTEN]]).score})
    write_jsonl(os.path.join(out_dir, "bleu-corpus.jsonl"), corpora)

    bleu = BLEU()
    texts = [p[0] for p in HANDWRITTEN] + [mutate(rng, random_text(rng, 8)) for _ in range(150)]
    texts += [".5", "5.", "a.", ",a", "1.a a.1", "3--4", "a..b", "&&amp;amp;", "x&amp;quot;y",
              "<skip<skipped>ped>", "a-\n-\nb", "end -\n", "\u3000", " \u00a0 ", "a\u0085b\u200bc\u180ed\u2028e\x1cf\x1ag"]
    write_jsonl(os.path.join(out_dir, "bleu-13a.jsonl"),
                [{"text": t, "tokens": bleu._preprocess_segment(t).split()} for t in texts])


# ---------------------------------------------------------------------------------------------
# Live cross-check on real articles

def split_sentences(text):
    sentences, current = [], []
    for i, ch in enumerate(text):
        current.append(ch)
        if ch == "\n" or (ch in ".!?" and (i + 1 == len(text) or text[i + 1] == " ")):
            sentences.append("".join(current))
            current = []
    if current:
        sentences.append("".join(current))
    return sentences


def derive(kind, index, articles, rng):
    text = articles[index]
    if kind == "truncate":
        return text[: int(len(text) * rng.uniform(0.2, 0.95))]
    if kind == "shuffle":
        sentences = split_sentences(text)
        rng.shuffle(sentences)
        return " ".join(s.strip() for s in sentences)
    if kind == "edit":
        words = text.split(" ")
        out = []
        for word in words:
            roll = rng.random()
            if roll < 0.12:
                continue
            out.append(word)
            if roll > 0.95:
                out.append(rng.choice(words))
        return " ".join(out)
    if kind == "other":
        return articles[(index + 1 + rng.randrange(len(articles) - 1)) % len(articles)]
    if kind == "snippet":
        other = articles[rng.randrange(len(articles))]
        start = rng.randrange(max(1, len(other) - 40))
        return other[start: start + rng.randint(0, 40)]
    raise ValueError(kind)


def live(data_dir, out_file, kinds_mode, limit):
    path = os.path.join(data_dir, "medium", "medium_tds_articles.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    if limit:
        rows = rows[:limit]
    articles = [row["text"] for row in rows]
    pairs = []
    for index, row in enumerate(rows):
        kinds = KINDS if kinds_mode == "all" else [KINDS[index % len(KINDS)]]
        for kind in kinds:
            rng = random.Random(f"{row['id']}/{kind}")
            pairs.append((row["id"], kind, articles[index], derive(kind, index, articles, rng)))
    timings = {"count": len(pairs)}
    start = time.perf_counter()
    char_scores = [nltk_char(r, h) for _, _, r, h in pairs]
    timings["nltk_seconds"] = time.perf_counter() - start
    start = time.perf_counter()
    sentence_scores = [sacre_sentence(r, h) for _, _, r, h in pairs]
    timings["sacrebleu_sentence_seconds"] = time.perf_counter() - start
    start = time.perf_counter()
    corpus = sacrebleu.corpus_bleu([p[3] for p in pairs], [[p[2] for p in pairs]]).score
    timings["sacrebleu_corpus_seconds"] = time.perf_counter() - start
    rows_out = [{"id": i, "kind": k, "reference": r, "hypothesis": h, "nltk": c, "sentence": s}
                for (i, k, r, h), c, s in zip(pairs, char_scores, sentence_scores)]
    rows_out.append({"corpus": corpus, "count": len(pairs)})
    write_jsonl(out_file, rows_out)
    print(json.dumps(timings), file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", help="fixture directory")
    parser.add_argument("--live", nargs=2, metavar=("DATA_DIR", "OUT_FILE"))
    parser.add_argument("--kinds", choices=["rotate", "all"], default="rotate")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    if args.live:
        live(args.live[0], args.live[1], args.kinds, args.limit)
        return
    out_dir = args.out or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests",
                                       "CollabBenchMetricsTests", "Fixtures")
    os.makedirs(out_dir, exist_ok=True)
    make_fixtures(out_dir)


if __name__ == "__main__":
    main()
