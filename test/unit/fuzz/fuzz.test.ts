// The fuzz suite: random and hostile input at every entry point that reads text from outside (a
// model's answer, a provider's stream, error body or model list, a message from the chat page).
// Whatever arrives, no exception escapes, what comes out stays bounded, and the work done is linear
// in what came in: each entry point is fed up to 1 MB of the shapes that make a regular expression
// or a line loop quadratic, and on 8 times the input may take at most 20 times as long (linear work
// takes 8 times, quadratic 64). Seeded: KESTREL_FUZZ_SEED=<n> runs another seed (docs/security.md).
import * as assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { parseWebviewMessage, safeLink } from '../../../src/core/chat/protocol';
import { stablePrefixLength } from '../../../src/core/chat/blocks';
import { extractCode } from '../../../src/core/actions/code';
import { classifyNetworkError, classifyStatus, isPrefillRejection, KestrelError, providerMessageOf, redact, streamError, type ErrorKind } from '../../../src/core/client/errors';
import { parseModels } from '../../../src/core/client/models';
import { normaliseModelId } from '../../../src/core/client/prices';
import { interpretChunk, SseDecoder, type StreamEvent } from '../../../src/core/client/sse';
import { InlineEngine } from '../../../src/core/completion/pipeline';
import { AnswerReader, MAX_ANSWER_CHARS, postprocess, type PostprocessContext } from '../../../src/core/completion/postprocess';
import { MAX_LINES } from '../../../src/core/completion/scope';
import { createMarkdown, StreamingMarkdown, type Markdown } from '../../../src/webview/render';
import { inputAt, scriptedClient } from '../completion/support';
import { assertLinear, assertLinearAsync, assertNoWorseThan, cases, HOSTILE, KB, MB, Random, SEED } from './support';

const encoder = new TextEncoder();
const nonBlank = (text: string) => text.replace(/\s/g, '').length;

describe(`fuzz (KESTREL_FUZZ_SEED=${SEED})`, function () {
  // Linearity is measured, not raced: the limit only stops a quadratic regression from hanging the run.
  this.timeout(120_000);

  describe('server-sent events: SseDecoder and interpretChunk', () => {
    const decode = (bytes: Uint8Array, cuts: number[]) => {
      const events: StreamEvent[] = [];
      const decoder = new SseDecoder((e) => events.push(e));
      let at = 0;
      for (const cut of cuts) {
        decoder.feed(bytes.subarray(at, cut));
        at = cut;
      }
      decoder.end();
      return events;
    };
    const whole = (bytes: Uint8Array) => decode(bytes, [bytes.length]);

    /** A stream a provider might send: chunks, keep-alives, errors, junk, in any line ending. */
    const randomStream = (random: Random) => {
      const eol = random.pick(['\n', '\r\n', '\r']);
      let out = '';
      for (let n = random.int(12); n >= 0; n--) {
        const kind = random.int(10);
        if (kind < 5) {
          out += `data: ${JSON.stringify({ model: 'm', choices: [{ delta: { content: random.unicode(random.int(40)) }, finish_reason: random.chance(0.1) ? 'stop' : null }] })}${eol}${eol}`;
        } else if (kind === 5) out += `: keep-alive${eol}${eol}`;
        else if (kind === 6) out += `event: error${eol}data: ${random.unicode(random.int(30))}${eol}${eol}`;
        else if (kind === 7) out += `data: ${random.unicode(random.int(60))}${eol}${eol}`;
        else if (kind === 8) out += random.unicode(random.int(80));
        else out += `data: ${JSON.stringify({ usage: { prompt_tokens: random.int(1000), completion_tokens: random.pick([random.int(100), '7', null, 'x']) } })}${eol}${eol}`;
      }
      if (random.chance(0.5)) out += `data: [DONE]${eol}${eol}`;
      return out;
    };

    it(
      'any stream, cut anywhere (inside a line ending or a character), reads the same as in one piece',
      cases('sse boundaries', 300, (random) => {
        const bytes = random.chance(0.1) ? random.bytes(random.int(400)) : encoder.encode(randomStream(random));
        const expected = whole(bytes);
        const got = decode(bytes, random.cuts(bytes.length, 16));
        assert.deepEqual(got, expected);
        for (const event of got) assert.ok(['delta', 'finish', 'usage', 'model', 'error', 'malformed', 'done'].includes(event.type));
        for (const event of got) if (event.type === 'malformed') assert.ok(event.data.length <= 200, 'unreadable data is kept short');
      }),
    );

    it(
      'every delta of well-formed chunks arrives, in order, whatever the line ending',
      cases('sse deltas', 200, (random) => {
        const eol = random.pick(['\n', '\r\n', '\r']);
        const texts = Array.from({ length: 1 + random.int(10) }, () => random.unicode(1 + random.int(30)));
        const stream = texts.map((t) => `data: ${JSON.stringify({ choices: [{ delta: { content: t } }] })}${eol}${eol}`).join('');
        const bytes = encoder.encode(stream);
        const got = decode(bytes, random.cuts(bytes.length, 7)).flatMap((e) => (e.type === 'delta' ? [e.text] : []));
        // JSON escapes what UTF-8 cannot carry (a lone surrogate half): every text arrives as sent.
        assert.deepEqual(got, texts);
      }),
    );

    const chunked = (text: string) => {
      const bytes = encoder.encode(text);
      // Fixed mixed boundaries: single bytes, odd sizes, whole kilobytes.
      const cuts: number[] = [];
      const sizes = [1, 4096, 7, 1500, 2, 65536, 13];
      for (let at = 0, i = 0; at < bytes.length; i++) cuts.push((at = Math.min(bytes.length, at + sizes[i % sizes.length])));
      return { bytes, cuts };
    };
    it('reads a JSON bomb without throwing', () => {
      // 512 KB of nested arrays: JSON.parse reads them; the chunk they make holds no event.
      const bomb = chunked(`data: ${HOSTILE['a JSON bomb'](MB)}\n\n`);
      assert.deepEqual(decode(bomb.bytes, bomb.cuts), []);
    });

    it(
      'interpretChunk takes any JSON without throwing',
      cases('interpretChunk', 500, (random) => {
        for (const event of interpretChunk(randomJson(random, 4))) {
          assert.ok(['delta', 'finish', 'usage', 'model', 'error', 'malformed'].includes(event.type), event.type);
          if (event.type === 'delta') assert.equal(typeof event.text, 'string');
        }
      }),
    );

    it('reads 1 MB of hostile streams in linear time, as the stream and as one data line', () => {
      // What a connection delivers: pieces of up to 64 KB.
      const pieces = (text: string) => {
        const bytes = encoder.encode(text);
        return { bytes, cuts: Array.from({ length: Math.ceil(bytes.length / (64 * KB)) }, (_, i) => Math.min(bytes.length, (i + 1) * 64 * KB)) };
      };
      const ordinary = pieces(`data: ${JSON.stringify({ choices: [{ delta: { content: 'const value = compute(input);\n' } }] })}\n\n`.repeat(MB / 80));
      for (const name of ['one letter', 'blank lines', 'lines of whitespace', 'diff lines', 'CR then LFs', 'CRLFs', 'an HTML page', 'random bytes'] as const) {
        const make = HOSTILE[name];
        assertLinear(`SseDecoder, ${name}`, (n) => chunked(make(n)), ({ bytes, cuts }) => decode(bytes, cuts));
        assertNoWorseThan(`SseDecoder, 1 MB of ${name} in 64 KB pieces`, ordinary, pieces(make(MB)), ({ bytes, cuts }) => decode(bytes, cuts));
      }
      // One data line of it: a chunk the parser holds until its end, then JSON.parse reads.
      for (const name of ['one letter', 'a JSON bomb of objects', 'random unicode'] as const) {
        assertLinear(`SseDecoder, data: ${name}`, (n) => chunked(`data: ${HOSTILE[name](n)}\n\n`), ({ bytes, cuts }) => decode(bytes, cuts));
      }
    });
  });

  describe('ghost-text post-processing: postprocess and AnswerReader', () => {
    const LANGUAGES = ['typescript', 'python', 'html', 'yaml', 'markdown', 'rust', 'go', 'csharp', 'plaintext', 'typescriptreact', undefined];
    const PREFIXES = ['', '    ', '\t', 'const x = ', 'foo(', 'return ', '// note ', 'const s = "ab', '  - ', '<p>Hello ', 'def f(', 'if (a &&'];
    const SUFFIXES = ['', ')', ');', '"]', ' + 1;', '}', '  ', '</p>'];
    const PIECES = ['<fill>', '</fill>', '<completion>', '<hole/>', '```ts\n', '```\n', '~~~\n', 'Here is the completion:\n', 'Sure! ', 'This completes the code above.\n', 'return x;', '  if (a) {\n', '}\n', '\n', '\n\n', '\t', '    ', '12: ', '+ ', '@@ -1 +1 @@\n', '&lt;', '`', '"', "'", '/*', '*/', '//', '#', '(', ')', '[', ']', '{', '}', 'def f():\n', 'const value = 1;\n', '- item here\n', 'Answer:', '\u200b', '\r\n', 'aaaaaaaaaaaa'];

    const randomContext = (random: Random): PostprocessContext => {
      const linePrefix = random.chance(0.1) ? random.unicode(random.int(20)) : random.pick(PREFIXES);
      const lineSuffix = random.chance(0.1) ? random.unicode(random.int(10)) : random.pick(SUFFIXES);
      const above = Array.from({ length: random.int(6) }, () => random.pick(['function f() {', '  const a = 1;', 'def g():', '    pass', '<ul>', '', '# heading', 'key: value', '/* open']));
      const prefill = linePrefix.trim() !== '' && random.chance(0.2) ? { text: linePrefix.trimEnd(), tail: linePrefix } : undefined;
      return {
        linePrefix,
        lineSuffix,
        prefix: [...above, linePrefix].join('\n'),
        suffix: `${lineSuffix}\n${random.pick(['}', '', '  return y;', 'end'])}\n`,
        indentUnit: random.pick(['  ', '    ', '\t', '']),
        eol: random.pick(['\n', '\r\n'] as const),
        multiline: random.chance(0.5),
        languageId: random.pick(LANGUAGES),
        prefill,
        truncated: random.chance(0.1),
      };
    };
    const randomAnswer = (random: Random) => {
      let out = '';
      for (let n = random.int(30); n >= 0; n--) out += random.chance(0.15) ? random.unicode(random.int(12)) : random.pick(PIECES);
      return out;
    };
    const checkSuggestion = (raw: string, ctx: PostprocessContext, out: ReturnType<typeof postprocess>) => {
      if (out === undefined) return;
      assert.equal(typeof out.text, 'string');
      assert.ok(out.text.trim() !== '', 'a blank suggestion is never offered');
      assert.ok(Number.isInteger(out.replaceLength) && out.replaceLength >= 0 && out.replaceLength <= ctx.lineSuffix.length, `replaces ${out.replaceLength} of ${JSON.stringify(ctx.lineSuffix)}`);
      // Whitespace may be re-indented; nothing else is ever added to what the model wrote.
      assert.ok(nonBlank(out.text) <= nonBlank(raw), `${JSON.stringify(out.text)} from ${JSON.stringify(raw)}`);
      const lines = out.text.split(/\r?\n/).length;
      assert.ok(lines <= (ctx.multiline ? MAX_LINES + 2 : 3), `${lines} lines`);
    };

    it(
      'any answer in any place gives a bounded suggestion or none, and never throws',
      cases('postprocess', 1000, (random) => {
        const ctx = randomContext(random);
        const raw = randomAnswer(random);
        checkSuggestion(raw, ctx, postprocess(raw, ctx));
        // While it streams, the end is somewhere in what was read, or not yet known.
        const reader = new AnswerReader(ctx);
        const cut = random.int(raw.length + 1);
        const end = reader.end(raw.slice(0, cut));
        assert.ok(end === -1 || (end >= 0 && end <= cut), `end ${end} of ${cut}`);
      }),
    );

    it(
      'hostile answers give a bounded suggestion or none, in every place',
      cases('postprocess hostile', 1, (random) => {
        for (const [name, make] of Object.entries(HOSTILE)) {
          const raw = make(16 * KB);
          for (let i = 0; i < 3; i++) {
            const ctx = randomContext(random);
            try {
              checkSuggestion(raw, ctx, postprocess(raw, ctx));
            } catch (error) {
              throw new Error(`${name} at ${JSON.stringify(ctx.linePrefix)} (${ctx.languageId}): ${(error as Error).message}`);
            }
          }
        }
      }),
    );

    // The places that reach every stage: after code, on a blank line in a block (with the
    // re-indentation of an answer in its own frame), in Python, and in HTML text between tags.
    const PLACES: PostprocessContext[] = [
      { linePrefix: 'const total = ', lineSuffix: '', suffix: '\n}\n', prefix: 'function f() {\n  const total = ', indentUnit: '  ', eol: '\n', multiline: false, languageId: 'typescript' },
      { linePrefix: '    ', lineSuffix: '', suffix: '\n}\n', prefix: 'function f() {\n    ', indentUnit: '    ', eol: '\n', multiline: true, languageId: 'typescript' },
      { linePrefix: '    ', lineSuffix: '', suffix: '\n', prefix: 'def f(a):\n    ', indentUnit: '\t', eol: '\r\n', multiline: true, languageId: 'python' },
      { linePrefix: '<p>', lineSuffix: '</p>', suffix: '</p>\n', prefix: '<body>\n<p>', indentUnit: '  ', eol: '\n', multiline: true, languageId: 'html' },
    ];
    // What a model's answer can be made of; the shapes that only a stream, an error body or a page
    // sends are left to those.
    const ANSWERS = ['one letter', '`sure` and letters', 'spaces between two letters', 'a line of spaces, then a letter', 'tabs between two letters', 'blank lines', 'blank lines between two paragraphs', 'lines of whitespace', 'indented lines', 'lines indented ever deeper', 'backticks', 'fences', 'fences with a language', 'an open fence', 'nested brackets', 'an unterminated string', 'an unterminated comment', 'an unterminated template', 'prose lines', 'sentences', 'bullets', 'numbered lines', 'diff hunk headers', 'diff lines', 'an HTML page', 'tags', 'CRLFs', 'zero-width characters', 'entities', 'a clause keyword, spaces, no colon', 'slashes and brackets', 'a dotted tag name', 'random unicode'] as const;
    // A last line that is a loop of one fragment is dropped before anything reads it: one of code
    // after the hostile text makes every stage read all of it.
    const answer = (make: (n: number) => string) => (n: number) => `${make(n)}\nreturn value;`;

    it('post-processes hostile answers in linear time, up to the longest it reads', () => {
      for (const name of ANSWERS) {
        const make = HOSTILE[name];
        assertLinear(
          `postprocess, ${name}`,
          answer(make),
          (raw) => {
            for (const ctx of PLACES) postprocess(raw, ctx);
            new AnswerReader(PLACES[1]).end(raw);
          },
          { small: 4 * KB, large: MAX_ANSWER_CHARS },
        );
      }
    });

    it('reads no more of a 1 MB answer than of the longest it makes a suggestion from', () => {
      for (const name of ['spaces between two letters', 'prose lines'] as const) {
        const longest = answer(HOSTILE[name])(MAX_ANSWER_CHARS);
        const huge = answer(HOSTILE[name])(MB);
        for (const ctx of PLACES) {
          assert.deepEqual(postprocess(huge, ctx), new AnswerReader(ctx).finish(huge.slice(0, MAX_ANSWER_CHARS), true), `${name}: a 1 MB answer reads as its start cut at its token limit`);
          assert.equal(new AnswerReader(ctx).end(huge), MAX_ANSWER_CHARS, 'the stream stops there');
        }
        assertLinear(`postprocess, 1 MB of ${name}`, (n) => (n === MB ? huge : longest), (raw) => postprocess(raw, PLACES[1]), { small: MAX_ANSWER_CHARS, large: MB, limit: 4 });
      }
    });

    it('an endless answer streamed through the inline engine costs linear work', async () => {
      const document = 'function f() {\n    \n}\n';
      for (const [name, make] of [['blank lines', HOSTILE['blank lines']]] as const) {
        await assertLinearAsync(
          `inline engine, ${name}`,
          make,
          async (answer) => {
            const client = scriptedClient(() => answer, { chunk: 64 });
            const engine = new InlineEngine(async () => ({ client, model: 'm', prefill: 'no' }), () => ({ debounceMs: 0, maxTokens: 256, multiline: 'auto' }));
            const input = inputAt(document.slice(0, 19), document.slice(19), { explicit: true });
            const suggestion = await engine.suggest(input, new AbortController().signal);
            if (suggestion) assert.ok(nonBlank(suggestion.text) <= nonBlank(answer));
            engine.dispose();
          },
          { small: 4 * KB, large: 32 * KB },
        );
      }
    });
  });

  describe('error classification: classifyStatus, streamError, providerMessageOf, redact, classifyNetworkError', () => {
    const KINDS: ErrorKind[] = ['auth', 'credits', 'moderation', 'model-not-found', 'rate-limited', 'overloaded', 'server', 'bad-request', 'network', 'timeout', 'malformed', 'aborted', 'tls', 'too-large', 'proxy', 'no-base-url'];
    const WORDS = ['model', ' not found', 'credit', 'quota', 'sk-', 'Bearer ', '<html>', 'prefill', 'final', ' ', '\n', '\t', 'does not exist', 'no endpoints found'];

    const checkError = (error: KestrelError, key: string) => {
      assert.ok(error instanceof KestrelError);
      assert.ok(KINDS.includes(error.kind), error.kind);
      assert.ok(error.userMessage.length <= 1000, `a message of ${error.userMessage.length} characters`);
      assert.ok((error.providerMessage ?? '').length <= 301, `the provider's words kept at ${error.providerMessage?.length} characters`);
      for (const text of [error.userMessage, error.providerMessage ?? '']) {
        assert.ok(!text.includes(key), `the key leaked: ${text}`);
        assert.ok(!/\bsk-[A-Za-z0-9_-]{8,}/.test(text), `a key-shaped word leaked: ${text}`);
      }
    };
    /** Provider text with the key somewhere in it, often right where a message is cut. */
    const saying = (random: Random, key: string) => {
      let text = '';
      for (let n = random.int(12); n >= 0; n--) text += random.chance(0.3) ? random.unicode(random.int(20)) : random.pick(WORDS);
      const at = random.pick([0, 290, 300, 301, 2030, 2040, 2047, 2048, 4096, random.int(5000)]);
      const pad = random.chance(0.5) ? ' '.repeat(at) : random.string(at, 'ab \n');
      return random.chance(0.8) ? `${pad.slice(0, at)}${key}${text}` : text;
    };

    it(
      'any error body gives a typed error with a short message that never holds the key',
      cases('classifyStatus', 600, (random) => {
        const key = `kx-${random.string(24, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')}`;
        const said = saying(random, key);
        const body = random.pick([
          { error: { message: said, code: random.pick([400, 404, '429', null]) } },
          { error: { message: said, metadata: { reasons: [said, 'x'], raw: said } } },
          { error: said },
          { message: said },
          { message: [said, said] },
          said,
          randomJson(random, 3),
          undefined,
        ]);
        const status = random.pick([0, 400, 401, 402, 403, 404, 408, 413, 429, 500, 502, 503, 529, random.int(1000)]);
        checkError(classifyStatus({ status, body, text: random.chance(0.2) ? `<!doctype html>${said}` : said, host: 'api.example.com', model: 'm', key }), key);
        checkError(streamError(body, 'api.example.com', key, 'm'), key);
        const message = providerMessageOf(body);
        assert.ok(message === undefined || typeof message === 'string');
        assert.ok(!redact(said, key).includes(key));
        assert.equal(typeof isPrefillRejection(classifyStatus({ status: 400, body, text: '', host: 'h', key })), 'boolean');
      }),
    );

    it(
      'any network failure gives a typed error',
      cases('classifyNetworkError', 300, (random) => {
        const error = random.pick<unknown>([
          randomJson(random, 3),
          new Error(random.unicode(random.int(200))),
          Object.assign(new Error('x'), { code: random.pick(['ECONNRESET', 'ENOTFOUND', 'CERT_HAS_EXPIRED', 'UND_ERR_CONNECT_TIMEOUT', random.unicode(10)]) }),
          { name: 'AbortError' },
          { cause: { code: random.unicode(8), message: random.unicode(30) } },
          new Error(`Proxy response (${random.int(1000)}) !== 200 when HTTP Tunneling`),
        ]);
        const failure = classifyNetworkError(error, 'api.example.com', random.chance(0.5) ? 'proxy.example.com:3128' : undefined);
        assert.ok(failure instanceof KestrelError);
        assert.ok(KINDS.includes(failure.kind), failure.kind);
      }),
    );

    const KEY = 'kx-0123456789abcdefghijklmnop';
    it('classifies a 1 MB error body of hostile text in linear time', () => {
      for (const name of ['one letter', '`model` again and again', 'spaces between two letters', 'words without punctuation', 'lines of whitespace', 'an HTML page', 'a JSON bomb of objects', 'random unicode'] as const) {
        const make = HOSTILE[name];
        assertLinear(`error classification, ${name}`, make, (said) => {
          const withKey = `${said}${KEY}`;
          checkError(classifyStatus({ status: 400, body: { error: { message: withKey, metadata: { reasons: [said], raw: said } } }, text: said, host: 'h', key: KEY }), KEY);
          checkError(classifyStatus({ status: 0, body: { message: [said, said] }, text: said, host: 'h', key: KEY }), KEY);
          checkError(streamError({ error: { message: withKey, code: 404 } }, 'h', KEY), KEY);
          checkError(streamError(withKey, 'h', KEY), KEY);
          redact(withKey, KEY);
          classifyNetworkError(new Error(said), 'h');
        });
      }
    });
  });

  describe('markdown on the chat page: createMarkdown and StreamingMarkdown', () => {
    const dom = new JSDOM('<div id="c"></div>');
    const markdown = createMarkdown(dom.window as unknown as Window);
    const PIECES = ['# ', '## Heading\n', '```', '```ts\n', '~~~\n', '\n', '\n\n', '- ', '1. ', '> ', '| a | b |\n|---|---|\n', '*', '**', '_', '`', '[x](', 'javascript:alert(1)', 'JaVaScRiPt:', 'jav&#x09;ascript:', 'data:text/html,<script>x</script>', 'vbscript:', 'https://example.com/a', 'file:///etc/passwd', 'command:workbench.action.terminal.new', ')', ']', '<script>window.pwned=1</script>', '<img src=x onerror=alert(1)>', '<a href="javascript:x">y</a>', '<iframe src=x>', '<style>*{}</style>', '<svg onload=x>', '&lt;', '&#0;', '\\', '    indented', 'text', '\u202e', '\u0000'];
    const randomMarkdown = (random: Random) => {
      let out = '';
      for (let n = random.int(40); n >= 0; n--) out += random.chance(0.15) ? random.unicode(random.int(20)) : random.pick(PIECES);
      return out;
    };
    const checkInert = (html: string, source: string) => {
      const root = dom.window.document.createElement('div');
      root.innerHTML = html;
      assert.equal(root.querySelectorAll('script, iframe, style, img, svg, math, object, embed, form, input, button').length, 0, html);
      for (const el of Array.from(root.querySelectorAll('*'))) {
        for (const attr of Array.from(el.attributes)) {
          assert.ok(!/^on/i.test(attr.name) && attr.name !== 'style', `${attr.name} on ${el.tagName}`);
          if (attr.name === 'href') assert.ok(safeLink(attr.value), `a link that would not open: ${attr.value}`);
          assert.ok(!/^\s*(?:javascript|vbscript|data):/i.test(attr.value), `${attr.name}=${attr.value}`);
        }
      }
      // Escaping and highlighting make HTML longer than its markdown, by a constant factor at most.
      assert.ok(html.length <= 64 * source.length + 256, `${html.length} characters of HTML from ${source.length}`);
    };

    it(
      'any markdown renders inert and bounded, in one piece and streamed in random pieces',
      cases('markdown', 30, (random) => {
        const source = randomMarkdown(random);
        checkInert(markdown.html(source), source);
        checkInert(markdown.html(source, false), source);
        const container = dom.window.document.createElement('div');
        const view = new StreamingMarkdown(container as unknown as HTMLElement, markdown);
        let at = 0;
        for (const cut of random.cuts(source.length, 150)) {
          view.append(source.slice(at, cut));
          at = cut;
          view.flush();
        }
        checkInert(container.innerHTML, view.text);
        view.finish();
        assert.equal(view.text, source);
        checkInert(container.innerHTML, source);
      }),
    );

    it(
      'the stable prefix is where a line-by-line reading finds it, at every moment of a stream',
      cases('stablePrefixLength', 400, (random) => {
        const source = randomMarkdown(random);
        for (const cut of random.cuts(source.length, 30)) {
          const text = source.slice(0, cut);
          const stable = stablePrefixLength(text);
          assert.equal(stable, stablePrefixReference(text), JSON.stringify(text));
          assert.ok(stable === 0 || text[stable - 1] === '\n', `a cut at ${stable} is not after a line break`);
        }
      }),
    );

    it('finds the stable blocks of 1 MB of hostile answers in linear time', () => {
      for (const name of ['one letter', 'blank lines', 'blank lines between two paragraphs', 'lines of whitespace', 'fences', 'an open fence', 'bullets', 'quote markers'] as const) {
        assertLinear(`stablePrefixLength, ${name}`, HOSTILE[name], (source) => stablePrefixLength(source));
      }
    });

    /** A renderer that only escapes, into a page that parses nothing: what remains is the streaming view's own work. */
    const escaping: Markdown = { html: (source) => source.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;')) };
    const page = (): HTMLElement => {
      const element = () => {
        const el = {
          className: '',
          innerHTML: '',
          kept: [] as unknown[],
          ownerDocument: doc,
          get childNodes() {
            return [el.innerHTML];
          },
          append: (...nodes: unknown[]) => el.kept.push(...nodes),
          replaceChildren: () => (el.kept = []),
        };
        return el;
      };
      const doc = { createElement: element };
      return element() as unknown as HTMLElement;
    };
    it('a frame of a streaming answer costs work linear in the answer (10,000 blank lines and more)', () => {
      for (const name of ['blank lines between two paragraphs', 'blank lines', 'fences', 'bullets', 'one letter'] as const) {
        assertLinear(`StreamingMarkdown.flush, ${name}`, HOSTILE[name], (source) => {
          const view = new StreamingMarkdown(page(), escaping);
          view.append(source);
          view.flush();
        });
      }
    });
    it('streaming paragraphs frame by frame reads each new line once', () => {
      const paragraphs = (n: number) => HOSTILE['sentences'](n).replace(/\n/g, '\n\n');
      assertLinear(
        'StreamingMarkdown, 1 KB a frame',
        paragraphs,
        (source) => {
          const view = new StreamingMarkdown(page(), escaping);
          for (let at = 0; at < source.length; at += KB) {
            view.append(source.slice(at, at + KB));
            view.flush();
          }
        },
        { small: 16 * KB, large: 128 * KB },
      );
    });
    it('renders hostile markdown in linear time', () => {
      for (const name of ['an open fence', 'nested brackets', 'markdown emphasis'] as const) {
        assertLinear(`createMarkdown, ${name}`, HOSTILE[name], (source) => markdown.html(source), { small: 2 * KB, large: 16 * KB });
      }
    });
  });

  describe('the chat page protocol: parseWebviewMessage and safeLink', () => {
    const TYPES = ['ready', 'send', 'stop', 'retry', 'newChat', 'listSessions', 'openSession', 'deleteSession', 'removeAttachment', 'removeInstructions', 'attachFile', 'copy', 'insert', 'apply', 'newFile', 'openLink', 'pickModel', 'errorAction', 'addContext', 'mentionQuery', 'attachPath', 'eval', '__proto__', 'constructor', ''];
    const FIELDS: Record<string, string[]> = {
      ready: [],
      stop: [],
      retry: [],
      newChat: [],
      listSessions: [],
      attachFile: [],
      pickModel: [],
      removeInstructions: [],
      addContext: [],
      mentionQuery: ['requestId', 'query'],
      attachPath: ['path'],
      send: ['text'],
      openSession: ['id'],
      deleteSession: ['id'],
      removeAttachment: ['id'],
      copy: ['code'],
      insert: ['code'],
      apply: ['code'],
      newFile: ['code', 'language'],
      openLink: ['href'],
      errorAction: ['action'],
    };
    const randomValue = (random: Random): unknown =>
      random.pick<() => unknown>([
        () => random.unicode(random.int(50)),
        () => random.pick(['https://example.com', 'javascript:alert(1)', 'command:x', 'file:///etc/passwd', 'setApiKey', 'selectModel', 'showLog', 's-1', '../../x', 'typescript', '<script>', '', ' ']),
        () => 'x'.repeat(random.pick([99_999, 100_001, 1_000_000, 1_000_001, 2048, 2049])),
        () => randomJson(random, 2),
      ])();

    it(
      'only the messages the page may send pass, with exactly their fields, checked',
      cases('parseWebviewMessage', 2000, (random) => {
        const raw: Record<string, unknown> = random.chance(0.1) ? (JSON.parse(`{"__proto__": {"type": "send"}, "type": ${JSON.stringify(random.pick(TYPES))}}`) as Record<string, unknown>) : { type: random.pick(TYPES) };
        for (const field of ['text', 'id', 'code', 'language', 'href', 'action', 'requestId', 'query', 'path', 'extra']) if (random.chance(0.6)) raw[field] = randomValue(random);
        const message = random.chance(0.05) ? parseWebviewMessage(randomJson(random, 3)) : parseWebviewMessage(raw);
        if (message === undefined) return;
        const fields = FIELDS[message.type];
        assert.ok(fields, `unknown type ${message.type}`);
        assert.deepEqual(Object.keys(message).sort(), ['type', ...fields].sort());
        const m = message as Record<string, unknown>;
        if ('text' in m) assert.ok(typeof m.text === 'string' && m.text.length <= 100_000 && m.text.trim() !== '');
        if ('id' in m) assert.match(m.id as string, /^[\w-]{1,64}$/);
        if ('code' in m) assert.ok(typeof m.code === 'string' && m.code.length <= 1_000_000);
        if ('language' in m) assert.match(m.language as string, /^[\w#+.-]{0,40}$/);
        if ('href' in m) assert.ok(typeof m.href === 'string' && m.href.length <= 2048 && /^https?:/i.test(new URL(m.href).protocol));
        if ('action' in m) assert.ok(['setApiKey', 'selectModel', 'showLog'].includes(m.action as string));
        if ('path' in m) assert.ok(typeof m.path === 'string' && !m.path.split('/').includes('..') && !m.path.startsWith('/'));
      }),
    );

    it(
      'safeLink passes web links only, and never throws',
      cases('safeLink', 1000, (random) => {
        const href = random.pick([random.unicode(random.int(60)), `${random.pick(['http', 'https', 'javascript', 'data', 'file', 'command', 'vscode', 'HTTPS', ' https', 'jav\tascript'])}:${random.unicode(random.int(30))}`]);
        const safe = safeLink(href);
        if (safe) assert.ok(['http:', 'https:'].includes(new URL(href).protocol), href);
      }),
    );

    it('checks 1 MB of hostile text in linear time', () => {
      for (const name of ['one letter', 'colons, then a line break', 'spaces between two letters', 'CR then LFs', 'random unicode'] as const) {
        const make = HOSTILE[name];
        assertLinear(`protocol, ${name}`, make, (text) => {
          safeLink(`https://example.com/${text}`);
          parseWebviewMessage({ type: 'openLink', href: text });
          parseWebviewMessage({ type: 'send', text });
          parseWebviewMessage({ type: 'newFile', code: text, language: text });
          parseWebviewMessage({ type: 'openSession', id: text });
        });
      }
    });
  });

  describe('other outside text: model ids, model lists, code in a reply', () => {
    it(
      'any model list parses to models with string ids, and any id normalises',
      cases('parseModels', 300, (random) => {
        const list = Array.from({ length: random.int(8) }, () => (random.chance(0.7) ? { id: random.unicode(random.int(40)), name: random.unicode(5), pricing: { prompt: random.pick(['0.000001', '-1', 'x', 3]), completion: '0.000002' }, context_length: random.pick([8192, '8192', 'big', null]) } : randomJson(random, 2)));
        for (const model of parseModels(random.pick([{ data: list }, list, { models: list }, randomJson(random, 3)]))) {
          assert.equal(typeof model.id, 'string');
          assert.equal(typeof normaliseModelId(model.id), 'string');
        }
      }),
    );

    it('normalises a 1 MB model id, and takes the code out of a 1 MB reply, in linear time', () => {
      for (const name of ['one letter', 'colons, then a line break', 'a dotted tag name', 'spaces between two letters', 'tabs between two letters', 'fences', 'CRLFs', 'random unicode'] as const) {
        const make = HOSTILE[name];
        assertLinear(`normaliseModelId, ${name}`, make, (id) => normaliseModelId(id));
        assertLinear(`extractCode, ${name}`, make, (reply) => {
          extractCode(reply);
          extractCode(`Here:\n\`\`\`ts\n${reply}`);
        });
      }
    });
  });
});

/**
 * The stable prefix as the chat page first found it, blank line by blank line, looking back and
 * ahead from each (quadratic in blank lines, so only for short text): the oracle for the linear scan.
 */
function stablePrefixReference(source: string): number {
  let fence: string | undefined;
  let stable = 0;
  let offset = 0;
  const lines = source.split('\n');
  for (let i = 0; i < lines.length - 1; i++) {
    const line = lines[i];
    const start = offset;
    offset += line.length + 1;
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = undefined;
      continue;
    }
    if (marker) {
      fence = marker;
      continue;
    }
    if (line.trim() !== '' || i === 0) continue;
    const next = lines.slice(i + 1).find((l) => l.trim() !== '');
    const prev = lines.slice(0, i).reverse().find((l) => l.trim() !== '');
    if (next === undefined || i + 1 >= lines.length - 1) continue;
    const continues = /^(\s|[-*+]\s|\d+[.)]\s|>|\|)/.test(next) || (prev !== undefined && /^(\s*([-*+]|\d+[.)])\s|>)/.test(prev) && /^\s/.test(next));
    if (continues) continue;
    stable = start + line.length + 1;
  }
  return stable;
}

/** Any JSON value: nested objects and arrays with the keys chat chunks and error envelopes use. */
function randomJson(random: Random, depth: number): unknown {
  const KEYS = ['choices', 'delta', 'content', 'message', 'text', 'error', 'usage', 'model', 'finish_reason', 'code', 'metadata', 'reasons', 'raw', 'statusCode', 'prompt_tokens', 'completion_tokens', 'cost', '__proto__', 'constructor', 'type', 'id'];
  const r = random.int(depth > 0 ? 9 : 6);
  if (r === 0) return null;
  if (r === 1) return random.chance(0.5);
  if (r === 2) return random.pick([0, -1, 1e308, NaN, Infinity, random.int(1000), 0.5]);
  if (r === 3 || r === 4) return random.unicode(random.int(30));
  if (r === 5) return random.pick(['stop', 'length', 'error', '[DONE]', '']);
  if (r === 6 || r === 7) {
    const out: Record<string, unknown> = {};
    for (let n = random.int(5); n > 0; n--) out[random.pick(KEYS)] = randomJson(random, depth - 1);
    return out;
  }
  return Array.from({ length: random.int(4) }, () => randomJson(random, depth - 1));
}
