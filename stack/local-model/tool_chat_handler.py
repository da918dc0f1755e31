"""OpenAI-style tool calling for llama-cpp-python, driven by the GGUF's own chat template.

Why this exists: llama-cpp-python's stock `chatml-function-calling` format does not
return `tool_calls` for automatic tool choice, and small models such as
Qwen2.5-Coder-1.5B often answer with fenced JSON instead of Qwen's
`<tool_call>` tags.  This handler
  1. renders the model's `tokenizer.chat_template` (which knows how to show
     `tools`, assistant `tool_calls` and `tool` results to the model),
  2. generates with the plain completion API,
  3. turns `<tool_call>` tags, fenced JSON or bare JSON naming an offered tool
     into OpenAI `tool_calls`.

Rendering and parsing are plain functions (no llama_cpp import) so they can be
unit-tested without the model.  Register with `register()`, then use
chat_format=CHAT_FORMAT.
"""
from __future__ import annotations

import json
import re
import sys
import time
import uuid
from typing import Any, Dict, Iterator, List, Optional

import jinja2.sandbox

CHAT_FORMAT = "sre-tools"
# Qwen/ChatML end-of-turn markers; EOS usually stops first, these are a backstop.
DEFAULT_STOPS = ["<|im_end|>", "<|endoftext|>"]

# ----------------------------------------------------------------- rendering

def _tojson(value, indent=None, separators=None, sort_keys=False):
    # jinja2's built-in tojson HTML-escapes <, >, & and ' (\u003c ...), which is
    # not what the template author (HF transformers semantics) meant.
    return json.dumps(value, ensure_ascii=False, indent=indent,
                      separators=separators, sort_keys=sort_keys)


def _raise(message):
    raise jinja2.exceptions.TemplateError(message)


_env = jinja2.sandbox.ImmutableSandboxedEnvironment(
    trim_blocks=True, lstrip_blocks=True, loader=jinja2.BaseLoader())
_env.filters["tojson"] = _tojson
_env.globals["raise_exception"] = _raise
_env.globals["strftime_now"] = lambda fmt: time.strftime(fmt)
_compiled: Dict[str, jinja2.Template] = {}


def _text(content) -> str:
    """OpenAI content may be None, a string or a list of parts; templates want a str."""
    if content is None:
        return ""
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return content if isinstance(content, str) else json.dumps(content)


def _normalise(messages: List[dict]) -> List[dict]:
    out = []
    for m in messages:
        m = dict(m)
        m["content"] = _text(m.get("content"))  # null content (tool-call turns) -> ""
        if m.get("tool_calls"):
            calls = []
            for c in m["tool_calls"]:
                fn = dict(c.get("function") or c)
                # OpenAI sends arguments as a JSON *string*; the template does
                # `arguments | tojson`, which would double-encode it.
                if isinstance(fn.get("arguments"), str):
                    try:
                        fn["arguments"] = json.loads(fn["arguments"] or "{}")
                    except ValueError:
                        pass
                calls.append({**c, "function": fn})
            m["tool_calls"] = calls
        out.append(m)
    return out


def render_prompt(template: str, messages: List[dict], tools: Optional[List[dict]] = None,
                  bos_token: str = "", eos_token: str = "",
                  add_generation_prompt: bool = True) -> str:
    if template not in _compiled:
        _compiled[template] = _env.from_string(template)
    return _compiled[template].render(
        messages=_normalise(messages), tools=tools or None, bos_token=bos_token,
        eos_token=eos_token, add_generation_prompt=add_generation_prompt)

# ----------------------------------------------------------------- parsing

_TAG_RE = re.compile(r"<tool_call>\s*(.*?)\s*(?:</tool_call>|$)", re.S)
_JSON_START_RE = re.compile(r"[{\[]")


def _as_call(obj, tool_names, need_args) -> Optional[dict]:
    """Return an OpenAI tool_call if obj looks like {"name": <offered tool>, "arguments": {...}}.

    need_args: outside <tool_call> tags, demand an "arguments"/"parameters" key so
    that ordinary JSON answers that merely mention a tool name are not taken as calls."""
    if not isinstance(obj, dict):
        return None
    if isinstance(obj.get("function"), dict):  # OpenAI-shaped {"type":"function","function":{...}}
        obj = obj["function"]
    name = obj.get("name")
    if not isinstance(name, str) or name not in tool_names:
        return None  # never invent calls to tools the client did not offer
    if need_args and "arguments" not in obj and "parameters" not in obj:
        return None
    args = obj.get("arguments", obj.get("parameters", {}))
    if isinstance(args, str):
        try:
            args = json.loads(args or "{}")
        except ValueError:
            return None
    if not isinstance(args, dict):
        return None
    return {"id": "call_" + uuid.uuid4().hex[:24], "type": "function",
            "function": {"name": name, "arguments": json.dumps(args, ensure_ascii=False)}}


def _calls_from(obj, tool_names, need_args) -> List[dict]:
    items = obj if isinstance(obj, list) else [obj]
    return [c for c in (_as_call(i, tool_names, need_args) for i in items) if c]


def parse_tool_calls(text: str, tool_names) -> List[dict]:
    """Extract tool calls from model output; [] means "plain answer"."""
    tool_names = set(tool_names)
    if not tool_names:
        return []
    # 1. Qwen's native format: one or more <tool_call>{json}</tool_call> blocks
    #    (the closing tag may be missing when generation stopped right after).
    if "<tool_call>" in text:
        return [c for body in _TAG_RE.findall(text) for c in _scan(body, tool_names, False)]
    # 2. What the 1.5B model often does instead: ```json {...}``` or a bare JSON
    #    object (or a list of them), possibly with prose around it.
    return _scan(text, tool_names, True)


def _scan(text: str, tool_names, need_args: bool) -> List[dict]:
    """Decode the JSON value starting at each '{' / '[' and keep tool-call-shaped ones.

    Scanning (rather than json.loads of the whole text) also copes with fences,
    prose and the doubled braces `{{"name": ...}}` that the Qwen2.5-Coder
    template's own instructions show the model."""
    decoder, calls, i = json.JSONDecoder(), [], 0
    while True:
        m = _JSON_START_RE.search(text, i)
        if not m:
            return calls
        try:
            obj, end = decoder.raw_decode(text, m.start())
        except ValueError:
            i = m.start() + 1
            continue
        calls += _calls_from(obj, tool_names, need_args)
        i = end


# ----------------------------------------------------------------- the handler

def _grammar_for(response_format):
    """Constrain output for response_format json_object / json_schema (None = free text)."""
    rf = response_format or {}
    if rf.get("type") not in ("json_object", "json_schema"):
        return None
    from llama_cpp.llama_grammar import JSON_GBNF, LlamaGrammar
    schema = rf.get("schema") or (rf.get("json_schema") or {}).get("schema")
    if schema:
        return LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)
    return LlamaGrammar.from_string(JSON_GBNF, verbose=False)


def _perf(llama, reset=False):
    """llama.cpp's own perf counters.  Best effort: diagnostics must never break a reply."""
    try:
        import llama_cpp
        if reset:
            return llama_cpp.llama_perf_context_reset(llama.ctx)
        return llama_cpp.llama_perf_context(llama.ctx)
    except Exception:
        return None


def chat_handler(*, llama, messages, tools=None, tool_choice=None, functions=None,
                 function_call=None, stream=False, stop=None, response_format=None,
                 grammar=None, max_tokens=None, temperature=0.2, **kwargs):
    if tools is None and functions:  # legacy `functions` -> tools
        tools = [{"type": "function", "function": f} for f in functions]
        tool_choice = tool_choice or function_call
    if tool_choice == "none":  # OpenAI: never call tools; hide them so the model answers in prose
        tools = None
    tool_names = [t["function"]["name"] for t in tools or [] if t.get("function")]

    template = llama.metadata.get("tokenizer.chat_template")
    if not template:
        raise ValueError("this GGUF has no tokenizer.chat_template; the sre-tools handler needs one")

    def tok_text(tid):
        return llama.detokenize([tid], special=True).decode("utf-8", "ignore") if tid >= 0 else ""

    prompt = render_prompt(template, messages, tools,
                           bos_token=tok_text(llama.token_bos()), eos_token=tok_text(llama.token_eos()))
    # Forced tool use: start the assistant turn inside a <tool_call> so the model
    # can only fill in the (named) call.  Prepended again before parsing.
    prefill = ""
    if tools and tool_choice == "required":
        prefill = '<tool_call>\n{"name": "'
    elif tools and isinstance(tool_choice, dict) and tool_choice.get("function", {}).get("name") in tool_names:
        # open the arguments object too: left at `"arguments": ` the 1.5B model
        # sometimes wrote a bare value (`10}`) instead of an object.
        prefill = '<tool_call>\n{"name": "%s", "arguments": {' % tool_choice["function"]["name"]
    tokens = llama.tokenize((prompt + prefill).encode("utf-8"), add_bos=False, special=True)

    if grammar is None and not prefill:
        grammar = _grammar_for(response_format)
    stops = DEFAULT_STOPS + ([stop] if isinstance(stop, str) else list(stop or []))
    # Pass through the sampling knobs create_completion understands.
    passthrough = {k: v for k, v in kwargs.items() if k in (
        "top_p", "top_k", "min_p", "typical_p", "seed", "presence_penalty", "frequency_penalty",
        "repeat_penalty", "tfs_z", "mirostat_mode", "mirostat_tau", "mirostat_eta", "model",
        "logits_processor", "logit_bias")}

    _perf(llama, reset=True)
    t0 = time.perf_counter()
    completion = llama.create_completion(prompt=tokens, max_tokens=max_tokens, temperature=temperature,
                                         stop=stops, grammar=grammar, stream=False, **passthrough)
    wall = time.perf_counter() - t0
    text = prefill + completion["choices"][0]["text"]
    finish = completion["choices"][0]["finish_reason"]

    calls = parse_tool_calls(text, tool_names) if tools else []
    message: Dict[str, Any] = {"role": "assistant", "content": None if calls else text.strip()}
    if calls:
        message["tool_calls"] = calls
        finish = "tool_calls"

    p = _perf(llama)
    timings = {"wall_ms": wall * 1000.0}
    if p is not None:  # same names as llama.cpp's server; prompt_n excludes the KV-cache-reused prefix
        timings.update(
            prompt_n=p.n_p_eval, prompt_ms=p.t_p_eval_ms,
            prompt_per_second=1000.0 * p.n_p_eval / p.t_p_eval_ms if p.t_p_eval_ms else None,
            predicted_n=p.n_eval, predicted_ms=p.t_eval_ms,
            predicted_per_second=1000.0 * p.n_eval / p.t_eval_ms if p.t_eval_ms else None)
    fmt = ("tags" if "<tool_call>" in text else "json") if calls else "none"
    LAST.clear()
    LAST.update(timings=timings, raw_output=text, tool_call_format=fmt, finish_reason=finish)
    print(f"[sre-tools] prompt {timings.get('prompt_n')} tok {timings.get('prompt_per_second') or 0:.1f} tok/s, "
          f"gen {timings.get('predicted_n')} tok {timings.get('predicted_per_second') or 0:.1f} tok/s, "
          f"wall {wall:.2f}s, tool_calls={len(calls)} ({fmt})", file=sys.stderr, flush=True)

    response = {
        "id": "chatcmpl-" + uuid.uuid4().hex, "object": "chat.completion",
        "created": int(time.time()), "model": completion["model"],
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
        "usage": completion["usage"],
        # llama.cpp-server-style extra; the stock FastAPI response model drops it,
        # hence also GET /sre/last in serve.py.
        "timings": timings,
    }
    return _as_stream(response) if stream else response


# Timings and raw model text of the last completion, served at GET /sre/last
# (requests are serialised by the server's lock, so one global is enough).
LAST: Dict[str, Any] = {}


def _as_stream(resp) -> Iterator[dict]:
    """stream=true: not really streamed, but answered as valid chunks instead of failing."""
    msg, choice = resp["choices"][0]["message"], resp["choices"][0]
    delta = {"role": "assistant", "content": msg["content"]}
    if msg.get("tool_calls"):
        delta["tool_calls"] = [{"index": i, **c} for i, c in enumerate(msg["tool_calls"])]
    base = {k: resp[k] for k in ("id", "created", "model")}
    yield {**base, "object": "chat.completion.chunk",
           "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": None}]}
    yield {**base, "object": "chat.completion.chunk",
           "choices": [{"index": 0, "delta": {}, "logprobs": None, "finish_reason": choice["finish_reason"]}]}


def register():
    from llama_cpp.llama_chat_format import LlamaChatCompletionHandlerRegistry
    LlamaChatCompletionHandlerRegistry().register_chat_completion_handler(
        CHAT_FORMAT, chat_handler, overwrite=True)
