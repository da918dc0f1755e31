import type { AgentTool } from './agent-tool';
import { fleetCheckTool } from './fleet-tools';
import { approveActionTool, feedbackTool, listApprovalsTool, rejectActionTool } from './approval-tools';
import { createInstanceTool, listInstancesTool } from './instance-tools';
import { knowledgeSearchTool } from './knowledge-tools';
import { createScheduleTool, listSchedulesTool, triggerScheduleTool } from './schedule-tools';
import { databaseChatTool, deepTriageTool, generalChatTool, knowledgeQueryTool, taskStatusTool, threadTool } from './task-tools';

/** Every tool the agent serves over MCP. */
export const AGENT_TOOLS: AgentTool[] = [
  deepTriageTool,
  generalChatTool,
  databaseChatTool,
  knowledgeQueryTool,
  knowledgeSearchTool,
  listInstancesTool,
  createInstanceTool,
  taskStatusTool,
  threadTool,
  listSchedulesTool,
  createScheduleTool,
  triggerScheduleTool,
  listApprovalsTool,
  approveActionTool,
  rejectActionTool,
  feedbackTool,
  fleetCheckTool,
];
