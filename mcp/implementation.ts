/** How the agent names itself to MCP peers, as a server and as a client. */
export const AGENT_IMPLEMENTATION = { name: 'redis-sre-agent', version: '0.1.0' };
