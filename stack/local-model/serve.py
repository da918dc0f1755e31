#!/usr/bin/env python3
"""Start llama-cpp-python's OpenAI-compatible server with our tool-calling chat handler.

    <venv>/bin/python serve.py --gguf model.gguf --port 8081 --model-alias local-qwen2.5-coder-1.5b

Endpoints: the stock /v1/chat/completions, /v1/completions, /v1/models, ... plus
GET /sre/last (llama.cpp timings, raw model output and detected tool-call
format of the last chat completion) and
GET /health.
"""
import argparse
import ipaddress
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tool_chat_handler  # noqa: E402


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a hostname: we cannot be sure what it resolves to


class AcceptNullAssistantContent:
    """ASGI wrapper: OpenAI clients replay the model's tool-call turn as
    {"role": "assistant", "content": null, "tool_calls": [...]}; the stock request
    model declares that content as NotRequired[str] and answers HTTP 500.  Drop
    the null key before validation (our handler treats missing content as "")."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or not scope["path"].endswith("/chat/completions"):
            return await self.app(scope, receive, send)
        body, more = b"", True
        while more:
            msg = await receive()
            if msg["type"] == "http.disconnect":
                return
            body += msg.get("body", b"")
            more = msg.get("more_body", False)
        try:
            data = json.loads(body)
            for m in data.get("messages") or []:
                if isinstance(m, dict) and m.get("role") == "assistant" and "content" in m and m["content"] is None:
                    del m["content"]
            body = json.dumps(data).encode()
        except (ValueError, AttributeError, TypeError):
            pass  # not our business: let the server report the bad request
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()  # later calls: disconnect detection
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await self.app({**scope, "headers": headers}, replay, send)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gguf", default=os.environ.get("SRE_LOCAL_MODEL_GGUF"), help="path to the GGUF model")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8081)
    ap.add_argument("--n-ctx", type=int, default=4096)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--model-alias", default="local-qwen2.5-coder-1.5b")
    ap.add_argument("--allow-non-loopback", action="store_true",
                    help="allow binding a non-loopback address (the server has no auth by default)")
    ap.add_argument("--api-key", default=os.environ.get("SRE_LOCAL_MODEL_API_KEY"),
                    help="optional bearer token required by the server")
    ap.add_argument("--verbose", action="store_true", help="llama.cpp load/perf logging")
    args = ap.parse_args(argv)

    if not args.gguf or not os.path.isfile(args.gguf):
        ap.error(f"--gguf must point at an existing GGUF file (got {args.gguf!r})")
    if not is_loopback(args.host) and not args.allow_non_loopback:
        ap.error(f"refusing to bind {args.host}: not a loopback address (pass --allow-non-loopback to override)")

    # Imported here so that `serve.py --help` and argument errors are instant.
    import uvicorn
    from llama_cpp.server.app import create_app
    from llama_cpp.server.settings import ModelSettings, ServerSettings

    tool_chat_handler.register()  # makes chat_format="sre-tools" resolvable
    model = ModelSettings(
        model=args.gguf, model_alias=args.model_alias, chat_format=tool_chat_handler.CHAT_FORMAT,
        n_ctx=args.n_ctx, n_threads=args.threads, n_threads_batch=args.threads,
        n_gpu_layers=0,
        # The server default (logits_all=True) keeps an n_ctx x 152k-vocab float
        # matrix (~2.5 GB at 4k ctx) and computes logits for every prompt token.
        # We never return prompt logprobs, so turn it off: less RAM, faster prompts.
        logits_all=False,
        verbose=args.verbose,
    )
    server = ServerSettings(host=args.host, port=args.port, api_key=args.api_key)
    app = create_app(server_settings=server, model_settings=[model])

    @app.get("/sre/last")
    def last():
        return tool_chat_handler.LAST

    @app.get("/health")
    def health():
        return {"status": "ok", "model": args.model_alias}

    print(f"[serve] {args.model_alias} <- {args.gguf} on http://{args.host}:{args.port}/v1", file=sys.stderr, flush=True)
    uvicorn.run(AcceptNullAssistantContent(app), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
