#!/usr/bin/env python3
"""Live smoke test against a running serve.py (real model). Standard library only.

    python3 smoke_test.py --base-url http://127.0.0.1:8081/v1

1. tool calling: two tools (redis_info with `section`, redis_slowlog) and
   "What is the memory usage of this Redis? Use the tools." -> tool_calls?
2. round trip: tool results sent back (assistant content null + tool messages)
   -> final prose answer;
3. tool_choice "none", response_format json_object, stream=true: no crash;
4. throughput: a ~1,500-token prompt with exactly 200 generated tokens
   (min_tokens = max_tokens = 200): prompt tok/s, generation tok/s (llama.cpp
   timings) and end-to-end seconds.
Prints a JSON summary last; exit 1 if the model returned no tool_calls in step 1.
"""
import argparse
import json
import random
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

TOOLS = [
    {"type": "function", "function": {
        "name": "redis_info",
        "description": "Run the Redis INFO command and return its output for one section.",
        "parameters": {"type": "object", "properties": {
            "section": {"type": "string", "description": "INFO section, e.g. memory, stats, clients, replication"}},
            "required": ["section"]}}},
    {"type": "function", "function": {
        "name": "redis_slowlog",
        "description": "Return the most recent entries of the Redis SLOWLOG.",
        "parameters": {"type": "object", "properties": {
            "count": {"type": "integer", "description": "number of entries (default 10)"}}}}},
]
SYSTEM = "You are an SRE agent for Redis. Use the provided tools to inspect the server before answering."
QUESTION = "What is the memory usage of this Redis? Use the tools."
FAKE_INFO_MEMORY = ("# Memory\r\nused_memory:1048576\r\nused_memory_human:1.00M\r\nused_memory_rss:4194304\r\n"
                    "used_memory_peak_human:1.20M\r\nmaxmemory:0\r\nmem_fragmentation_ratio:4.00\r\n")


def post(base, path, body, timeout):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    t0 = time.perf_counter()
    with urllib.request.urlopen(req, timeout=timeout) as r:
        raw = r.read().decode()
    return raw, time.perf_counter() - t0


def get(base, path, timeout=10):
    with urllib.request.urlopen(base + path, timeout=timeout) as r:
        return json.loads(r.read())


def chat(base, model, timeout, **body):
    raw, dt = post(base, "/v1/chat/completions", {"model": model, "temperature": 0, **body}, timeout)
    return json.loads(raw), dt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base-url", default="http://127.0.0.1:8081/v1")
    ap.add_argument("--model", default="local-qwen2.5-coder-1.5b")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--wait", type=float, default=120, help="seconds to wait for the server to come up")
    ap.add_argument("--prompt-tokens", type=int, default=1500)
    ap.add_argument("--gen-tokens", type=int, default=200)
    args = ap.parse_args()
    host = urllib.parse.urlparse(args.base_url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"refusing to test non-loopback host {host}")
    base = args.base_url.rstrip("/")
    if base.endswith("/v1"):
        base = base[:-3]
    summary = {}

    deadline = time.time() + args.wait
    while True:
        try:
            get(base, "/v1/models", timeout=5)
            break
        except (urllib.error.URLError, ConnectionError, OSError):
            if time.time() > deadline:
                sys.exit(f"server at {base} not up after {args.wait}s")
            time.sleep(1)

    # 1. tool calling
    msgs = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": QUESTION}]
    r, dt = chat(base, args.model, args.timeout, messages=msgs, tools=TOOLS, tool_choice="auto", max_tokens=256)
    ch = r["choices"][0]
    calls = ch["message"].get("tool_calls") or []
    print(f"[1] tool call request: {dt:.2f}s finish_reason={ch['finish_reason']} usage={r['usage']}")
    print(f"    tool_calls={json.dumps(calls)}  content={ch['message']['content']!r}")
    last = get(base, "/sre/last")
    print(f"    raw model output: {last.get('raw_output')!r} (format: {last.get('tool_call_format')})")
    summary["tool_call_format"] = last.get("tool_call_format")
    summary["tool_calls_returned"] = bool(calls)
    summary["tool_calls"] = [(c["function"]["name"], c["function"]["arguments"]) for c in calls]
    summary["tool_request_seconds"] = round(dt, 2)

    # 2. round trip with the results of those calls
    if calls:
        results = [{"role": "tool", "tool_call_id": c["id"],
                    "content": FAKE_INFO_MEMORY if c["function"]["name"] == "redis_info" else "(empty slowlog)"}
                   for c in calls]
        msgs2 = msgs + [{"role": "assistant", "content": None, "tool_calls": calls}] + results
        r2, dt2 = chat(base, args.model, args.timeout, messages=msgs2, tools=TOOLS, max_tokens=160)
        m2 = r2["choices"][0]["message"]
        print(f"[2] answer after tool results: {dt2:.2f}s finish={r2['choices'][0]['finish_reason']} "
              f"content={m2['content']!r} tool_calls={m2.get('tool_calls')}")
        summary["final_answer"] = m2["content"]
        summary["final_answer_mentions_1M"] = bool(m2["content"] and ("1.00M" in m2["content"] or "1048576" in m2["content"] or "1 M" in m2["content"] or "1MB" in m2["content"].replace(" ", "")))

    # 3. no-crash checks
    r3, _ = chat(base, args.model, args.timeout, messages=msgs, tools=TOOLS, tool_choice="none", max_tokens=40)
    summary["tool_choice_none_ok"] = not r3["choices"][0]["message"].get("tool_calls")
    r4, _ = chat(base, args.model, args.timeout, max_tokens=80, response_format={"type": "json_object"},
                 messages=[{"role": "user", "content": "Reply with a JSON object with keys status and reason."}])
    try:
        json.loads(r4["choices"][0]["message"]["content"])
        summary["json_object_valid"] = True
    except ValueError:
        summary["json_object_valid"] = False
    print(f"[3] tool_choice=none -> {r3['choices'][0]['message']['content'][:80]!r}; "
          f"json_object -> {r4['choices'][0]['message']['content'][:120]!r}")
    raw, _ = post(base, "/v1/chat/completions", {"model": args.model, "stream": True, "max_tokens": 8,
                                                 "messages": [{"role": "user", "content": "hi"}]}, args.timeout)
    summary["stream_ok"] = "data: [DONE]" in raw or "chat.completion.chunk" in raw
    print(f"    stream=true -> {raw[:100]!r}...")

    # 4. throughput: ~N-token prompt (random nonce first, so no KV-cache prefix reuse)
    rnd = random.Random(0)
    lines = [f"incident {random.randrange(10**9)}: review the following Redis metrics."]
    overhead = 40  # chat template + the instruction line, roughly
    while True:
        lines.append(f"{rnd.choice(['used_memory', 'connected_clients', 'instantaneous_ops_per_sec', 'keyspace_hits', 'evicted_keys'])}"
                     f"_{len(lines)}:{rnd.randrange(10**6)}")
        if len(lines) % 5 == 0:  # ~50 tokens per step
            text = "\n".join(lines)
            n = json.loads(post(base, "/extras/tokenize/count", {"input": text}, 30)[0])["count"]
            if n + overhead >= args.prompt_tokens:
                break
    msgs = [{"role": "user", "content": text + "\nWrite a long, detailed analysis of these metrics."}]
    r5, dt5 = chat(base, args.model, args.timeout, messages=msgs, max_tokens=args.gen_tokens, min_tokens=args.gen_tokens)
    t = get(base, "/sre/last")["timings"]
    summary.update(
        throughput_prompt_tokens=r5["usage"]["prompt_tokens"], throughput_completion_tokens=r5["usage"]["completion_tokens"],
        prompt_tokens_per_s=round(t.get("prompt_per_second") or 0, 1),
        gen_tokens_per_s=round(t.get("predicted_per_second") or 0, 1),
        e2e_seconds=round(dt5, 2))
    print(f"[4] {r5['usage']} e2e {dt5:.2f}s; prompt {t.get('prompt_n')} tok @ {summary['prompt_tokens_per_s']} tok/s, "
          f"gen {t.get('predicted_n')} tok @ {summary['gen_tokens_per_s']} tok/s")
    print(json.dumps(summary))
    sys.exit(0 if summary["tool_calls_returned"] else 1)


if __name__ == "__main__":
    main()
