/** The workflow bundle's entry: every workflow type the worker registers. */
export { taskWorkflow } from './task';
export { chatWorkflow } from './chat';
export { knowledgeWorkflow } from './knowledge';
export { deepTriageWorkflow } from './deep-triage';
export { researchTopicWorkflow } from './research-topic';
export { clusterTriageWorkflow } from './cluster-triage';
export { nodeBaselineWorkflow } from './node-baseline';
export { retentionWorkflow } from './retention';
export { notifyWorkflow } from './notify';
export { remediationWorkflow } from './remediation';
export { fleetHealthWorkflow } from './fleet';
