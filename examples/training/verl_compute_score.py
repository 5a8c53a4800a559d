"""A verl-style reward function backed by `collabbench reward serve`.

In a verl config (custom reward function):

    custom_reward_function:
      path: examples/training/verl_compute_score.py
      name: compute_score

verl calls `compute_score(data_source, solution_str, ground_truth, extra_info)` once per response.
`data_source` names the CollabBench pack (`math`, `code`, `docs`, or a pack folder; a verl-style
`collabllm/math` uses its last part). `solution_str` is the candidate response. `extra_info` may
carry `task_id` (a task of the pack), or an inline `task`; without either, an inline task is built
from `extra_info["question"]` (or the last user turn of the history) with `ground_truth` as its
reference. `extra_info["history"]` is the chat so far (a list of {"role", "content"}); without it the
history is the question as one user turn. The service URL comes from COLLABBENCH_REWARD_URL
(default http://127.0.0.1:8090). A response with no scored sample gets 0.0 and the reason in the
returned dict's `unscored` (verl expects a number).
"""

from __future__ import annotations

import os
from typing import Any

from collabbench_reward_client import RewardClient

_client: RewardClient | None = None


def _get_client() -> RewardClient:
    global _client
    if _client is None:
        _client = RewardClient(os.environ.get("COLLABBENCH_REWARD_URL", "http://127.0.0.1:8090"))
    return _client


def _item(data_source: str, solution_str: str, ground_truth: Any, extra_info: dict[str, Any]) -> dict[str, Any]:
    pack = (data_source or "math").rstrip("/").split("/")[-1] if not os.path.isdir(data_source or "") else data_source
    history = extra_info.get("history")
    question = extra_info.get("question")
    if history is None:
        if question is None:
            raise ValueError("verl_compute_score: extra_info needs 'history' or 'question'")
        history = [{"role": "user", "content": question}]
    item: dict[str, Any] = {"id": str(extra_info.get("index", "verl")), "history": history, "candidates": [solution_str]}
    if "task" in extra_info:
        item["task"] = extra_info["task"]
    elif "task_id" in extra_info:
        item["pack"] = pack
        item["task_id"] = extra_info["task_id"]
    else:
        intent = question or next((m["content"] for m in reversed(history) if m["role"] == "user"), "")
        answer = str(ground_truth)
        item["pack"] = pack
        item["task"] = {
            "id": item["id"], "prompt": intent, "hidden_intent": extra_info.get("hidden_intent", intent),
            "reference": {"text": answer, "answer": answer},
        }
    return item


def compute_score(data_source: str, solution_str: str, ground_truth: Any, extra_info: dict[str, Any] | None = None) -> dict[str, Any]:
    """The multiturn-aware reward of one response: {"score": MR, "std": …, "samples": n, …}."""
    result = _get_client().rewards([_item(data_source, solution_str, ground_truth, extra_info or {})])[0]
    reward = result["rewards"][0]
    mr = reward.get("mr")
    out: dict[str, Any] = {"score": 0.0 if mr is None else float(mr), "std": reward.get("std") or 0.0,
                           "samples": len(reward.get("samples", []))}
    if mr is None:
        out["unscored"] = "no sample of this response was scored"
    return out


if __name__ == "__main__":
    import json
    import sys
    import time

    started = time.perf_counter()
    score = compute_score(
        "math",
        "Sure. Is the length twice the width, and what is the perimeter?",
        "72",
        {"task_id": "cb-math-001", "history": [{"role": "user", "content": "I need the area of a rectangle."}]},
    )
    print(f"verl_compute_score: {score} in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    print(json.dumps(score))
