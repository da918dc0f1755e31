/**
 * A runbook search query from a user's message: knowledge_search takes at most 500 characters,
 * and a long message (a pasted log, an alert body) must still be searched, not rejected. Keeps
 * the start of the message, cut at a word boundary. Pure: used in workflows.
 */
export const MAX_SEARCH_QUERY = 500;

export function searchQuery(message: string, max = MAX_SEARCH_QUERY): string {
  const text = message.replace(/\s+/g, ' ').trim();
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return (space > max * 0.6 ? cut.slice(0, space) : cut).trim();
}
