#!/usr/bin/env python3
"""A small client for `collabbench reward serve` (standard library only).

    from collabbench_reward_client import RewardClient
    client = RewardClient("http://127.0.0.1:8090")
    results = client.rewards([{"id": "a", "pack": "math", "task_id": "cb-math-001",
                               "history": [{"role": "user", "content": "..."}],
                               "candidates": ["...", "..."]}])
    results[0]["rewards"][1]["mr"]   # MR of the second candidate (None when no sample was scored)

Items and results have the shapes of `collabbench reward --in/--out` (see GET /openapi.json).
A full queue (429) is retried after the server's Retry-After; large batches are sent in chunks.

As a command: print one result line per item of a JSONL file, and a summary on stderr:

    python3 collabbench_reward_client.py --url http://127.0.0.1:8090 items.jsonl [--out rewards.jsonl]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
from typing import Any, Iterable

DEFAULT_URL = "http://127.0.0.1:8090"


class RewardServiceError(RuntimeError):
    """The service answered an error (status and its message; `index` names the item involved)."""

    def __init__(self, status: int, message: str, index: int | None = None):
        super().__init__(f"reward service: HTTP {status}: {message}")
        self.status = status
        self.message = message
        self.index = index


class RewardClient:
    """Calls POST /v1/reward. Thread-safe: every call opens its own connection."""

    def __init__(self, url: str = DEFAULT_URL, timeout: float = 600.0, batch_size: int = 64, max_waits: int = 100):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.batch_size = max(1, batch_size)
        self.max_waits = max_waits

    def health(self) -> bool:
        """True when GET /healthz answers ok."""
        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=10) as reply:
                return json.load(reply).get("status") == "ok"
        except (OSError, ValueError):
            return False

    def rewards(self, items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """The result of every item, in order, sent `batch_size` items per request."""
        items = list(items)
        results: list[dict[str, Any]] = []
        for start in range(0, len(items), self.batch_size):
            results.extend(self._post(items[start:start + self.batch_size], offset=start))
        return results

    def _post(self, items: list[dict[str, Any]], offset: int) -> list[dict[str, Any]]:
        body = json.dumps({"items": items}).encode()
        for _ in range(self.max_waits + 1):
            request = urllib.request.Request(
                self.url + "/v1/reward", data=body, method="POST", headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                    return json.load(reply)["results"]
            except urllib.error.HTTPError as error:
                text = error.read().decode("utf-8", "replace")
                try:
                    detail = json.loads(text)
                except ValueError:
                    detail = {"error": text}
                if error.code == 429:
                    time.sleep(float(error.headers.get("Retry-After") or 1))
                    continue
                index = detail.get("index")
                raise RewardServiceError(error.code, detail.get("error", text), None if index is None else offset + index) from None
        raise RewardServiceError(429, f"the queue stayed full after {self.max_waits} waits")


def mean_rewards(results: list[dict[str, Any]]) -> list[float | None]:
    """The MR of every candidate of every result, flattened in order."""
    return [reward.get("mr") for result in results for reward in result["rewards"]]


def main() -> int:
    parser = argparse.ArgumentParser(description="Score a JSONL file of reward items with `collabbench reward serve`.")
    parser.add_argument("items", help="JSONL of reward items ('-' for stdin)")
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--out", help="write the results here as JSONL (default: stdout)")
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()

    source = sys.stdin if args.items == "-" else open(args.items, encoding="utf-8")
    with source:
        items = [json.loads(line) for line in source if line.strip()]
    client = RewardClient(args.url, batch_size=args.batch_size)
    started = time.perf_counter()
    try:
        results = client.rewards(items)
    except RewardServiceError as error:
        print(f"collabbench_reward_client: {error}" + (f" (item {error.index})" if error.index is not None else ""), file=sys.stderr)
        return 1
    except OSError as error:
        print(f"collabbench_reward_client: cannot reach {args.url}: {error}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    stream = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    try:
        for result in results:
            stream.write(json.dumps(result, sort_keys=True) + "\n")
    finally:
        if args.out:
            stream.close()
        else:
            stream.flush()
    rewards = mean_rewards(results)
    scored = [r for r in rewards if r is not None]
    mean = sum(scored) / len(scored) if scored else float("nan")
    print(f"{len(results)} items, {len(rewards)} candidates ({len(scored)} scored), mean MR {mean:.4f}, "
          f"{seconds:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
