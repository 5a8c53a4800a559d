# How much of a recorded run's input was cacheable prefix, and what it would cost with and without
# prompt caching at claude-sonnet-4 and gpt-4o list prices. Input: the JSONL of chat requests and
# their reported usage (one line per call, in call order; the run used --concurrency 1).
import json, sys
calls = [json.loads(l) for l in open(sys.argv[1])]
def role(req):
    first = req['messages'][0]['content']
    if first.startswith('You are playing a person'): return 'user'
    if 'You are evaluating' in first or 'evaluating how well' in first: return 'judge'
    return 'agent'
def text(msgs): return ''.join(m['role'] + '\x00' + m['content'] + '\x01' for m in msgs)
def common(a, b):
    n = min(len(a), len(b)); i = 0
    while i < n and a[i] == b[i]: i += 1
    return i
conv = -1; last = {}; rows = []; cache = {}
for c in calls:
    req, usage = c['request'], c['usage'] or {}
    r = role(req)
    if r == 'user' and 'no messages yet' in req['messages'][-1]['content']:
        conv += 1; last = {}
    s = text(req['messages']); p = usage.get('prompt_tokens', 0); out = usage.get('completion_tokens', 0)
    prev = last.get(r)
    pre_chars = common(s, prev['text']) if prev else 0
    pre = round(p * pre_chars / len(s)) if s else 0
    # Anthropic with --prompt-cache: breakpoints at the end of the system prompt and, after earlier
    # turns, of the last message; the cache (shared by every call) holds the prefixes up to earlier
    # breakpoints of >= 1024 tokens; a call reads the longest that starts its prompt and writes up
    # to its own furthest breakpoint.
    tok = lambda chars: round(p * chars / len(s))
    marks = []
    if req['messages'][0]['role'] == 'system': marks.append(len(text(req['messages'][:1])))
    if sum(1 for m in req['messages'] if m['role'] != 'system') > 1: marks.append(len(s))
    read = max([t for (pfx, t) in cache.items() if s.startswith(pfx) and t >= 1024] + [0])
    write = 0
    for m in reversed(marks):
        if tok(m) >= 1024:
            write = max(0, tok(m) - read); break
    for m in marks:
        if tok(m) >= 1024: cache[s[:m]] = tok(m)
    # OpenAI: automatic, prefixes of >= 1024 tokens in 128-token steps.
    oa = (pre // 128) * 128 if p >= 1024 and pre >= 1024 else 0
    rows.append(dict(conv=conv, role=r, p=p, out=out, pre=pre, read=read, write=write, oa=oa))
    last[r] = dict(text=s, p=p)
P = sum(x['p'] for x in rows); O = sum(x['out'] for x in rows); PRE = sum(x['pre'] for x in rows)
print(f"calls {len(rows)}, conversations {conv + 1}, prompt tokens {P}, completion tokens {O}")
for r in ['agent', 'user', 'judge']:
    sub = [x for x in rows if x['role'] == r]
    if sub:
        sp = sum(x['p'] for x in sub); spre = sum(x['pre'] for x in sub)
        print(f"  {r}: calls {len(sub)}, prompt tokens {sp}, cacheable prefix {spre} ({spre / max(1, sp):.1%}), largest prompt {max(x['p'] for x in sub)}")
for r in ['agent', 'user', 'judge']:
    sub = [x for x in rows if x['role'] == r]
    plain = sum(x['p'] * 3 + x['out'] * 15 for x in sub) / 1e6
    cached = sum((x['p'] - x['read'] - x['write']) * 3 + x['read'] * 0.3 + x['write'] * 3.75 + x['out'] * 15 for x in sub) / 1e6
    print(f"  claude-sonnet-4 {r}: ${plain:.4f} without, ${cached:.4f} with --prompt-cache; read {sum(x['read'] for x in sub)}, written {sum(x['write'] for x in sub)}")
print(f"cacheable prefix (prompt minus what is new since the previous call of the same role): {PRE} of {P} = {PRE / P:.1%}")
def usd(x): return x / 1e6
son_plain = usd(P * 3 + O * 15)
son_cache = usd(sum((x['p'] - x['read'] - x['write']) * 3 + x['read'] * 0.3 + x['write'] * 3.75 for x in rows) + O * 15)
son_ideal = usd((P - PRE) * 3.75 + PRE * 0.3 + O * 15)
gpt_plain = usd(P * 2.5 + O * 10)
gpt_cache = usd(sum((x['p'] - x['oa']) * 2.5 + x['oa'] * 1.25 for x in rows) + O * 10)
gpt_ideal = usd((P - PRE) * 2.5 + PRE * 1.25 + O * 10)
n = conv + 1
print(f"claude-sonnet-4: ${son_plain:.4f} without caching; ${son_cache:.4f} with --prompt-cache (1024-token minimum); ${son_ideal:.4f} if every cacheable token were read; per conversation ${son_plain / n:.4f} / ${son_cache / n:.4f} / ${son_ideal / n:.4f}")
print(f"gpt-4o: ${gpt_plain:.4f} without caching; ${gpt_cache:.4f} with automatic caching (1024-token minimum, 128-token steps); ${gpt_ideal:.4f} if every cacheable token were read; per conversation ${gpt_plain / n:.4f} / ${gpt_cache / n:.4f} / ${gpt_ideal / n:.4f}")
