import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Typed search attributes registered on the dev server (scripts/stack) and set by workflows. */
export const SA_AGENT = defineSearchAttributeKey('SreAgent', SearchAttributeType.KEYWORD);
export const SA_INSTANCE = defineSearchAttributeKey('SreInstanceId', SearchAttributeType.KEYWORD);
export const SA_STATUS = defineSearchAttributeKey('SreStatus', SearchAttributeType.KEYWORD);

/** For `temporal server start-dev --search-attribute`. */
export const SEARCH_ATTRIBUTE_FLAGS = ['SreAgent=Keyword', 'SreInstanceId=Keyword', 'SreStatus=Keyword'];
