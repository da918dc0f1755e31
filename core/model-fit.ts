import type { TaskSetup } from './types';

/**
 * How much the workflows put in front of a model, by its context: a 4k-token local model reads the
 * four most relevant findings (three values each), six vital signs and four tool schemas (first turn ≤ 1,500 tokens); a hosted one more. Histories recorded before
 * these settings existed lack them and get the hosted sizes.
 */
const SMALL_CONTEXT = 8192;

/** A context this small is a local model's; unknown (histories from before) counts as hosted. */
const isSmallContext = (contextTokens: number | undefined) => contextTokens !== undefined && contextTokens <= SMALL_CONTEXT;

export const digestBudgetFor = (contextTokens: number | undefined) =>
  isSmallContext(contextTokens) ? { maxFindings: 4, maxEvidence: 3, maxVitals: 6, infoFixes: false } : { maxFindings: 15, maxEvidence: 8 };

export const digestBudget = (setup: TaskSetup) => digestBudgetFor(setup.modelContextTokens);

/** How many tools a model sees with schemas (the rest through list_tools). */
export const offeredTools = (setup: TaskSetup) => setup.limits.offeredTools ?? 12;

/** What beginTask puts in the setup for a model of this context. */
export const offeredToolsFor = (contextTokens: number | undefined) => (isSmallContext(contextTokens) ? 4 : 12);

/** Whether the model is a small one (a local 1.5B in a 4k context), whose prose may pass over the finding that matters. */
export const smallModel = (setup: TaskSetup) => isSmallContext(setup.modelContextTokens);
