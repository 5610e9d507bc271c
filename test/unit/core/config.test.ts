import * as assert from 'node:assert/strict';
import { languageEnabled, readSettings, DEFAULT_EXCLUDE } from '../../../src/core/config';

describe('settings', () => {
  it('gives the documented defaults when nothing is set', () => {
    const s = readSettings(() => undefined);
    assert.equal(s.provider, 'openrouter');
    assert.equal(s.baseUrl, '');
    assert.equal(s.inline.enabled, true);
    assert.equal(s.inline.multiline, 'auto');
    assert.deepEqual(s.exclude, DEFAULT_EXCLUDE);
    assert.equal(s.http.proxyStrictSSL, true);
  });

  it('never turns a wrong or missing value into the string "undefined" or NaN', () => {
    const values: Record<string, unknown> = {
      'kestrel.provider': 'nonsense',
      'kestrel.baseUrl': 42,
      'kestrel.model': null,
      'kestrel.inline.debounceMs': 'fast',
      'kestrel.inline.maxTokens': 1e9,
      'kestrel.exclude': ['**/*.pem', 7, '  '],
      'kestrel.inline.languages': ['not', 'a', 'map'],
    };
    const s = readSettings((k) => values[k]);
    assert.equal(s.provider, 'openrouter');
    assert.equal(s.baseUrl, '');
    assert.equal(s.model, '');
    assert.equal(s.inline.debounceMs, 150);
    assert.equal(s.inline.maxTokens, 1024);
    assert.deepEqual(s.exclude, ['**/*.pem']);
    assert.equal(typeof s.inline.languages, 'object');
  });

  it('drops trailing slashes from the base URL so paths join cleanly', () => {
    assert.equal(readSettings((k) => (k === 'kestrel.baseUrl' ? ' http://127.0.0.1:8080/v1// ' : undefined)).baseUrl, 'http://127.0.0.1:8080/v1');
  });

  it('maps languages with "*" for the rest', () => {
    const langs = { '*': true, plaintext: false, markdown: false };
    assert.equal(languageEnabled(langs, 'typescript'), true);
    assert.equal(languageEnabled(langs, 'markdown'), false);
    assert.equal(languageEnabled({ '*': false, python: true }, 'python'), true);
    assert.equal(languageEnabled({ '*': false, python: true }, 'go'), false);
    // A user map without "*" keeps the product default for prose languages.
    assert.equal(languageEnabled({ python: true }, 'plaintext'), false);
    assert.equal(languageEnabled({ python: true }, 'rust'), true);
  });
});
