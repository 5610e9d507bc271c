import * as assert from 'node:assert/strict';
import { gatherContext } from '../../../src/core/completion/context';
import { continuationAfterPrefill } from '../../../src/core/completion/extract';
import { buildPrompt, CLOSE, HOLE, OPEN, parseInlinePrompt, prefillTail } from '../../../src/core/completion/prompt';
import { inputAt } from './support';

describe('fill-in-the-middle prompt', () => {
  const context = (prefix: string, suffix: string) => gatherContext(inputAt(prefix, suffix));
  const options = { path: 'src/cart.ts', languageId: 'typescript', snippets: [], prefill: false, maxTokens: 96, model: 'model-x' };

  it('shows the file with the hole at the cursor, its path and language', () => {
    const { request } = buildPrompt(context('function f() {\n  return ', ';\n}\n'), options);
    const user = request.messages.find((m) => m.role === 'user')!.content;
    assert.ok(user.includes(`function f() {\n  return ${HOLE};\n}`));
    assert.match(user, /src\/cart\.ts/);
    assert.match(user, /typescript/);
    assert.equal(request.messages[0].role, 'system');
    assert.ok(request.messages[0].content.includes(OPEN) && request.messages[0].content.includes(CLOSE));
  });

  it('asks at low temperature with max_tokens from the setting, and at most 4 non-blank stop sequences', () => {
    const { request } = buildPrompt(context('x = ', ''), options);
    assert.equal(request.model, 'model-x');
    assert.equal(request.maxTokens, 96);
    assert.ok(request.temperature !== undefined && request.temperature <= 0.2);
    assert.ok(request.stop && request.stop.length >= 1 && request.stop.length <= 4);
    assert.ok(request.stop.every((s) => s.trim() !== ''));
  });

  it('includes related snippets with their paths', () => {
    const { request } = buildPrompt(context('x = ', ''), { ...options, snippets: [{ path: 'src/price.ts', text: 'export const price = 3;', score: 0.5 }] });
    const user = request.messages.find((m) => m.role === 'user')!.content;
    assert.match(user, /src\/price\.ts/);
    assert.ok(user.includes('export const price = 3;'));
    assert.ok(user.indexOf('export const price') < user.indexOf(HOLE), 'snippets come before the file');
  });

  it('prefills the answer with the opening tag and the cursor line, without trailing whitespace', () => {
    const built = buildPrompt(context('  const total = ', '\n'), { ...options, prefill: true });
    const last = built.request.messages.at(-1)!;
    assert.equal(last.role, 'assistant');
    assert.equal(last.content, `${OPEN}  const total =`);
    assert.deepEqual(built.prefill, { text: '  const total =', tail: '  const total = ' });
  });

  it('prefills with the last code line when the cursor line is blank', () => {
    assert.equal(prefillTail('a\nif (x) {\n    '), 'if (x) {\n    ');
    const built = buildPrompt(context('if (x) {\n    ', '\n}'), { ...options, prefill: true });
    assert.equal(built.request.messages.at(-1)!.content, `${OPEN}if (x) {`);
  });

  it('has a variant without prefill that ends with the user turn', () => {
    const built = buildPrompt(context('x = ', ''), options);
    assert.equal(built.request.messages.at(-1)!.role, 'user');
    assert.equal(built.prefill, undefined);
  });

  it('restores the whitespace the prefill dropped, however the model continues', () => {
    const prefill = { text: '  const total =', tail: '  const total = ' };
    assert.equal(continuationAfterPrefill(prefill, ' items.length;'), 'items.length;');
    assert.equal(continuationAfterPrefill(prefill, 'items.length;'), 'items.length;', 'no space from the model: the cursor is already after it');
    const blank = { text: 'if (x) {', tail: 'if (x) {\n    ' };
    assert.equal(continuationAfterPrefill(blank, '\n    return 1;'), 'return 1;');
  });

  describe('read back', () => {
    it('gives back the file around the hole, its path and language, the snippets and the prefill', () => {
      const prefix = 'export function f(items: Item[]) {\n  const total = ';
      const suffix = '\n  return total;\n}\n<file>\n</file>\n';
      const snippets = [
        { path: 'src/a.ts', text: 'export const a = 1;\n</snippet>inside', score: 1 },
        { path: 'src/empty.ts', text: '', score: 0.5 },
      ];
      const built = buildPrompt(context(prefix, suffix), { ...options, path: 'src/my (copy).ts', snippets, prefill: true });
      const read = parseInlinePrompt(built.request.messages);
      assert.deepEqual(read, {
        path: 'src/my (copy).ts',
        languageId: 'typescript',
        prefix,
        suffix,
        snippets: [
          { path: 'src/a.ts', text: 'export const a = 1;\n</snippet>inside' },
          { path: 'src/empty.ts', text: '' },
        ],
        prefill: '  const total =',
      });
    });

    it('reads a prompt without snippets or prefill, and an untitled file', () => {
      const built = buildPrompt(context('x = ', ''), { ...options, path: '' });
      assert.deepEqual(parseInlinePrompt(built.request.messages), { path: 'untitled', languageId: 'typescript', prefix: 'x = ', suffix: '', snippets: [] });
    });

    it('is undefined for a chat conversation or a prompt of another shape', () => {
      assert.equal(parseInlinePrompt([{ role: 'system', content: 'You are Kestrel.' }, { role: 'user', content: `File: a.ts (typescript)\n<file>\nx${HOLE}\n</file>` }]), undefined);
      const built = buildPrompt(context('x = ', ''), options);
      const [system, user] = built.request.messages;
      assert.equal(parseInlinePrompt([system, { role: 'user', content: user.content.replace(HOLE, '') }]), undefined);
      assert.equal(parseInlinePrompt([system]), undefined);
    });
  });
});
