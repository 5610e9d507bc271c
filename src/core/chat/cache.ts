// Where the stable part of a chat prompt ends, for the prompt-cache breakpoint (docs/providers.md,
// "Prompt caching"): the system prompt with the project instructions, then the conversation up to
// and including the newest question that carries attached code. That part is sent again unchanged
// with every later question of the chat, so the provider can serve it from its cache.
import type { ChatMessage } from '../client/types';
import { userContent, type Turn } from './history';

/**
 * The index of the message that ends the stable part: the newest question sent with attached code
 * (its code comes last in the message), else the last of the leading system messages; undefined
 * when there is neither. `turns` are the turns the messages were built from.
 */
export function stablePrefixEnd(messages: readonly ChatMessage[], turns: readonly Turn[]): number | undefined {
  const withCode = new Set(turns.filter((t) => t.role === 'user' && (t.attached?.length || t.context)).map(userContent));
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role === 'user' && withCode.has(messages[i].content)) return i;
  }
  let end = -1;
  while (messages[end + 1]?.role === 'system') end++;
  return end >= 0 ? end : undefined;
}
