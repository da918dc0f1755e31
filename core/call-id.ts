/** How a tool call's id is shown beside evidence: enough to find it in the thread's tool calls and the workflow history. */
export const shortCallId = (callId: string) => callId.slice(0, 8);
