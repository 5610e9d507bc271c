import * as assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { boundSessions, LIMITS, messagesWithinBudget, type Session, type Turn } from '../../../src/core/chat/history';
import { parseWebviewMessage } from '../../../src/core/chat/protocol';
import { stablePrefixLength } from '../../../src/core/chat/blocks';
import { createMarkdown, StreamingMarkdown } from '../../../src/webview/render';

describe('chat protocol validation', () => {
  it('accepts the messages the page may send, with exactly their fields', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'send', text: 'hi', extra: 'dropped' }), { type: 'send', text: 'hi' });
    assert.deepEqual(parseWebviewMessage({ type: 'openLink', href: 'https://example.com/a' }), { type: 'openLink', href: 'https://example.com/a' });
    assert.deepEqual(parseWebviewMessage({ type: 'errorAction', action: 'setApiKey' }), { type: 'errorAction', action: 'setApiKey' });
    assert.deepEqual(parseWebviewMessage({ type: 'newFile', code: 'x', language: 'typescript' }), { type: 'newFile', code: 'x', language: 'typescript' });
  });
  it('drops hostile or malformed messages', () => {
    for (const bad of [
      null,
      'send',
      [],
      { type: 'eval', code: 'x' },
      { type: 'send', text: '' },
      { type: 'send', text: 42 },
      { type: 'openLink', href: 'javascript:alert(1)' },
      { type: 'openLink', href: 'file:///etc/passwd' },
      { type: 'openLink', href: 'command:workbench.action.terminal.new' },
      { type: 'errorAction', action: 'workbench.action.terminal.sendSequence' },
      { type: 'openSession', id: '../../x' },
      { type: 'newFile', code: 'x', language: '<script>' },
      { type: 'copy', code: 'x'.repeat(2_000_000) },
    ]) {
      assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad)?.slice(0, 80));
    }
  });
});

describe('chat history', () => {
  const turn = (role: 'user' | 'assistant', content: string, extra: Partial<Turn> = {}): Turn => ({ id: Math.random().toString(36).slice(2), role, content, ...extra });

  it('trims the oldest turns first, keeping the system prompt and the newest question with its code', () => {
    const turns = [turn('user', 'q1 ' + 'a'.repeat(500)), turn('assistant', 'a1 ' + 'b'.repeat(500)), turn('user', 'q2'), turn('assistant', 'a2'), turn('user', 'q3', { context: 'CODE '.repeat(100) })];
    const messages = messagesWithinBudget(turns, 1200, 'SYSTEM');
    assert.equal(messages[0].content, 'SYSTEM');
    assert.deepEqual(messages.slice(1).map((m) => m.content.slice(0, 2)), ['q2', 'a2', 'q3']);
    assert.match(messages.at(-1)!.content, /CODE/);
  });
  it('keeps the newest question even when it alone is over budget, and leaves failed answers out', () => {
    const turns = [turn('user', 'old'), turn('assistant', '', { error: { message: 'boom' } }), turn('user', 'x'.repeat(5000))];
    const messages = messagesWithinBudget(turns, 100, 'S');
    assert.equal(messages.length, 2);
    assert.equal(messages[1].content.length, 5000);
  });
  it('bounds what is stored: the newest sessions, each within its size', () => {
    const sessions: Session[] = Array.from({ length: LIMITS.sessions + 5 }, (_, i) => ({ id: `s${i}`, title: 't', createdAt: i, updatedAt: i, usage: { promptTokens: 0, completionTokens: 0 }, turns: [turn('user', 'x'.repeat(150_000)), turn('assistant', 'y'.repeat(150_000)), turn('user', 'z')] }));
    const kept = boundSessions(sessions);
    assert.equal(kept.length, LIMITS.sessions);
    assert.equal(kept[0].id, `s${LIMITS.sessions + 4}`);
    assert.ok(kept.every((s) => s.turns.reduce((n, t) => n + t.content.length, 0) <= LIMITS.sessionChars));
  });
});

const DOCUMENTS: Record<string, string> = {
  mixed: '# Title\n\nSome *text* with `code` and a [link](https://example.com).\n\n- one\n- two\n  - nested\n\n1. first\n\n2. second (loose)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```ts\nconst x: number = 1;\n\nfunction f() {\n  return x;\n}\n```\n\n> quote\n> more\n\nDone.\n',
  unclosedFence: 'Intro\n\n```python\ndef f():\n    return 1\n',
  setext: 'Heading\n=======\n\nParagraph\nlazy continuation\n\n    indented code\n\nEnd',
};

function oneShot(md: string): string {
  const dom = new JSDOM('<div id="c"></div>');
  const markdown = createMarkdown(dom.window as unknown as Window);
  const c = dom.window.document.getElementById('c')!;
  c.innerHTML = markdown.html(md);
  return c.innerHTML;
}

function streamed(md: string, chunk: number): { html: string; midway: string[] } {
  const dom = new JSDOM('<div id="c"></div>');
  const markdown = createMarkdown(dom.window as unknown as Window);
  const view = new StreamingMarkdown(dom.window.document.getElementById('c') as unknown as HTMLElement, markdown);
  const midway: string[] = [];
  for (let i = 0; i < md.length; i += chunk) {
    view.append(md.slice(i, i + chunk));
    view.flush();
    midway.push(view.frozen.innerHTML + view.tail.innerHTML);
  }
  view.finish();
  return { html: view.frozen.innerHTML, midway };
}

describe('incremental markdown rendering', () => {
  for (const [name, md] of Object.entries(DOCUMENTS)) {
    for (const chunk of [1, 3, 17]) {
      it(`${name}, fed ${chunk} character(s) at a time, ends equal to a one-shot render`, () => {
        assert.equal(streamed(md, chunk).html, oneShot(md));
      });
    }
  }
  it('renders headings, lists, tables and highlighted code', () => {
    const html = oneShot(DOCUMENTS.mixed);
    for (const tag of ['<h1>', '<ul>', '<ol>', '<table>', '<blockquote>', 'class="hljs-keyword"', '<a href="https://example.com">']) assert.ok(html.includes(tag), tag);
  });
  it('only re-renders the open tail: completed blocks are frozen as they complete', () => {
    const { midway } = streamed(DOCUMENTS.mixed, 5);
    assert.ok(midway.some((h) => h.includes('<h1>Title</h1>')));
    assert.ok(stablePrefixLength('# Title\n\nPara\n\nMore') > 0);
    assert.equal(stablePrefixLength('```\ncode\n\nmore code\n'), 0, 'never inside an open fence');
    assert.equal(stablePrefixLength('- a\n\n- b\n'), 0, 'never between items of a loose list');
  });

  const HOSTILE = [
    '<script>window.pwned = 1</script>',
    '<img src=x onerror="window.pwned = 1">',
    '[click](javascript:window.pwned=1)',
    '<a href="javascript:alert(1)">x</a>',
    '<div onclick="window.pwned=1" style="position:fixed;inset:0">cover</div>',
    '<style>body{display:none}</style>',
    '<iframe src="https://evil.example"></iframe>',
    '[x](vbscript:msgbox)',
    '![img](https://evil.example/track.png)',
  ];
  for (const attack of HOSTILE) {
    it(`renders model output inertly: ${attack.slice(0, 40)}`, () => {
      for (const html of [oneShot(attack), streamed(attack, 2).html]) {
        const dom = new JSDOM(`<div>${html}</div>`);
        const d = dom.window.document;
        assert.equal(d.querySelectorAll('script, iframe, style, img, object, embed').length, 0, html);
        for (const el of Array.from(d.querySelectorAll('*'))) {
          for (const attr of Array.from(el.attributes)) {
            assert.ok(!/^on/i.test(attr.name) && attr.name !== 'style', `${attr.name} on ${el.tagName}`);
            assert.ok(!/^\s*(javascript|vbscript|data):/i.test(attr.value), `${attr.name}=${attr.value}`);
          }
        }
      }
    });
  }
});
