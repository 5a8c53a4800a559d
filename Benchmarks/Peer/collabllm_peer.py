#!/usr/bin/env python3
"""Times the CollabLLM reference evaluation loop (PyPI `collabllm` 0.0.8) against an
OpenAI-compatible server, for a side-by-side with CollabBench's own runner benchmark.

What runs
---------
The REAL package drives every conversation: `collabllm.simulation.ChatSessionSimulator
.run_chat_simulation` (its `UserSimulator` and `LLMCollaborator`, its prompts, its JSON parser,
its thread pools, its logging) and then `collabllm.reward.multiturn_aware_reward` with
`max_new_turns=0` to score the finished chat, exactly the per-example sequence of the upstream
evaluation script (`scripts/engine/inference.py`): one example after another, `num_samples=1`.
All model calls go through `litellm.completion` with `model="openai/<name>"` and `api_base`
set to `--base-url`, so litellm uses its OpenAI provider against the loopback server.

Calls per conversation (defaults): `--max-new-turns` messages, alternating simulated user
(first) and assistant, each one `litellm.completion` call (12 = 6 user + 6 assistant, the
paper's six exchanges for math), then one judge call per LLM metric (`accuracy`,
`interactivity`; the reference runs them in a thread pool, so they overlap) and no call for
`token_amount` (tiktoken `cl100k_base`). Default: 12 + 2 = 14 calls.

What is NOT the package's own
-----------------------------
* The metrics. collabllm 0.0.8 ships only the metric registry; the accuracy, interactivity and
  token-amount metrics live in the upstream repository's `examples/`, not in the wheel. This
  script registers its own three metrics with the package's `SingleTurnOrChatMetric` registry,
  making the same calls as the upstream ones (one temperature-0 judge call with a JSON answer
  parsed by the package's `extract_json` for accuracy and for interactivity; tiktoken
  `cl100k_base` over the assistant messages for token amount). The judge prompts are written
  here, of a similar length, not copied.
* torch and transformers. collabllm imports them at module level (`simulation.py`,
  `reward.py`) but uses them only for local Hugging Face / vLLM models, which this loop never
  uses (`local_model=None`, `vllm_base_model=None`). When they are not installed, the script
  puts minimal placeholder modules on `sys.path` (made by setup-peer-venv.sh); any use of them
  raises. The loop timed here never touches them. Real torch + transformers would only add
  import time, which is reported apart from the loop anyway.

Measured
--------
Wall seconds and the process's own CPU (user + system of all its threads, `getrusage`, cross-
checked with `time.process_time`) over the conversation loop only. Interpreter start-up, the
imports (collabllm, litellm, tiktoken, ...) and one untimed warm-up conversation (`--warmup 1`:
litellm and httpx set themselves up lazily on the first call, about a second of CPU) are
measured separately and reported apart. The server runs in another process, so its CPU is not
counted.

Usage
-----
  LITELLM_LOCAL_MODEL_COST_MAP=True python collabllm_peer.py --base-url http://127.0.0.1:PORT/v1 \
      [--conversations 20] [--max-new-turns 12] [--metrics accuracy,interactivity,token_amount] \
      [--warmup 1] [--latency-ms 100] [--quiet-logs] [--json]
"""

from __future__ import annotations

import os
import resource
import sys
import time


def _process_age_seconds() -> float | None:
    """Seconds since this process started (Linux /proc), to report interpreter start-up."""
    try:
        with open("/proc/self/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return None


def _cpu_seconds() -> float:
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


STARTUP_WALL = _process_age_seconds()
STARTUP_CPU = _cpu_seconds()
_T_IMPORT_WALL = time.perf_counter()
_T_IMPORT_CPU = _cpu_seconds()

import argparse  # noqa: E402
import gzip  # noqa: E402
import hashlib  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import threading  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

# litellm must not fetch its model price list from the network.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("LITELLM_TELEMETRY", "False")

PLACEHOLDERS_USED: list[str] = []


def _install_placeholders() -> None:
    """Put placeholder torch/transformers on sys.path only when the real ones are missing."""
    missing = [m for m in ("torch", "transformers") if importlib.util.find_spec(m) is None]
    if not missing:
        return
    candidates = [os.environ.get("COLLABBENCH_PEER_PLACEHOLDERS", ""), str(Path(sys.prefix) / "peer-placeholders")]
    for folder in candidates:
        if folder and all((Path(folder) / m / "__init__.py").is_file() for m in missing):
            sys.path.insert(0, folder)
            PLACEHOLDERS_USED.extend(missing)
            return
    sys.exit(f"collabllm_peer: {', '.join(missing)} not installed and no placeholders found (run setup-peer-venv.sh)")


def _setup_tiktoken_offline() -> None:
    """Point tiktoken's cache at the shared cl100k_base file so nothing is downloaded."""
    if os.environ.get("TIKTOKEN_CACHE_DIR"):
        return
    shared = Path(os.environ.get("COLLABBENCH_SHARED_DATA", ROOT.parent / "shared" / "data"))
    source = shared / "tokenizers" / "cl100k_base.tiktoken"
    if not source.is_file():
        return
    url = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
    cache = Path(os.environ.get("TMPDIR", "/tmp")) / "collabbench-peer-tiktoken"
    cache.mkdir(parents=True, exist_ok=True)
    link = cache / hashlib.sha1(url.encode()).hexdigest()
    if not link.exists():
        try:
            link.symlink_to(source)
        except FileExistsError:
            pass
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)


_quiet = "--quiet-logs" in sys.argv
if _quiet:
    os.environ["ENABLE_COLLABLLM_LOGGING"] = "0"
_install_placeholders()
_setup_tiktoken_offline()

import litellm  # noqa: E402
import tiktoken  # noqa: E402

import collabllm  # noqa: E402
from collabllm.metric import BaseMetric, SingleTurnOrChatMetric  # noqa: E402
from collabllm.reward import multiturn_aware_reward  # noqa: E402
from collabllm.simulation import ChatSessionSimulator  # noqa: E402
from collabllm.utils.extract_json_reliable import extract_json  # noqa: E402

IMPORT_WALL = time.perf_counter() - _T_IMPORT_WALL
IMPORT_CPU = _cpu_seconds() - _T_IMPORT_CPU

# The task description the upstream evaluation passes for its math data set.
TASK_DESC = "question answering"

# --------------------------------------------------------------------------- #
# Metrics (the wheel has none; these make the same calls as the upstream ones) #
# --------------------------------------------------------------------------- #

JUDGE_ACCURACY_PROMPT = """You are grading a finished conversation between a user and an AI assistant.
Decide whether the assistant's final answer to the user's math question is correct.

Question the user wanted solved:
<question>
{question}
</question>

Reference solution (the assistant never saw it):
<reference>
{reference}
</reference>

The whole conversation, as JSON messages:
<conversation>
{conversation}
</conversation>

Only the last answer the assistant gave counts. Earlier wrong attempts that were later
corrected do not count against it, and an answer that is only hinted at, never stated, is
not an answer. Equivalent forms of the same value (a fraction and its decimal, a simplified
radical and its unsimplified form, a different but equal ordering of a set) are the same
answer. Ignore style, length and politeness: grade only whether the final value matches the
reference.

Reply with one JSON object and nothing else:
{{"thought": "<one or two sentences on why>", "accuracy": <1 if correct, else 0>}}
Check that the JSON is valid, with every field present; use single quotes inside the thought.
"""

JUDGE_INTERACTIVITY_PROMPT = """You are grading a finished conversation between a user and an AI assistant.
Rate how interactive the assistant was: did it engage with what the user actually wanted,
ask the clarifying questions the request needed, and help the user move forward?

The conversation:
<conversation>
{conversation}
</conversation>

Give a number between 0 and 1:
  1   = highly interactive: the assistant understood the user's need, asked every question
        that mattered (for instance which quantity or which form of the answer was wanted),
        and its questions visibly improved the outcome.
  0.5 = somewhat interactive: it asked some useful questions but missed others, or asked
        generic ones ("anything else?") where a specific question was called for.
  0   = not interactive: it answered a vague request without trying to understand it, or
        ignored what the user said along the way.
Judge the assistant only; the user's typos, vagueness or mistakes are not its fault.

Reply with one JSON object and nothing else:
{{"thought": "<one or two sentences on why>", "interactivity": <a number from 0 to 1>}}
Check that the JSON is valid, with every field present; use single quotes inside the thought.
"""


def _judge(llm_kwargs: dict, prompt: str, key: str, num_retries: int) -> float:
    """One judge call (retried on an unreadable answer), as the upstream metrics do."""
    value = None
    for _ in range(num_retries):
        text = litellm.completion(
            **llm_kwargs, messages=[{"role": "user", "content": prompt}], num_retries=num_retries
        ).choices[0].message.content
        try:
            parsed = extract_json(text) if isinstance(text, str) else text
        except Exception:
            continue
        if isinstance(parsed, dict) and {"thought", key} <= parsed.keys():
            value = parsed[key]
            break
    if value is None:
        raise RuntimeError(f"judge gave no readable '{key}' after {num_retries} tries")
    return float(value)


@SingleTurnOrChatMetric.register_metric("accuracy")
class PeerAccuracyMetric(BaseMetric):
    """LLM judge: is the last answer in the chat right (1) or wrong (0)?"""

    def __init__(self, num_retries: int = 50, **llm_kwargs):
        self.num_retries = num_retries
        self.llm_kwargs = {"temperature": 0.0, **llm_kwargs}

    def score(self, prompt, groundtruth, completion, messages=None, metadata=None):
        conversation = completion if completion is not None else json.dumps(messages)
        text = JUDGE_ACCURACY_PROMPT.format(
            question=prompt.strip(), reference=groundtruth.strip(), conversation=conversation.strip()
        )
        return _judge(self.llm_kwargs, text, "accuracy", self.num_retries)


@SingleTurnOrChatMetric.register_metric("interactivity")
class PeerInteractivityMetric(BaseMetric):
    """LLM judge: interactivity of the assistant in [0, 1]."""

    def __init__(self, num_retries: int = 50, **llm_kwargs):
        self.num_retries = num_retries
        self.llm_kwargs = {"temperature": 0.0, **llm_kwargs}

    def score(self, prompt, groundtruth, completion, messages=None, metadata=None):
        conversation = "\n".join(f"{m['role'].capitalize()}: {m['content']}" for m in messages)
        text = JUDGE_INTERACTIVITY_PROMPT.format(conversation=conversation)
        return _judge(self.llm_kwargs, text, "interactivity", self.num_retries)


@SingleTurnOrChatMetric.register_metric("token_amount")
class PeerTokenAmountMetric(BaseMetric):
    """Thousands of cl100k_base tokens in the assistant's messages joined by spaces (no call)."""

    def __init__(self, encoding_name: str = "cl100k_base"):
        self.encoding_name = encoding_name

    def score(self, prompt, groundtruth, completion, messages=None, metadata=None):
        text = " ".join(m["content"] for m in messages if m["role"] == "assistant")
        encoding = tiktoken.get_encoding(self.encoding_name)
        return len(encoding.encode(text, disallowed_special=())) / 1000.0


# --------------------------------------------------------------------------- #
# Problems                                                                     #
# --------------------------------------------------------------------------- #

# Small problems written for this benchmark: (question, reference solution).
OWN_PROBLEMS = [
    ("What is the sum of the first 20 positive odd integers?", "The first n odd integers sum to n^2, so the sum is $20^2 = \\boxed{400}$."),
    ("Solve for x: 3x + 7 = 25.", "Subtract 7 to get 3x = 18, so $x = \\boxed{6}$."),
    ("How many positive divisors does 360 have?", "$360 = 2^3 \\cdot 3^2 \\cdot 5$, so it has $4 \\cdot 3 \\cdot 2 = \\boxed{24}$ divisors."),
    ("What is the remainder when 2^10 is divided by 7?", "$2^3 = 8 \\equiv 1$, so $2^{10} = (2^3)^3 \\cdot 2 \\equiv 2$; the remainder is $\\boxed{2}$."),
    ("A rectangle has perimeter 30 and length 9. What is its area?", "Width is 30/2 - 9 = 6, so the area is $9 \\cdot 6 = \\boxed{54}$."),
    ("What is the greatest common divisor of 84 and 126?", "$84 = 2^2 \\cdot 3 \\cdot 7$ and $126 = 2 \\cdot 3^2 \\cdot 7$, so the gcd is $\\boxed{42}$."),
    ("Evaluate 5! / 3!.", "$5!/3! = 5 \\cdot 4 = \\boxed{20}$."),
    ("What is the slope of the line through (1, 2) and (4, 11)?", "The slope is $(11-2)/(4-1) = \\boxed{3}$."),
    ("How many ways can 4 books be arranged on a shelf?", "There are $4! = \\boxed{24}$ arrangements."),
    ("What is the sum of the interior angles of a hexagon, in degrees?", "It is $(6-2) \\cdot 180 = \\boxed{720}$ degrees."),
    ("If f(x) = 2x^2 - 3x + 1, what is f(3)?", "$f(3) = 18 - 9 + 1 = \\boxed{10}$."),
    ("What is the least common multiple of 12 and 18?", "$\\mathrm{lcm}(12, 18) = 36$, so the answer is $\\boxed{36}$."),
    ("Find the positive solution of x^2 - 5x - 14 = 0.", "$(x - 7)(x + 2) = 0$, so the positive root is $\\boxed{7}$."),
    ("What is 15% of 240?", "$0.15 \\cdot 240 = \\boxed{36}$."),
    ("How many diagonals does a convex octagon have?", "$8 \\cdot 5 / 2 = \\boxed{20}$ diagonals."),
    ("What is the distance between (0, 0) and (6, 8)?", "$\\sqrt{36 + 64} = \\boxed{10}$."),
    ("The arithmetic sequence 4, 9, 14, ... : what is its 10th term?", "$4 + 9 \\cdot 5 = \\boxed{49}$."),
    ("What is the units digit of 7^20?", "Units digits of powers of 7 cycle 7, 9, 3, 1 with period 4, so $7^{20}$ ends in $\\boxed{1}$."),
    ("How many subsets does a set with 5 elements have?", "$2^5 = \\boxed{32}$ subsets."),
    ("Simplify sqrt(50) + sqrt(18).", "$5\\sqrt{2} + 3\\sqrt{2} = \\boxed{8\\sqrt{2}}$."),
]


def load_problems(n: int, source: str | None) -> tuple[list[tuple[str, str]], str]:
    """N (question, solution) pairs: MATH level-5 test problems if the shared data is there
    (sampled as the paper does, random.seed(42)), otherwise the problems above, repeated."""
    if source != "own":
        path = Path(source) if source else Path(
            os.environ.get("COLLABBENCH_SHARED_DATA", ROOT.parent / "shared" / "data")) / "math" / "math_level5.jsonl"
        if path.is_file():
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(path, "rt", encoding="utf-8") as f:
                rows = [json.loads(line) for line in f if line.strip()]
            test = [r for r in rows if r.get("split") == "test"] or rows
            picked = random.Random(42).sample(test, min(n, len(test)))
            return [(r["problem"], r["solution"]) for r in picked], f"MATH level 5 test ({path})"
    return [OWN_PROBLEMS[i % len(OWN_PROBLEMS)] for i in range(n)], "own small problems"


# --------------------------------------------------------------------------- #
# Main                                                                         #
# --------------------------------------------------------------------------- #

class CallCounter:
    """Counts litellm.completion calls by who made them (a few µs per call)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts = {"user_simulator": 0, "assistant": 0, "judge": 0}
        self.original = litellm.completion

    def install(self) -> None:
        original = self.original

        def counted(*args, **kwargs):
            first = (kwargs.get("messages") or [{}])[0].get("content", "") or ""
            kind = ("user_simulator" if first.startswith("You are role-playing as a human USER")
                    else "judge" if first.startswith("You are grading a finished conversation")
                    else "assistant")
            with self.lock:
                self.counts[kind] += 1
            return original(*args, **kwargs)

        litellm.completion = counted

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--base-url", required=True, help="OpenAI-compatible base URL, e.g. http://127.0.0.1:PORT/v1")
    p.add_argument("--conversations", type=int, default=20)
    p.add_argument("--max-new-turns", type=int, default=12, help="messages per chat, user first (12 = 6 exchanges)")
    p.add_argument("--metrics", default="accuracy,interactivity,token_amount", help="comma list, or 'none'")
    p.add_argument("--model", default="scripted", help="model name sent to the server")
    p.add_argument("--problems", default=None, help="a MATH .jsonl(.gz) file, or 'own' for the built-in problems")
    p.add_argument("--warmup", type=int, default=1,
                   help="untimed conversations first (litellm/httpx set up lazily on the first call); reported apart")
    p.add_argument("--latency-ms", type=float, default=None, help="server latency, only to print the ideal wall time")
    p.add_argument("--quiet-logs", action="store_true", help="ENABLE_COLLABLLM_LOGGING=0 (the package logs every message by default)")
    p.add_argument("--json", action="store_true", help="print one JSON line with the results")
    args = p.parse_args()

    metrics = [] if args.metrics == "none" else [m for m in args.metrics.split(",") if m]
    endpoint = {"model": f"openai/{args.model}", "api_base": args.base_url, "api_key": "sk-collabbench-peer"}
    # As the upstream math evaluation: assistant at temperature 0.6, user simulator with the
    # package's defaults (temperature 1.0), judges at temperature 0.
    assistant_kwargs = {**endpoint, "temperature": 0.6}
    user_kwargs = dict(endpoint)
    judge_kwargs = dict(endpoint)
    ensembled = {
        "local_model": None,
        "local_tokenizer": None,
        "vllm_base_model": None,
        "assistant_generation_kwargs": assistant_kwargs,
        "user_generation_kwargs": user_kwargs,
    }
    problems, problem_source = load_problems(args.conversations, args.problems)
    if "token_amount" in metrics:
        tiktoken.get_encoding("cl100k_base")  # load once, outside the timed loop

    def converse(question: str, solution: str) -> tuple[dict, int]:
        chat = ChatSessionSimulator().run_chat_simulation(
            num_samples=1,
            chat_history=None,
            max_new_turns=args.max_new_turns,
            task_desc=TASK_DESC,
            single_turn_prompt=question,
            add_system_prompt_ratio=0.0,
            verbose=False,
            **ensembled,
        )[0]
        scores = {}
        if metrics:
            scores = multiturn_aware_reward(
                num_samples=1,
                max_new_turns=0,  # score the finished chat
                task_desc=TASK_DESC,
                single_turn_prompt=question,
                single_turn_completion=solution,
                metadata={},
                reward_generation_kwargs=judge_kwargs,
                chat_history=chat,
                metric_names=metrics,
                metric_weights=[0] * len(metrics),
                max_metric_workers=4,
                **ensembled,
            )
            scores = {k: statistics.fmean(v) for k, v in scores.items()}
        return scores, len(chat)

    counter = CallCounter()
    counter.install()
    w_cpu0, w_wall0 = _cpu_seconds(), time.perf_counter()
    for i in range(args.warmup):
        converse(*problems[i % len(problems)])
    warmup = {"conversations": args.warmup, "calls": counter.total,
              "wall_s": time.perf_counter() - w_wall0, "cpu_s": _cpu_seconds() - w_cpu0}
    counter.counts = dict.fromkeys(counter.counts, 0)

    results = []
    cpu0, pt0, wall0 = _cpu_seconds(), time.process_time(), time.perf_counter()
    for question, solution in problems:
        results.append(converse(question, solution))
    wall = time.perf_counter() - wall0
    cpu = _cpu_seconds() - cpu0
    pt = time.process_time() - pt0

    n = len(results)
    calls = counter.total
    judge_rounds = 1 if any(m in ("accuracy", "interactivity") for m in metrics) else 0
    out = {
        "package": f"collabllm {_dist_version('collabllm')}",
        "litellm": _dist_version("litellm"),
        "python": sys.version.split()[0],
        "placeholders": PLACEHOLDERS_USED,
        "collabllm_logging": not _quiet,
        "problems": problem_source,
        "conversations": n,
        "messages_per_conversation": statistics.fmean(m for _, m in results) if results else 0,
        "calls": calls,
        "calls_by_kind": counter.counts,
        "calls_per_conversation": calls / n if n else 0,
        "wall_s": wall,
        "calls_per_s": calls / wall if wall else 0,
        "cpu_ms_per_call": cpu / calls * 1000 if calls else 0,
        "process_time_ms_per_call": pt / calls * 1000 if calls else 0,
        "cpu_s": cpu,
        "startup_wall_s": STARTUP_WALL,
        "startup_cpu_s": STARTUP_CPU,
        "import_wall_s": IMPORT_WALL,
        "import_cpu_s": IMPORT_CPU,
        "warmup": warmup,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "mean_scores": {k: statistics.fmean(s[k] for s, _ in results) for k in (results[0][0] if results else {})},
    }
    if args.latency_ms is not None:
        # Sequential: each message waits one latency; the judges of a chat overlap.
        out["ideal_wall_s"] = n * (args.max_new_turns + judge_rounds) * args.latency_ms / 1000
    if args.json:
        print(json.dumps(out))
    else:
        print(f"CollabLLM reference loop ({out['package']}, litellm {out['litellm']}, Python {out['python']})")
        print(f"  placeholders for: {', '.join(PLACEHOLDERS_USED) or 'none (real torch/transformers)'}")
        print(f"  problems: {problem_source}")
        print(f"  conversations: {n}   calls: {calls} {counter.counts}   ({out['calls_per_conversation']:.1f} per conversation)")
        print(f"  wall: {wall:.2f} s   calls/s: {out['calls_per_s']:.2f}" + (f"   ideal wall: {out['ideal_wall_s']:.1f} s" if "ideal_wall_s" in out else ""))
        print(f"  own CPU per call: {out['cpu_ms_per_call']:.2f} ms (getrusage), {out['process_time_ms_per_call']:.2f} ms (process_time)")
        su = f"{STARTUP_WALL:.2f} s wall, " if STARTUP_WALL is not None else ""
        print(f"  interpreter start-up (not in the above): {su}{STARTUP_CPU:.2f} s CPU")
        print(f"  imports (not in the above): {IMPORT_WALL:.2f} s wall, {IMPORT_CPU:.2f} s CPU")
        if warmup["conversations"]:
            print(f"  warm-up (not in the above): {warmup['conversations']} conversation(s), {warmup['calls']} calls, "
                  f"{warmup['wall_s']:.2f} s wall, {warmup['cpu_s']:.2f} s CPU")
        print(f"  peak RSS: {out['peak_rss_mb']:.0f} MB   mean scores: {out['mean_scores']}")
    return 0


def _dist_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
