import type { ChatMessage } from '../../core/types';

/** The system prompt of a conversation, for stubs that answer per research topic. */
export const systemText = (messages: ChatMessage[]) => messages.find((m) => m.role === 'system')?.content ?? '';
