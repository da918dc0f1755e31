import { jsonObjectsIn } from '../../core/json-reply';

/**
 * Tool calls a server handed back as text: Qwen's `<tool_call>{…}</tool_call>` tags, or a reply
 * that is nothing but JSON (fenced or bare) naming an offered tool with its arguments. Servers
 * without tool-call parsing (llama.cpp's stock chatml-function-calling, some Ollama templates) do
 * this. Prose that merely contains JSON is left as the answer.
 */
export function toolCallsInText(content: string, offered: Set<string>): Array<{ name: string; arguments: string }> {
  const text = content.trim();
  const tagged = [...text.matchAll(/<tool_call>\s*([\s\S]*?)\s*(?:<\/tool_call>|$)/g)].map((m) => m[1]);
  const onlyJson = /^(```(?:json)?\s*)?[[{][\s\S]*[\]}]\s*(```)?$/.test(text);
  if (!tagged.length && !onlyJson) return [];
  const calls: Array<{ name: string; arguments: string }> = [];
  for (const source of tagged.length ? tagged : [text]) {
    for (const value of jsonObjectsIn(source)) {
      for (const obj of Array.isArray(value) ? value : [value]) {
        if (!obj || typeof obj !== 'object') continue;
        const { name, arguments: args, parameters } = obj as { name?: unknown; arguments?: unknown; parameters?: unknown };
        if (typeof name !== 'string' || !offered.has(name)) continue;
        const given = args ?? parameters ?? {};
        calls.push({ name, arguments: typeof given === 'string' ? given : JSON.stringify(given) });
      }
    }
  }
  return calls;
}
