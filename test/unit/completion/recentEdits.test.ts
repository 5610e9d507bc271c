import * as assert from 'node:assert/strict';
import { DEFAULT_LANGUAGES, languageEnabled } from '../../../src/core/config';
import { RecentEdits, type EditPolicy } from '../../../src/core/completion/recentEdits';

describe('recent edits: what may be kept and sent', () => {
  /** The policy the editor gives the ring: a languages map and a set of excluded files, both changeable. */
  const policyOver = (state: { languages: Record<string, boolean>; excluded: Set<string> }): EditPolicy => ({
    language: (languageId) => languageEnabled(state.languages, languageId),
    file: (uri) => !state.excluded.has(uri),
  });

  it('never keeps an edit in a language with automatic suggestions off (plain text and markdown by default)', () => {
    const state = { languages: { ...DEFAULT_LANGUAGES }, excluded: new Set<string>() };
    const edits = new RecentEdits(16, policyOver(state));
    assert.equal(edits.record({ uri: 'file:///w/notes.txt', path: 'notes.txt', text: 'db password: hunter2-hunter2', line: 3, languageId: 'plaintext' }), false);
    assert.equal(edits.record({ uri: 'file:///w/TODO.md', path: 'TODO.md', text: 'token: ghp_0123456789', line: 1, languageId: 'markdown' }), false);
    assert.equal(edits.record({ uri: 'file:///w/cart.ts', path: 'cart.ts', text: 'export const total = 0;', line: 1, languageId: 'typescript' }), true);
    assert.deepEqual(edits.sources().map((s) => s.path), ['cart.ts']);
  });

  it('follows the user\'s map: a language turned on is kept, one turned off afterwards is dropped at the next read', () => {
    const state = { languages: { '*': true, plaintext: true } as Record<string, boolean>, excluded: new Set<string>() };
    const edits = new RecentEdits(16, policyOver(state));
    assert.equal(edits.record({ uri: 'file:///w/notes.txt', path: 'notes.txt', text: 'plain notes the user wants used', line: 0, languageId: 'plaintext' }), true);
    edits.record({ uri: 'file:///w/cart.py', path: 'cart.py', text: 'def total(): pass', line: 0, languageId: 'python' });
    assert.deepEqual(edits.sources().map((s) => s.path), ['cart.py', 'notes.txt']);
    state.languages = { '*': true, plaintext: false };
    assert.deepEqual(edits.sources().map((s) => s.path), ['cart.py']);
    state.languages = { '*': true, plaintext: true };
    assert.deepEqual(edits.sources().map((s) => s.path), ['cart.py'], 'a dropped edit does not come back');
  });

  it('drops, when read, the edits of a file excluded after they were made', () => {
    const state = { languages: { ...DEFAULT_LANGUAGES }, excluded: new Set<string>() };
    const edits = new RecentEdits(16, policyOver(state));
    edits.record({ uri: 'file:///w/src/config.ts', path: 'src/config.ts', text: "export const apiKey = 'sk-live-123';", line: 4, languageId: 'typescript' });
    edits.record({ uri: 'file:///w/src/cart.ts', path: 'src/cart.ts', text: 'export const total = 0;', line: 1, languageId: 'typescript' });
    assert.equal(edits.sources().length, 2);
    state.excluded.add('file:///w/src/config.ts');
    assert.deepEqual(edits.sources().map((s) => s.path), ['src/cart.ts']);
    assert.equal(edits.size, 1, 'the excluded file\'s edit is gone from the ring');
    assert.equal(edits.record({ uri: 'file:///w/src/config.ts', path: 'src/config.ts', text: 'more', line: 40, languageId: 'typescript' }), false, 'and its next edits are not kept');
  });

  it('takes a policy given after it was built (the editor sets it once its services exist)', () => {
    const edits = new RecentEdits();
    edits.record({ uri: 'file:///w/a.txt', path: 'a.txt', text: 'before the policy', line: 0, languageId: 'plaintext' });
    edits.setPolicy(policyOver({ languages: { ...DEFAULT_LANGUAGES }, excluded: new Set() }));
    assert.deepEqual(edits.sources(), []);
  });
});
