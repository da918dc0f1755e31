/** The workflow bundle's entry: every workflow type the worker registers. */
export { taskWorkflow } from './task';
export { chatWorkflow } from './chat';
export { knowledgeWorkflow } from './knowledge';
export { deepTriageWorkflow } from './deep-triage';
export { researchTopicWorkflow } from './research-topic';
export { retentionWorkflow } from './retention';
export { notifyWorkflow } from './notify';
export { nodeBaselineWorkflow } from './node-baseline';
