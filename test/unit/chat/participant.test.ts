// `@kestrel`'s messages: the panel's system prompt and budget, a command asking what its palette
// action asks about the target, the user's note after it, and what a command needs.
import * as assert from 'node:assert/strict';
import { SYSTEM_PROMPT } from '../../../src/core/chat/history';
import { errorMessage, fitAttached, isCommand, missingFor, participantMessages, type ParticipantQuestion } from '../../../src/core/chat/participant';

const target = { path: 'src/cart.ts', languageId: 'typescript', code: 'export const a = 1;', startLine: 3, endLine: 3 };
const question = (over: Partial<ParticipantQuestion> = {}): ParticipantQuestion => ({ prompt: 'why?', attached: [], history: [], ...over });

describe('@kestrel: the messages for a question', () => {
  it('a plain question: the system prompt given, the history, then the question with its code', () => {
    const messages = participantMessages(question({ target, history: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }] }), SYSTEM_PROMPT, 10_000).messages;
    assert.deepEqual(messages.map((m) => m.role), ['system', 'user', 'assistant', 'user']);
    assert.equal(messages[0].content, SYSTEM_PROMPT);
    assert.equal(messages[3].content, 'why?\n\nsrc/cart.ts:3-3 (typescript)\n```typescript\nexport const a = 1;\n```');
  });

  it('each command asks what its action asks, with the user\'s words as a note', () => {
    const asks = { explain: /^Explain what this code does/, fix: /^Fix the bugs in this code/, tests: /^Write unit tests for this code/ };
    for (const [command, pattern] of Object.entries(asks)) {
      const last = participantMessages(question({ command, target, prompt: 'keep it short' }), 'S', 10_000).messages.at(-1)!.content;
      assert.match(last, pattern, command);
      assert.match(last, /export const a = 1;/);
      assert.match(last, /The user adds: keep it short$/);
    }
    const noNote = participantMessages(question({ command: 'explain', target, prompt: '  ' }), 'S', 10_000).messages.at(-1)!.content;
    assert.ok(!noNote.includes('The user adds'), 'no empty note');
  });

  it('/fix carries the diagnostics of the code', () => {
    const last = participantMessages(question({ command: 'fix', target, diagnostics: [{ severity: 'error', message: 'Cannot find name b', startLine: 3, endLine: 3 }] }), 'S', 10_000).messages.at(-1)!.content;
    assert.match(last, /- error at line 3: Cannot find name b/);
  });

  it('older turns are dropped to fit the budget; the question always stays', () => {
    const history = Array.from({ length: 10 }, (_, i) => ({ role: (i % 2 ? 'assistant' : 'user') as 'user' | 'assistant', content: `turn ${i} `.repeat(20) }));
    const messages = participantMessages(question({ history }), 'S', 700).messages;
    assert.ok(messages.length < 12 && messages.length > 2, `${messages.length} messages`);
    assert.equal(messages.at(-1)!.content, 'why?');
    assert.equal(messages[1].role, 'user', 'the kept conversation starts with a question');
  });

  it('referenced files fit the budget with the question: the ones past it are cut or left out, each named', () => {
    const file = (name: string) => `${name}:1-2000 (typescript)\n\`\`\`typescript\n${'x'.repeat(50_000)}\n\`\`\``;
    const asked = question({ target, attached: [file('a.ts'), file('b.ts'), file('c.ts'), file('d.ts')] });
    const messages = participantMessages(asked, 'S', 120_000).messages;
    const total = messages.reduce((n, m) => n + m.content.length, 0);
    assert.ok(total <= 120_000, `${total} characters sent`);
    assert.match(messages.at(-1)!.content, /a\.ts:1-2000/);
    const { notes } = fitAttached(asked, 'S', 120_000);
    assert.equal(notes.length, 2, notes.join('; '));
    assert.match(notes[0], /^c\.ts:1-2000 \(typescript\) · cut to .* to fit the prompt budget$/);
    assert.match(notes[1], /^d\.ts:1-2000 \(typescript\) · left out: the prompt budget was used up$/);
    assert.match(messages.at(-1)!.content, /\n```$/, 'a cut one still closes its fence');
    assert.deepEqual(fitAttached(question({ attached: [file('a.ts')] }), 'S', 120_000).notes, []);
  });

  it('what a question needs: a command needs code, a plain question needs words or a file', () => {
    assert.match(missingFor(question({ command: 'explain' })) ?? '', /Select the code for \/explain/);
    assert.equal(missingFor(question({ command: 'explain', target })), undefined);
    assert.match(missingFor(question({ prompt: ' ' })) ?? '', /Ask a question/);
    assert.equal(missingFor(question({ prompt: ' ', attached: ['x'] })), undefined);
    assert.equal(missingFor(question({ command: 'unknown' })), undefined, 'an unknown command is a plain question');
  });

  it('a provider\'s error is literal text: VS Code draws the result\'s error message as markdown', () => {
    const text = errorMessage(new Error('model "x" not found: see [docs](http://e.example) ![i](http://e.example/p.png) <img src=x>'));
    assert.ok(!text.includes('[docs](http'), text);
    assert.ok(!text.includes('![i]('), text);
    assert.ok(!/(^|[^\\])</.test(text), `an unescaped < in ${text}`);
    assert.match(text, /not found/);
    assert.match(errorMessage('plain'), /plain/);
  });

  it('only the three commands are commands, whatever the object has', () => {
    assert.ok(isCommand('tests'));
    assert.ok(!isCommand('generateTests'));
    assert.ok(!isCommand('__proto__'));
    assert.ok(!isCommand('toString'));
    assert.ok(!isCommand(undefined));
  });
});
