"""Model-free tests for tool_chat_handler: parser, template rendering, handler logic.

Run: python3 -m unittest discover -s tests -v   (needs only jinja2)
"""
import json
import os
import re
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import tool_chat_handler as h  # noqa: E402

# The chat template embedded in the Qwen2.5-Coder-1.5B-Instruct GGUF (tokenizer.chat_template).
QWEN_TEMPLATE = open(os.path.join(HERE, "fixtures", "qwen2.5-coder-chat-template.jinja")).read()
NAMES = {"redis_info", "redis_slowlog"}
TOOLS = [
    {"type": "function", "function": {"name": "redis_info", "description": "Run INFO <section>",
     "parameters": {"type": "object", "properties": {"section": {"type": "string"}}}}},
    {"type": "function", "function": {"name": "redis_slowlog", "description": "SLOWLOG GET",
     "parameters": {"type": "object", "properties": {}}}},
]


def fn(call):
    return call["function"]["name"], json.loads(call["function"]["arguments"])


class ParseTests(unittest.TestCase):
    def test_tag(self):
        calls = h.parse_tool_calls(
            '<tool_call>\n{"name": "redis_info", "arguments": {"section": "memory"}}\n</tool_call>', NAMES)
        self.assertEqual([fn(c) for c in calls], [("redis_info", {"section": "memory"})])
        c = calls[0]
        self.assertRegex(c["id"], r"^call_[0-9a-f]{24}$")
        self.assertEqual(c["type"], "function")
        self.assertIsInstance(c["function"]["arguments"], str)

    def test_multiple_tags_unique_ids(self):
        text = ('<tool_call>{"name": "redis_info", "arguments": {"section": "memory"}}</tool_call>\n'
                '<tool_call>{"name": "redis_slowlog", "arguments": {}}</tool_call>')
        calls = h.parse_tool_calls(text, NAMES)
        self.assertEqual([fn(c) for c in calls], [("redis_info", {"section": "memory"}), ("redis_slowlog", {})])
        self.assertNotEqual(calls[0]["id"], calls[1]["id"])

    def test_unterminated_tag_and_missing_arguments(self):
        calls = h.parse_tool_calls('<tool_call>\n{"name": "redis_slowlog"}', NAMES)
        self.assertEqual([fn(c) for c in calls], [("redis_slowlog", {})])

    def test_doubled_braces_in_tag(self):
        # the template's instructions literally show {{"name": ...}}
        calls = h.parse_tool_calls('<tool_call>{{"name": "redis_info", "arguments": {"section": "memory"}}}</tool_call>', NAMES)
        self.assertEqual([fn(c) for c in calls], [("redis_info", {"section": "memory"})])

    def test_fenced_json(self):
        text = 'I will check memory.\n```json\n{"name": "redis_info", "arguments": {"section": "memory"}}\n```'
        self.assertEqual([fn(c) for c in h.parse_tool_calls(text, NAMES)], [("redis_info", {"section": "memory"})])

    def test_fenced_json_list_and_several_fences(self):
        text = ('```json\n[{"name": "redis_info", "arguments": {"section": "memory"}}]\n```\n'
                '```\n{"name": "redis_slowlog", "arguments": {}}\n```')
        self.assertEqual([fn(c)[0] for c in h.parse_tool_calls(text, NAMES)], ["redis_info", "redis_slowlog"])

    def test_bare_json_and_string_arguments(self):
        text = '{"name": "redis_info", "arguments": "{\\"section\\": \\"memory\\"}"}'
        self.assertEqual([fn(c) for c in h.parse_tool_calls(text, NAMES)], [("redis_info", {"section": "memory"})])

    def test_openai_shaped_and_parameters_key(self):
        text = '{"type": "function", "function": {"name": "redis_info", "parameters": {"section": "cpu"}}}'
        self.assertEqual([fn(c) for c in h.parse_tool_calls(text, NAMES)], [("redis_info", {"section": "cpu"})])

    def test_unknown_tool_ignored(self):
        self.assertEqual(h.parse_tool_calls('<tool_call>{"name": "rm_rf", "arguments": {}}</tool_call>', NAMES), [])
        self.assertEqual(h.parse_tool_calls('```json\n{"name": "flushall", "arguments": {}}\n```', NAMES), [])
        mixed = '{"name": "flushall", "arguments": {}} {"name": "redis_slowlog", "arguments": {}}'
        self.assertEqual([fn(c)[0] for c in h.parse_tool_calls(mixed, NAMES)], ["redis_slowlog"])

    def test_malformed_json_is_plain(self):
        for text in ['<tool_call>{"name": "redis_info", "arguments": {"section": </tool_call>',
                     '```json\n{"name": "redis_info", "arguments": {"section": "memory"}\n```',
                     '{name: redis_info}', 'Memory usage is 1.2M.', '']:
            self.assertEqual(h.parse_tool_calls(text, NAMES), [], text)

    def test_json_answer_mentioning_tool_is_not_a_call(self):
        self.assertEqual(h.parse_tool_calls('{"name": "redis_info", "summary": "ok"}', NAMES), [])

    def test_no_tools_offered(self):
        self.assertEqual(h.parse_tool_calls('{"name": "redis_info", "arguments": {}}', set()), [])


class RenderTests(unittest.TestCase):
    def test_tools_in_system_prompt(self):
        p = h.render_prompt(QWEN_TEMPLATE, [{"role": "user", "content": "mem?"}], TOOLS)
        self.assertIn("<tools>", p)
        self.assertIn('"name": "redis_info"', p)
        self.assertIn("Run INFO <section>", p)  # not HTML-escaped to \u003c
        self.assertTrue(p.endswith("<|im_start|>assistant\n"))

    def test_no_tools(self):
        p = h.render_prompt(QWEN_TEMPLATE, [{"role": "system", "content": "Be brief."},
                                            {"role": "user", "content": "hi"}])
        self.assertNotIn("<tools>", p)
        self.assertTrue(p.startswith("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nhi<|im_end|>"))

    def test_tool_round_trip(self):
        msgs = [
            {"role": "user", "content": "mem?"},
            {"role": "assistant", "content": None, "tool_calls": [
                {"id": "call_1", "type": "function",
                 "function": {"name": "redis_info", "arguments": '{"section": "memory"}'}},
                {"id": "call_2", "type": "function", "function": {"name": "redis_slowlog", "arguments": "{}"}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "used_memory:1048576"},
            {"role": "tool", "tool_call_id": "call_2", "content": "(empty)"},
        ]
        p = h.render_prompt(QWEN_TEMPLATE, msgs, TOOLS)
        # arguments rendered as an object, not a double-encoded string
        self.assertIn('<tool_call>\n{"name": "redis_info", "arguments": {"section": "memory"}}\n</tool_call>', p)
        # consecutive tool results share one user turn
        self.assertEqual(len(re.findall(r"<\|im_start\|>user", p)), 2)
        self.assertIn("<tool_response>\nused_memory:1048576\n</tool_response>\n<tool_response>\n(empty)", p)

    def test_list_content_parts(self):
        p = h.render_prompt(QWEN_TEMPLATE, [{"role": "user", "content": [{"type": "text", "text": "a"},
                                                                          {"type": "text", "text": "b"}]}])
        self.assertIn("<|im_start|>user\nab<|im_end|>", p)


class FakeLlama:
    """Just enough of llama_cpp.Llama for the handler."""
    def __init__(self, reply, finish="stop"):
        self.metadata = {"tokenizer.chat_template": QWEN_TEMPLATE}
        self.reply, self.finish, self.prompts = reply, finish, []

    def token_bos(self): return -1
    def token_eos(self): return -1
    def detokenize(self, ids, special=False): return b""
    def tokenize(self, b, add_bos=True, special=False): return list(b)

    def create_completion(self, prompt, max_tokens=None, stop=None, grammar=None, stream=False, **kw):
        self.prompts.append(bytes(prompt).decode())
        self.stop = stop
        return {"model": "fake", "choices": [{"text": self.reply, "finish_reason": self.finish}],
                "usage": {"prompt_tokens": len(prompt), "completion_tokens": 7, "total_tokens": len(prompt) + 7}}


class HandlerTests(unittest.TestCase):
    MSGS = [{"role": "user", "content": "What is the memory usage? Use the tools."}]

    def test_tool_calls_response(self):
        llama = FakeLlama('```json\n{"name": "redis_info", "arguments": {"section": "memory"}}\n```')
        r = h.chat_handler(llama=llama, messages=self.MSGS, tools=TOOLS, tool_choice="auto")
        ch = r["choices"][0]
        self.assertEqual(ch["finish_reason"], "tool_calls")
        self.assertIsNone(ch["message"]["content"])
        self.assertEqual(fn(ch["message"]["tool_calls"][0]), ("redis_info", {"section": "memory"}))
        self.assertEqual(set(r["usage"]), {"prompt_tokens", "completion_tokens", "total_tokens"})
        self.assertIn("<|im_end|>", llama.stop)

    def test_tool_choice_none_hides_tools_and_skips_parsing(self):
        llama = FakeLlama('{"name": "redis_info", "arguments": {}}')
        r = h.chat_handler(llama=llama, messages=self.MSGS, tools=TOOLS, tool_choice="none")
        self.assertNotIn("<tools>", llama.prompts[0])
        self.assertEqual(r["choices"][0]["finish_reason"], "stop")
        self.assertNotIn("tool_calls", r["choices"][0]["message"])
        self.assertEqual(r["choices"][0]["message"]["content"], '{"name": "redis_info", "arguments": {}}')

    def test_no_tools_plain_answer(self):
        r = h.chat_handler(llama=FakeLlama("  Hello.  "), messages=self.MSGS)
        self.assertEqual(r["choices"][0]["message"], {"role": "assistant", "content": "Hello."})

    def test_named_tool_choice_prefills_the_call(self):
        llama = FakeLlama('"section": "memory"}}\n</tool_call>')
        r = h.chat_handler(llama=llama, messages=self.MSGS, tools=TOOLS,
                           tool_choice={"type": "function", "function": {"name": "redis_info"}})
        self.assertTrue(llama.prompts[0].endswith('<tool_call>\n{"name": "redis_info", "arguments": {'))
        self.assertEqual(fn(r["choices"][0]["message"]["tool_calls"][0]), ("redis_info", {"section": "memory"}))

    def test_stream_is_answered_as_chunks(self):
        llama = FakeLlama('<tool_call>{"name": "redis_slowlog", "arguments": {}}</tool_call>')
        chunks = list(h.chat_handler(llama=llama, messages=self.MSGS, tools=TOOLS, stream=True))
        self.assertEqual(chunks[0]["object"], "chat.completion.chunk")
        self.assertEqual(chunks[0]["choices"][0]["delta"]["tool_calls"][0]["index"], 0)
        self.assertEqual(chunks[-1]["choices"][0]["finish_reason"], "tool_calls")


if __name__ == "__main__":
    unittest.main()
