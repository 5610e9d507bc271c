import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONSERVATIVE_IN_WORKSPACE, inlineLanguageEnabled, languageEnabled, readSettings, DEFAULT_EXCLUDE, type ScopedGetter } from '../../../src/core/config';

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

  describe('a workspace can make automatic suggestions only more conservative', () => {
    /** Settings with `user` values and one workspace's `.vscode/settings.json` values. */
    const read = (user: Record<string, unknown>, workspace: Record<string, unknown>, folder: Record<string, unknown> = {}) => {
      const scoped: ScopedGetter = (key) => ({ user: user[key], workspace: [workspace[key], folder[key]].filter((v) => v !== undefined) });
      // The merged value VS Code would report: the workspace's when set. It must not be what counts.
      return readSettings((key) => workspace[key] ?? user[key], scoped).inline;
    };

    it('cannot turn suggestions on that the user turned off, but can turn them off', () => {
      assert.equal(read({ 'kestrel.inline.enabled': false }, { 'kestrel.inline.enabled': true }).enabled, false);
      assert.equal(read({}, { 'kestrel.inline.enabled': false }).enabled, false);
      assert.equal(read({}, {}, { 'kestrel.inline.enabled': false }).enabled, false, 'a folder setting counts too');
      assert.equal(read({ 'kestrel.inline.enabled': true }, { 'kestrel.inline.enabled': true }).enabled, true);
      assert.equal(read({}, {}).enabled, true);
    });

    it('can only lengthen the pause and shorten the answer', () => {
      const cheap = read({ 'kestrel.inline.debounceMs': 150, 'kestrel.inline.maxTokens': 128 }, { 'kestrel.inline.debounceMs': 0, 'kestrel.inline.maxTokens': 1024 });
      assert.equal(cheap.debounceMs, 150);
      assert.equal(cheap.maxTokens, 128);
      const calmer = read({ 'kestrel.inline.debounceMs': 150, 'kestrel.inline.maxTokens': 128 }, { 'kestrel.inline.debounceMs': 400, 'kestrel.inline.maxTokens': 64 });
      assert.equal(calmer.debounceMs, 400);
      assert.equal(calmer.maxTokens, 64);
      // Nonsense from a workspace changes nothing.
      const junk = read({}, { 'kestrel.inline.debounceMs': 'fast', 'kestrel.inline.maxTokens': -5 });
      assert.equal(junk.debounceMs, 150);
      assert.equal(junk.maxTokens, 16, 'a tiny value clamps to the smallest allowed, still cheaper');
    });

    it('can move multi-line suggestions only towards "never"', () => {
      assert.equal(read({ 'kestrel.inline.multiline': 'auto' }, { 'kestrel.inline.multiline': 'always' }).multiline, 'auto');
      assert.equal(read({ 'kestrel.inline.multiline': 'never' }, { 'kestrel.inline.multiline': 'auto' }).multiline, 'never');
      assert.equal(read({ 'kestrel.inline.multiline': 'always' }, { 'kestrel.inline.multiline': 'auto' }).multiline, 'auto');
      assert.equal(read({}, { 'kestrel.inline.multiline': 'never' }).multiline, 'never');
    });

    it('are the settings Restricted Mode ignores in a workspace (package.json restrictedConfigurations)', () => {
      const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8'));
      assert.deepEqual([...manifest.capabilities.untrustedWorkspaces.restrictedConfigurations].sort(), [...CONSERVATIVE_IN_WORKSPACE].sort());
    });

    it('can turn languages off but not on', () => {
      const user = { 'kestrel.inline.languages': { '*': true, plaintext: false, python: false } };
      const inline = read(user, { 'kestrel.inline.languages': { '*': true, plaintext: true, python: true, go: false } });
      assert.equal(inlineLanguageEnabled(inline, 'plaintext'), false);
      assert.equal(inlineLanguageEnabled(inline, 'python'), false);
      assert.equal(inlineLanguageEnabled(inline, 'go'), false);
      assert.equal(inlineLanguageEnabled(inline, 'typescript'), true);
      const allOff = read({}, { 'kestrel.inline.languages': { '*': false } });
      assert.equal(inlineLanguageEnabled(allOff, 'typescript'), false);
      assert.equal(inlineLanguageEnabled(read({}, {}), 'typescript'), true);
    });
  });
});
