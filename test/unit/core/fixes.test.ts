import * as assert from 'node:assert/strict';
import { parseWebviewMessage } from '../../../src/core/chat/protocol';
import { FIXES, fixFor, isFixId } from '../../../src/core/fixes';
import { lastSelectedLine } from '../../../src/core/selection';

describe('the fix offered for a failure', () => {
  it('sends the user to the setting that is wrong, not to the key', () => {
    assert.equal(fixFor('auth'), 'setApiKey');
    assert.equal(fixFor('no-key'), 'setApiKey');
    assert.equal(fixFor('model-not-found'), 'selectModel');
    assert.equal(fixFor('no-model'), 'selectModel');
    assert.equal(fixFor('no-base-url'), 'openBaseUrl');
    assert.equal(fixFor('proxy'), 'openProxySettings');
    assert.deepEqual(FIXES.openBaseUrl.args, ['kestrel.baseUrl']);
    assert.deepEqual(FIXES.openProxySettings.args, ['http.proxy']);
  });

  it('offers the log where nothing more specific helps', () => {
    for (const kind of ['network', 'timeout', 'server', 'overloaded', 'rate-limited', 'malformed', 'unexpected'] as const) assert.equal(fixFor(kind), 'showLog', kind);
  });

  it('the chat page may ask for exactly the fixes there are', () => {
    for (const id of Object.keys(FIXES)) assert.deepEqual(parseWebviewMessage({ type: 'errorAction', action: id }), { type: 'errorAction', action: id });
    for (const bogus of ['runCommand', 'toString', '__proto__', 'constructor', '', 42]) {
      assert.equal(isFixId(bogus), false, String(bogus));
      assert.equal(parseWebviewMessage({ type: 'errorAction', action: bogus }), undefined, String(bogus));
    }
  });
});

describe('the lines a selection means', () => {
  it('leaves out a line the selection only touches at its start', () => {
    assert.equal(lastSelectedLine({ line: 2, character: 0 }, { line: 5, character: 0 }), 4);
    assert.equal(lastSelectedLine({ line: 2, character: 4 }, { line: 5, character: 1 }), 5);
    // A selection within one line, even an empty one at column 0, keeps its line.
    assert.equal(lastSelectedLine({ line: 3, character: 0 }, { line: 3, character: 0 }), 3);
  });
});
