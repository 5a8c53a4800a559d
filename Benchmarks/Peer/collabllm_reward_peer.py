#!/usr/bin/env python3
"""Times the reference's own multiturn-aware reward (PyPI `collabllm` 0.0.8,
`collabllm.reward.multiturn_aware_reward`) on a batch of candidates, against the same scripted
OpenAI-compatible server as CollabBench's reward benchmark
(`CollabBenchBenchmarks reward`, Benchmarks/CollabBenchBenchmarks/RewardBenchmark.swift).

What runs
---------
For every candidate: `multiturn_aware_reward(num_samples=S, max_new_turns=2*w,
chat_history=history + [candidate], metric_names=[accuracy, interactivity, token_amount],
metric_weights=[1, 1, -lambda*1000])`: the package's `ChatSessionSimulator` samples S forward
continuations of w exchanges (simulated user first, then the assistant; the S samples in its
thread pool), then scores every continuation with every metric (its thread pool again) and sums
them with the weights: accuracy + interactivity - 1000*lambda * (thousands of tokens), the paper's
MR with lambda = 5e-4 for math (the package has no min(., 1) cap; with these replies it never
binds). The metrics are the ones of collabllm_peer.py (the wheel ships none; see README.md).

Calls per candidate: S * 2w messages (S*w user, S*w assistant) + S * 2 judges = 18 at S=3, w=2.
Sequential latencies per candidate: 2w (the samples overlap) + 1 (the judges overlap) = 5.

Candidates go one after another (`--workers 1`, as a training loop calling the function per
candidate does), or `--workers N` at a time in a thread pool (the most the function allows
without changing it). The process's own CPU (getrusage) over the timed batch is reported per
call; imports and one untimed warm-up candidate are not counted.

Usage:
  python collabllm_reward_peer.py --base-url http://127.0.0.1:PORT/v1 [--candidates 256]
      [--samples 3] [--window 2] [--lambda 5e-4] [--workers 1] [--latency-ms 100] [--json]
"""

from __future__ import annotations

import sys

# collabllm_peer sets up the placeholders, tiktoken offline, litellm offline, the imports and the
# three metrics; importing it reuses all of that.
import collabllm_peer as peer  # noqa: E402

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402

from collabllm.reward import multiturn_aware_reward  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--base-url", required=True)
    p.add_argument("--candidates", type=int, default=256)
    p.add_argument("--samples", type=int, default=3)
    p.add_argument("--window", type=int, default=2, help="exchanges per continuation")
    p.add_argument("--lambda", dest="lam", type=float, default=5e-4)
    p.add_argument("--workers", type=int, default=1, help="candidates scored at once (thread pool)")
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--latency-ms", type=float, default=None)
    p.add_argument("--model", default="scripted")
    p.add_argument("--quiet-logs", action="store_true")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()

    endpoint = {"model": f"openai/{args.model}", "api_base": args.base_url, "api_key": "sk-collabbench-peer"}
    ensembled = {
        "local_model": None, "local_tokenizer": None, "vllm_base_model": None,
        "assistant_generation_kwargs": {**endpoint, "temperature": 0.6},
        "user_generation_kwargs": dict(endpoint),
    }
    metrics = ["accuracy", "interactivity", "token_amount"]
    weights = [1.0, 1.0, -args.lam * 1000]
    problems, source = peer.load_problems(args.candidates, "own")
    peer.tiktoken.get_encoding("cl100k_base")

    def one(index: int) -> float:
        question, solution = problems[index % len(problems)]
        history = [
            {"role": "user", "content": question},
            {"role": "assistant", "content": f"Candidate {index}: could you tell me which form of the answer you need?"},
        ]
        scores = multiturn_aware_reward(
            num_samples=args.samples, max_new_turns=2 * args.window, task_desc=peer.TASK_DESC,
            single_turn_prompt=question, single_turn_completion=solution, metadata={},
            reward_generation_kwargs=dict(endpoint), chat_history=history, metric_names=metrics,
            metric_weights=weights, max_metric_workers=16, add_system_prompt_ratio=0.0, verbose=False, **ensembled,
        )
        return statistics.fmean(scores["MR"])

    counter = peer.CallCounter()
    counter.install()
    for i in range(args.warmup):
        one(i)
    counter.counts = dict.fromkeys(counter.counts, 0)

    cpu0, wall0 = peer._cpu_seconds(), time.perf_counter()
    if args.workers <= 1:
        rewards = [one(i) for i in range(args.candidates)]
    else:
        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            rewards = list(pool.map(one, range(args.candidates)))
    wall = time.perf_counter() - wall0
    cpu = peer._cpu_seconds() - cpu0
    calls = counter.total
    out = {
        "package": f"collabllm {peer._dist_version('collabllm')}", "litellm": peer._dist_version("litellm"),
        "python": sys.version.split()[0], "placeholders": peer.PLACEHOLDERS_USED, "problems": source,
        "candidates": len(rewards), "samples": args.samples, "window": args.window, "workers": args.workers,
        "calls": calls, "calls_by_kind": counter.counts, "calls_per_candidate": calls / len(rewards),
        "wall_s": wall, "rewards_per_s": len(rewards) / wall, "calls_per_s": calls / wall,
        "cpu_ms_per_call": cpu / calls * 1000 if calls else 0, "cpu_s": cpu,
        "import_wall_s": peer.IMPORT_WALL, "mean_mr": statistics.fmean(rewards),
        "peak_rss_mb": peer.resource.getrusage(peer.resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if args.latency_ms is not None:
        # Each candidate waits 2w + 1 latencies; `workers` candidates overlap.
        per_candidate = (2 * args.window + 1) * args.latency_ms / 1000
        out["ideal_rewards_per_s"] = max(1, args.workers) / per_candidate
        out["ratio"] = out["rewards_per_s"] / out["ideal_rewards_per_s"]
    if args.json:
        print(json.dumps(out))
    else:
        print(f"CollabLLM multiturn_aware_reward ({out['package']}, litellm {out['litellm']}, Python {out['python']})")
        print(f"  candidates: {len(rewards)} at S={args.samples}, w={args.window}, {args.workers} at a time; "
              f"calls: {calls} {counter.counts} ({out['calls_per_candidate']:.1f} per candidate)")
        ideal = f" (ideal {out['ideal_rewards_per_s']:.2f}, ratio {out['ratio']:.3f})" if "ratio" in out else ""
        print(f"  wall: {wall:.2f} s   rewards/s: {out['rewards_per_s']:.2f}{ideal}   calls/s: {out['calls_per_s']:.1f}")
        print(f"  own CPU per call: {out['cpu_ms_per_call']:.2f} ms   mean MR: {out['mean_mr']:.4f}   peak RSS {out['peak_rss_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
