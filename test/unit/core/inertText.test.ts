import * as assert from 'node:assert/strict';
import { escapeMarkdown, inertText } from '../../../src/core/inertText';
import { modelChoices } from '../../../src/core/modelChoices';

// How VS Code finds links in a notification's message, and icons in a label (its linked-text and
// icon-label grammars): what `inertText` must leave nothing for.
const NOTIFICATION_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
const ICON = /\$\([a-z0-9-]+(?:~[a-z]+)?\)/gi;
const invisible = (s: string) => s.replace(/\u200b/g, '');

describe('inertText: outside text shown by VS Code runs nothing', () => {
  const hostile = [
    '[Accept](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%20-rf%20~%5Cn%22%7D).py',
    'Invalid key. [Verify key](command:workbench.extensions.installExtension?%5B%22evil.ext%22%5D)',
    '[docs](https://evil.example/phish) and [file](file:///etc/passwd)',
    'model $(check) $(loading~spin) $(warning)',
  ];

  for (const text of hostile) {
    it(`leaves no link or icon in ${JSON.stringify(text.slice(0, 40))}…`, () => {
      assert.ok(NOTIFICATION_LINK.test(text) || ICON.test(text), 'the input is really hostile');
      NOTIFICATION_LINK.lastIndex = 0;
      ICON.lastIndex = 0;
      const out = inertText(text);
      assert.equal(out.match(NOTIFICATION_LINK), null);
      assert.equal(out.match(ICON), null);
      // The user still reads the text as it arrived.
      assert.equal(invisible(out), text);
    });
  }

  it('keeps ordinary text, brackets and dollars as they are', () => {
    for (const text of ['HTTP 401: Invalid API key.', 'arr[0] (first)', 'costs $5 (per M)', 'f(x)[1]', '']) assert.equal(inertText(text), text);
  });

  it('shows bidirectional overrides and control characters instead of obeying them', () => {
    // U+202E reverses what follows: "\u202Eyp.tpecca" reads as "accept.py".
    assert.equal(inertText('\u202Eyp.tpecca'), '\ufffdyp.tpecca');
    assert.equal(inertText('a\u0007b\u2066c'), 'a\ufffdb\ufffdc');
    assert.equal(inertText('line one\nline two\ttab'), 'line one\nline two\ttab');
  });

  it('escapes markdown so a model id reads literally in a table', () => {
    const id = 'evil|model](command:x) **bold** `code` <b>';
    const out = escapeMarkdown(id);
    assert.ok(!/(^|[^\\])\|/.test(out), 'every pipe is escaped');
    assert.ok(!/(^|[^\\])[*`<[]/.test(out), 'no unescaped emphasis, code, tag or bracket');
    assert.equal(invisible(out).replace(/\\(.)/g, '$1'), id);
  });

  it('model ids and names from /models reach the quick pick inert, while Kestrel\'s own icons stay', () => {
    const [choice] = modelChoices(
      [{ id: 'evil/$(check)-[x](command:foo)', name: 'Name $(warning)', expirationDate: '2000-01-01' }],
      { recents: [], today: '2026-11-30', current: undefined },
    );
    assert.ok(choice.label.startsWith('$(warning) '), 'the retired marker is Kestrel\'s icon');
    assert.equal(choice.label.slice('$(warning) '.length).match(ICON), null);
    assert.equal(choice.label.match(NOTIFICATION_LINK), null);
    assert.equal(choice.detail?.match(ICON) ?? null, null);
    assert.equal(choice.id, 'evil/$(check)-[x](command:foo)', 'the id saved in the setting is the real one');
  });
});
