// One line per request in the `Kestrel` log: timing, status and tokens. The entry never carries the
// key or the Authorization header (the client builds it without them); this only formats.
import type { RequestLogEntry } from '../core/client/client';

export function describeRequest(e: RequestLogEntry): string {
  const parts = [`${e.method} ${e.url}`, e.status !== undefined ? String(e.status) : 'no response'];
  if (e.firstByteMs !== undefined) parts.push(`first byte ${Math.round(e.firstByteMs)} ms`);
  if (e.totalMs !== undefined) parts.push(`done ${Math.round(e.totalMs)} ms`);
  if (e.promptTokens !== undefined || e.completionTokens !== undefined) {
    parts.push(`${e.promptTokens ?? '?'} prompt + ${e.completionTokens ?? '?'} completion tokens`);
  }
  if (e.cachedTokens || e.cacheWriteTokens) parts.push(`prompt cache: ${e.cachedTokens ?? 0} read, ${e.cacheWriteTokens ?? 0} written`);
  if (e.costUsd !== undefined) parts.push(`$${e.costUsd.toFixed(6)}`);
  if (e.retries) parts.push(`${e.retries} ${e.retries === 1 ? 'retry' : 'retries'}`);
  if (e.errorKind) parts.push(`error: ${e.errorKind}`);
  return parts.join(' · ');
}
