import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Typed search attributes registered on the dev server (scripts/stack) and set by workflows. */
export const SA_AGENT = defineSearchAttributeKey('SreAgent', SearchAttributeType.KEYWORD);
export const SA_INSTANCE = defineSearchAttributeKey('SreInstanceId', SearchAttributeType.KEYWORD);
export const SA_STATUS = defineSearchAttributeKey('SreStatus', SearchAttributeType.KEYWORD);

/** Every attribute the workflows set, with the type name the temporal CLI takes. */
export const SEARCH_ATTRIBUTES: Array<{ name: string; type: 'Keyword' }> = [SA_AGENT, SA_INSTANCE, SA_STATUS].map((key) => ({
  name: key.name,
  type: 'Keyword',
}));

/** For `temporal server start-dev --search-attribute`. */
export const SEARCH_ATTRIBUTE_FLAGS = SEARCH_ATTRIBUTES.map(({ name, type }) => `${name}=${type}`);
