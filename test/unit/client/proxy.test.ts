import * as assert from 'node:assert/strict';
import { keyOrigin, resolveProvider } from '../../../src/core/client/presets';
import { selectProxy } from '../../../src/core/client/proxy';

describe('proxy selection', () => {
  const strict = { proxy: '', strictSSL: true };
  const cases: [string, string, { proxy: string; strictSSL: boolean }, Record<string, string>, string | undefined][] = [
    ['no proxy configured', 'https://openrouter.ai/api/v1', strict, {}, undefined],
    ['HTTPS_PROXY for https', 'https://openrouter.ai/api/v1', strict, { HTTPS_PROXY: 'http://proxy:3128' }, 'http://proxy:3128'],
    ['lower-case https_proxy, scheme added', 'https://openrouter.ai/api/v1', strict, { https_proxy: 'proxy:3128' }, 'http://proxy:3128'],
    ['HTTP_PROXY only for http', 'https://openrouter.ai/api/v1', strict, { HTTP_PROXY: 'http://proxy:3128' }, undefined],
    ['HTTP_PROXY for an http target', 'http://gpu-box:8000/v1', strict, { HTTP_PROXY: 'http://proxy:3128' }, 'http://proxy:3128'],
    ["VS Code's http.proxy wins over the environment", 'https://openrouter.ai/api/v1', { proxy: 'http://vscode-proxy:8080', strictSSL: true }, { HTTPS_PROXY: 'http://env:1' }, 'http://vscode-proxy:8080'],
    ['NO_PROXY domain suffix', 'https://api.corp.example/v1', strict, { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'localhost,.corp.example' }, undefined],
    ['NO_PROXY bare domain matches subdomains', 'https://api.corp.example/v1', strict, { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'corp.example' }, undefined],
    ['NO_PROXY does not match a longer name', 'https://notcorp.example/v1', strict, { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'corp.example' }, 'http://p:1'],
    ['NO_PROXY with a port only matches that port', 'https://host.example:8443/v1', strict, { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'host.example:443' }, 'http://p:1'],
    ['NO_PROXY *', 'https://openrouter.ai/api/v1', strict, { HTTPS_PROXY: 'http://p:1', NO_PROXY: '*' }, undefined],
    ['loopback is never proxied', 'http://127.0.0.1:11434/v1', { proxy: 'http://p:1', strictSSL: true }, {}, undefined],
    ['localhost is never proxied', 'http://localhost:11434/v1', strict, { HTTP_PROXY: 'http://p:1' }, undefined],
  ];
  for (const [name, target, settings, env, expected] of cases) {
    it(name, () => assert.equal(selectProxy(target, settings, env).proxyUrl, expected));
  }
  it("honours VS Code's http.noProxy beside NO_PROXY", () => {
    const settings = { proxy: 'http://p:1', strictSSL: true, noProxy: ['internal.example', '.corp.example'] };
    assert.equal(selectProxy('https://internal.example/v1', settings, {}).proxyUrl, undefined);
    assert.equal(selectProxy('https://llm.corp.example/v1', settings, {}).proxyUrl, undefined);
    assert.equal(selectProxy('https://openrouter.ai/api/v1', settings, {}).proxyUrl, 'http://p:1');
    assert.equal(selectProxy('https://openrouter.ai/api/v1', settings, { NO_PROXY: 'openrouter.ai' }).proxyUrl, undefined);
  });

  it('relaxes certificate checks only for a connection a proxy carries', () => {
    assert.equal(selectProxy('https://x.example', { proxy: 'http://p:1', strictSSL: false }, {}).rejectUnauthorized, false);
    assert.equal(selectProxy('https://x.example', { proxy: 'http://p:1', strictSSL: true }, {}).rejectUnauthorized, true);
    // No proxy in the way (none set, NO_PROXY, loopback): the certificate is always checked.
    assert.equal(selectProxy('https://x.example', { proxy: '', strictSSL: false }, {}).rejectUnauthorized, true);
    assert.equal(selectProxy('https://x.example', { proxy: '', strictSSL: false }, { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'x.example' }).rejectUnauthorized, true);
    assert.equal(selectProxy('https://localhost:8443', { proxy: 'http://p:1', strictSSL: false }, {}).rejectUnauthorized, true);
  });
});

describe('provider presets', () => {
  const settings = (over: object) => ({ provider: 'openrouter' as const, baseUrl: '', model: '', chatModel: '', ...over });
  it('defaults to Claude 3.5 Haiku on OpenRouter with attribution headers and its key variable', () => {
    const p = resolveProvider(settings({}));
    assert.equal(p.baseUrl, 'https://openrouter.ai/api/v1');
    assert.equal(p.model, 'anthropic/claude-3.5-haiku');
    assert.equal(p.chatModel, 'anthropic/claude-3.5-haiku');
    assert.equal(p.envVar, 'OPENROUTER_API_KEY');
    assert.equal(p.headers['X-Title'], 'Kestrel');
    assert.ok(p.headers['HTTP-Referer']);
  });
  it('gives each other provider its documented base URL, model and key variable', () => {
    assert.equal(resolveProvider(settings({ provider: 'aimlapi' })).baseUrl, 'https://api.aimlapi.com/v1');
    assert.equal(resolveProvider(settings({ provider: 'anthropic' })).model, 'claude-3-5-haiku-20241022');
    const ollama = resolveProvider(settings({ provider: 'ollama' }));
    assert.equal(ollama.keyRequired, false);
    assert.equal(ollama.model, '');
    assert.equal(resolveProvider(settings({ provider: 'custom' })).envVar, 'KESTREL_API_KEY');
  });
  it('lets kestrel.baseUrl and the models override any preset', () => {
    const p = resolveProvider(settings({ provider: 'anthropic', baseUrl: 'http://127.0.0.1:9/v1/', model: 'm1', chatModel: 'm2' }));
    assert.equal(p.baseUrl, 'http://127.0.0.1:9/v1');
    assert.equal(p.model, 'm1');
    assert.equal(p.chatModel, 'm2');
  });
  it('binds keys to an origin', () => {
    assert.equal(keyOrigin('https://openrouter.ai/api/v1'), 'https://openrouter.ai');
    assert.equal(keyOrigin('not a url'), '');
    assert.equal(keyOrigin('file:///etc/passwd'), '');
  });
});
