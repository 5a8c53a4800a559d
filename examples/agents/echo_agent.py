#!/usr/bin/env python3
"""A tiny CollabBench subprocess agent: asks one clarifying question, then answers.

Run it through CollabBench (the lead's CLI wires the option), or try it by hand:

    printf '%s\n' '{"type":"turn","conversation":"c1","turn":1,"messages":[{"role":"user","content":"Write a haiku"}]}' \
        | python3 examples/agents/echo_agent.py

Protocol (see README.md next to this file): one JSON object per line on stdin; answer every
"turn" with exactly one line {"content": ..., "usage": {...}} on stdout; "end" needs no answer;
end of file on stdin means stop. Logs go to stderr, never to stdout.
"""

import json
import sys

# Conversations this process has asked its question in (one process may serve many when
# CollabBench runs it per run; by default it gets a fresh process per conversation).
asked = set()


def words(text):
    return len(text.split())


def answer(message):
    conversation = message.get("conversation", "")
    history = message.get("messages", [])
    user_turns = [m["content"] for m in history if m.get("role") == "user"]
    last = user_turns[-1] if user_turns else ""
    if conversation not in asked:
        asked.add(conversation)
        content = (
            "Before I start: what matters most to you here, and is there a format or length "
            "you want the answer in?"
        )
    else:
        request = user_turns[0] if user_turns else ""
        content = (
            f"Thanks, that helps. You asked: {request.strip()} "
            f"You added: {last.strip()} "
            "Here is my answer, following what you told me."
        )
    prompt_tokens = sum(words(m.get("content", "")) for m in history)
    return {"content": content, "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": words(content)}}


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            message = json.loads(line)
        except json.JSONDecodeError as error:
            print(f"echo_agent: ignoring a line that is not JSON: {error}", file=sys.stderr)
            continue
        kind = message.get("type")
        if kind == "turn":
            print(json.dumps(answer(message)), flush=True)
        elif kind == "end":
            asked.discard(message.get("conversation", ""))
        else:
            print(f"echo_agent: ignoring message of type {kind!r}", file=sys.stderr)


if __name__ == "__main__":
    main()
