// What goes on the wire on top of the plain request, per provider and purpose: OpenRouter's
// `provider.sort` (kestrel.openrouter.sort) and the chat's prompt-cache breakpoint, checked in the
// body the fake server received.
import * as assert from 'node:assert/strict';
import { createChatClient } from '../../../src/core/client/client';
import { shapedClient, type RequestPurpose } from '../../../src/core/client/shape';
import type { ChatRequest } from '../../../src/core/client/types';
import { readSettings, type OpenRouterSort, type ProviderId } from '../../../src/core/config';
import { startFakeServer, type FakeServer, type Flavour } from '../../support/fake-server';

const FLAVOUR: Record<string, Flavour> = { openrouter: 'openrouter', aimlapi: 'aimlapi', anthropic: 'anthropic', ollama: 'openai', custom: 'openai' };
const MODEL: Record<string, string> = { openrouter: 'anthropic/claude-3.5-haiku', aimlapi: 'claude-3-5-haiku-20241022', anthropic: 'claude-3-5-haiku-20241022', ollama: 'qwen2.5-coder:7b', custom: 'qwen2.5-coder:7b' };

describe('request shaping: OpenRouter routing and prompt caching on the wire', function () {
  this.timeout(10000);
  const servers: FakeServer[] = [];
  after(async () => {
    for (const server of servers) await server.close();
  });

  const servers_: Partial<Record<Flavour, FakeServer>> = {};
  async function serverFor(flavour: Flavour): Promise<FakeServer> {
    if (!servers_[flavour]) {
      servers_[flavour] = await startFakeServer({ flavour });
      servers.push(servers_[flavour]!);
    }
    return servers_[flavour]!;
  }

  /** The body the provider received for one request. */
  async function sent(providerId: ProviderId, purpose: RequestPurpose, sort: OpenRouterSort, request: Partial<ChatRequest> = {}): Promise<Record<string, unknown>> {
    const server = await serverFor(FLAVOUR[providerId]);
    const client = createChatClient({ baseUrl: server.url });
    try {
      const shaped = shapedClient(client, { providerId, purpose, sort });
      const before = server.completions.length;
      await shaped.stream({ model: MODEL[providerId], messages: [{ role: 'user', content: 'hi' }], ...request }).result;
      return server.completions[before].body as Record<string, unknown>;
    } finally {
      await client.dispose();
    }
  }

  it('the setting defaults to "auto" and reads only its five values', () => {
    assert.equal(readSettings(() => undefined).openrouter.sort, 'auto');
    assert.equal(readSettings((k) => (k === 'kestrel.openrouter.sort' ? 'price' : undefined)).openrouter.sort, 'price');
    assert.equal(readSettings((k) => (k === 'kestrel.openrouter.sort' ? 'fastest' : undefined)).openrouter.sort, 'auto');
  });

  it('"auto": OpenRouter suggestions ask for the lowest latency; the chat and the actions send no sort', async () => {
    assert.deepEqual((await sent('openrouter', 'inline', 'auto')).provider, { sort: 'latency' });
    assert.equal((await sent('openrouter', 'chat', 'auto')).provider, undefined);
    assert.equal((await sent('openrouter', 'action', 'auto')).provider, undefined);
  });

  it('a sort the user chose goes with every OpenRouter request; "default" sends none, suggestions included', async () => {
    for (const purpose of ['inline', 'chat', 'action'] as const) {
      assert.deepEqual((await sent('openrouter', purpose, 'price')).provider, { sort: 'price' }, purpose);
      assert.deepEqual((await sent('openrouter', purpose, 'throughput')).provider, { sort: 'throughput' }, purpose);
      assert.equal((await sent('openrouter', purpose, 'default')).provider, undefined, purpose);
    }
  });

  it('keeps routing fields a caller already set next to the sort', async () => {
    const body = await sent('openrouter', 'inline', 'auto', { extra: { provider: { allow_fallbacks: false } } });
    assert.deepEqual(body.provider, { allow_fallbacks: false, sort: 'latency' });
  });

  it('no other provider ever gets a provider object, whatever the setting', async () => {
    for (const providerId of ['aimlapi', 'anthropic', 'ollama', 'custom'] as const) {
      for (const sort of ['auto', 'latency', 'price'] as const) {
        const body = await sent(providerId, 'inline', sort);
        assert.equal(body.provider, undefined, `${providerId} ${sort}`);
      }
    }
  });

  describe('the prompt-cache breakpoint', () => {
    const messages: ChatRequest['messages'] = [
      { role: 'system', content: 'You are Kestrel.' },
      { role: 'user', content: 'What does this do?\n\nmain.ts (typescript):\n```ts\nexport const x = 1;\n```' },
      { role: 'assistant', content: 'It exports one.' },
      { role: 'user', content: 'And why?' },
    ];

    it('Claude through OpenRouter: the message that ends the stable part becomes one text part with cache_control; the rest stay strings', async () => {
      const body = await sent('openrouter', 'chat', 'auto', { messages, cacheAfter: 1 });
      const sentMessages = body.messages as { role: string; content: unknown }[];
      assert.deepEqual(sentMessages[1].content, [{ type: 'text', text: messages[1].content, cache_control: { type: 'ephemeral' } }]);
      assert.equal(sentMessages[0].content, messages[0].content);
      assert.equal(sentMessages[2].content, messages[2].content);
      assert.equal(sentMessages[3].content, messages[3].content);
      assert.equal(body.cache_control, undefined);
    });

    it('not for a model that is not Anthropic\'s, not for inline suggestions or actions, not for any other provider', async () => {
      const plain = (body: Record<string, unknown>) => (body.messages as { content: unknown }[]).every((m) => typeof m.content === 'string');
      const server = await serverFor('openrouter');
      const client = createChatClient({ baseUrl: server.url });
      try {
        const before = server.completions.length;
        await shapedClient(client, { providerId: 'openrouter', purpose: 'chat', sort: 'auto' }).stream({ model: 'openai/gpt-4o-mini', messages, cacheAfter: 1 }).result.catch(() => undefined);
        // The fake OpenRouter lists no such model: the request is refused, but it was sent as it would be.
        assert.ok(plain(server.completions[before].body), 'a non-Anthropic model');
      } finally {
        await client.dispose();
      }
      assert.ok(plain(await sent('openrouter', 'inline', 'auto', { messages, cacheAfter: 1 })), 'inline');
      assert.ok(plain(await sent('openrouter', 'action', 'auto', { messages, cacheAfter: 1 })), 'action');
      for (const providerId of ['aimlapi', 'anthropic', 'ollama'] as const) {
        assert.ok(plain(await sent(providerId, 'chat', 'auto', { messages, cacheAfter: 1 })), providerId);
      }
    });
  });
});
