// What one provider gets on top of the plain request (docs/providers.md, "OpenRouter's routing and
// prompt caching"): OpenRouter's `provider.sort` by purpose and `kestrel.openrouter.sort`, and the
// prompt-cache breakpoint the chat asks for, kept only where it is known to work (Anthropic models
// through OpenRouter). Every other provider gets the request as the caller built it.
import type { OpenRouterSort, ProviderId } from '../config';
import type { ChatClient, ChatRequest } from './types';

export type RequestPurpose = 'inline' | 'chat' | 'action';

export interface ShapeContext {
  providerId: ProviderId | string;
  purpose: RequestPurpose;
  sort: OpenRouterSort;
}

/** The `provider.sort` OpenRouter gets for this purpose, or undefined for OpenRouter's own choice. */
export function openRouterSort(sort: OpenRouterSort, purpose: RequestPurpose): 'latency' | 'throughput' | 'price' | undefined {
  if (sort === 'default') return undefined;
  if (sort === 'auto') return purpose === 'inline' ? 'latency' : undefined;
  return sort;
}

/**
 * Whether a chat prompt may carry a `cache_control` breakpoint: Claude through OpenRouter only.
 * Anthropic's OpenAI-compatible endpoint does no prompt caching; AI/ML API and local servers are
 * not known to accept the field.
 */
export function cachesPrompts(providerId: ProviderId | string, model: string, purpose: RequestPurpose): boolean {
  return purpose === 'chat' && providerId === 'openrouter' && /^anthropic\//i.test(model.trim());
}

/** The request as this provider should get it; the caller's object is not changed. */
export function shapeRequest(request: ChatRequest, context: ShapeContext): ChatRequest {
  const { cacheAfter, ...rest } = request;
  const shaped: ChatRequest = { ...rest };
  if (cacheAfter !== undefined && cachesPrompts(context.providerId, request.model, context.purpose)) shaped.cacheAfter = cacheAfter;
  if (context.providerId === 'openrouter') {
    const sort = openRouterSort(context.sort, context.purpose);
    if (sort) {
      const provider = request.extra?.provider;
      const routing = provider && typeof provider === 'object' ? (provider as Record<string, unknown>) : {};
      shaped.extra = { ...request.extra, provider: { ...routing, sort } };
    }
  }
  return shaped;
}

/** A client whose chat requests are shaped for one provider and purpose. */
export function shapedClient(client: ChatClient, context: ShapeContext, onFailure?: (error: unknown, request: ChatRequest) => void): ChatClient {
  const observe = <T>(result: Promise<T>, request: ChatRequest): Promise<T> => {
    if (onFailure) result.catch((error: unknown) => onFailure(error, request));
    return result;
  };
  return {
    stream(request, options) {
      const shaped = shapeRequest(request, context);
      const stream = client.stream(shaped, options);
      observe(stream.result, shaped);
      return stream;
    },
    complete(request, options) {
      const shaped = shapeRequest(request, context);
      return observe(client.complete(shaped, options), shaped);
    },
    listModels: (options) => client.listModels(options),
    warm: () => client.warm(),
  };
}
