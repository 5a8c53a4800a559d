"""A TRL-style reward function backed by `collabbench reward serve`.

    from trl import GRPOConfig, GRPOTrainer
    from trl_reward import reward
    trainer = GRPOTrainer(model=..., reward_funcs=[reward], train_dataset=dataset, args=GRPOConfig(...))

TRL calls `reward(prompts, completions, **kw)` with one prompt and one completion per generated
sample, and every other column of the dataset as a keyword list of the same length. This function
needs, per sample, either `task_id` (and `pack`, default the COLLABBENCH_REWARD_PACK environment
variable or "math") or an inline `task` (a dict in the pack's task format). The prompt is the
history: a string (one user turn) or a list of chat messages (system messages are dropped). The
completion is the candidate response: a string or a list holding the assistant message.

Samples with the same task and history (GRPO's group of completions for one prompt) become one
item with several candidates, so the service scores them together. The service URL comes from
COLLABBENCH_REWARD_URL (default http://127.0.0.1:8090). A candidate whose every sample failed has
no MR; it gets NaN, which TRL's GRPO treats as "no reward" (nansum over reward functions).
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

from collabbench_reward_client import RewardClient

_client: RewardClient | None = None


def _get_client() -> RewardClient:
    global _client
    if _client is None:
        _client = RewardClient(os.environ.get("COLLABBENCH_REWARD_URL", "http://127.0.0.1:8090"))
    return _client


def _history(prompt: Any) -> list[dict[str, str]]:
    if isinstance(prompt, str):
        return [{"role": "user", "content": prompt}]
    return [{"role": m["role"], "content": m["content"]} for m in prompt if m.get("role") in ("user", "assistant")]


def _candidate(completion: Any) -> str:
    if isinstance(completion, str):
        return completion
    return "\n".join(m["content"] for m in completion if m.get("role", "assistant") == "assistant")


def _column(kw: dict[str, Any], name: str, i: int) -> Any:
    values = kw.get(name)
    return values[i] if isinstance(values, (list, tuple)) and i < len(values) else None


def reward(prompts: list[Any], completions: list[Any], **kw: Any) -> list[float]:
    """The multiturn-aware reward of every completion, in order."""
    default_pack = os.environ.get("COLLABBENCH_REWARD_PACK", "math")
    items: dict[str, dict[str, Any]] = {}
    where: list[tuple[str, int]] = []
    for i, (prompt, completion) in enumerate(zip(prompts, completions)):
        history = _history(prompt)
        task = _column(kw, "task", i)
        if task is not None:
            key_fields: dict[str, Any] = {"task": task}
        else:
            task_id = _column(kw, "task_id", i)
            if task_id is None:
                raise ValueError("trl_reward: every sample needs a 'task_id' or 'task' column")
            key_fields = {"pack": _column(kw, "pack", i) or default_pack, "task_id": task_id}
        key = json.dumps([key_fields, history], sort_keys=True)
        item = items.get(key)
        if item is None:
            item = {"id": f"trl-{len(items)}", **key_fields, "history": history, "candidates": []}
            items[key] = item
        where.append((key, len(item["candidates"])))
        item["candidates"].append(_candidate(completion))
    results = _get_client().rewards(list(items.values()))
    by_id = {result["id"]: result for result in results}
    scores = []
    for key, index in where:
        mr = by_id[items[key]["id"]]["rewards"][index].get("mr")
        scores.append(math.nan if mr is None else float(mr))
    return scores


if __name__ == "__main__":
    import sys
    import time

    # A quick run against a service: two completions of the first math task, as TRL would pass them.
    started = time.perf_counter()
    values = reward(
        prompts=[[{"role": "user", "content": "I need the area of a rectangle; can you help?"}]] * 2,
        completions=[
            [{"role": "assistant", "content": "Sure. What are its perimeter and the ratio of its sides?"}],
            [{"role": "assistant", "content": "The area is 50."}],
        ],
        task_id=["cb-math-001", "cb-math-001"],
        pack=["math", "math"],
    )
    print(f"trl_reward: {values} in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    print(json.dumps(values))
