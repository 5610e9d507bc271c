// The offline demo (`npm run sandbox` without an API key) on the sample workspace's own files: the
// ghost text a newcomer sees at a few cursor positions, asked through the fake server in demo mode
// and shown by the real inline engine, and the chat and palette answers about the selected code.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractCode } from '../../../src/core/actions/code';
import { actionMessages, type ActionId } from '../../../src/core/actions/recipes';
import { SYSTEM_PROMPT } from '../../../src/core/chat/history';
import { createChatClient } from '../../../src/core/client/client';
import type { ChatClient } from '../../../src/core/client/types';
import { gatherContext } from '../../../src/core/completion/context';
import { InlineEngine } from '../../../src/core/completion/pipeline';
import { buildPrompt, HOLE, parseInlinePrompt } from '../../../src/core/completion/prompt';
import { demoAnswer, demoFill } from '../../support/demo';
import { runToolLoop, ToolSupport } from '../../../src/core/chat/toolLoop';
import { TOOL_SPECS } from '../../../src/core/chat/tools';
import { memoryTools, sampleWorkspace } from '../../support/memoryTools';
import { startFakeServer, type FakeServer } from '../../support/fake-server';
import { inputAt, scriptedClient } from '../completion/support';

const WORKSPACE = join(__dirname, '..', '..', '..', '..', 'sample-workspace');
const read = (path: string) => readFileSync(join(WORKSPACE, path), 'utf8');
const LANGUAGE: Record<string, string> = { ts: 'typescript', py: 'python', go: 'go' };
const languageOf = (path: string) => LANGUAGE[path.split('.').pop()!];

/** The sample file with `edit` applied; `█` marks the cursor. */
function marked(path: string, edit: (text: string) => string): { before: string; after: string } {
  const text = edit(read(path));
  const at = text.indexOf('█');
  assert.ok(at >= 0 && text.indexOf('█', at + 1) < 0, 'one cursor mark');
  return { before: text.slice(0, at), after: text.slice(at + 1) };
}

/** Replaces `line` (which must be in the file) with `by`. */
const replacing = (line: string, by: string) => (text: string) => {
  assert.ok(text.includes(line), `the sample file has ${JSON.stringify(line)}`);
  return text.replace(line, by);
};

/** The ghost text the engine shows at the mark, asking `client` (prefilled, as for a custom provider). */
async function ghost(client: ChatClient, path: string, edit: (text: string) => string, prefill: 'yes' | 'no' = 'yes'): Promise<string | undefined> {
  const { before, after } = marked(path, edit);
  const engine = new InlineEngine(async () => ({ client, model: 'offline-demo', prefill }), () => ({ debounceMs: 0, maxTokens: 128, multiline: 'auto' }));
  try {
    const suggestion = await engine.suggest(inputAt(before, after, { languageId: languageOf(path), uri: `file:///workspace/${path}` }), new AbortController().signal);
    return suggestion?.text;
  } finally {
    engine.dispose();
  }
}

/** The demo's fill for the prompt the engine would send at the mark. */
function fillAt(path: string, edit: (text: string) => string): string {
  const { before, after } = marked(path, edit);
  const context = gatherContext(inputAt(before, after, { languageId: languageOf(path) }));
  const built = buildPrompt(context, { path, languageId: languageOf(path), snippets: [], prefill: false, maxTokens: 128, model: 'offline-demo' });
  return demoFill(parseInlinePrompt(built.request.messages)!);
}

/** The demo's scripted client: what the fake server in demo mode answers, without the network. */
const demoClient = () => scriptedClient((request) => demoAnswer({ messages: request.messages, max_tokens: request.maxTokens }));

const end = (text: string) => text.trimEnd() + '\n';

describe('offline demo: ghost text on the sample workspace', () => {
  let server: FakeServer;
  let client: ReturnType<typeof createChatClient>;
  before(async () => {
    server = await startFakeServer({ flavour: 'openai', demo: true });
    client = createChatClient({ baseUrl: server.url, apiKey: '' });
  });
  after(async () => {
    await client.dispose();
    await server.close();
  });

  // Each position as a newcomer would try it, with the ghost text the sandbox shows there.
  const TOUR: { path: string; what: string; edit: (text: string) => string; expected: string }[] = [
    { path: 'src/cart.ts', what: 'a `return` completed from the parameter and the Item fields', edit: replacing('  return items.reduce((sum, item) => sum + item.price * item.quantity, 0);', '  return █'), expected: 'items.reduce((sum, item) => sum + item.price * item.quantity, 0);' },
    { path: 'src/cart.ts', what: 'a word finished into the statement', edit: replacing('  return total * (1 - percent / 100);', '  ret█'), expected: 'urn total * (1 - percent / 100);' },
    { path: 'src/cart.ts', what: 'a new function from the file’s own (a composition)', edit: (t) => `${end(t)}\n█`, expected: 'export function formatSubtotal(items: Item[]): string {\n  return formatPrice(subtotal(items));\n}' },
    { path: 'src/cart.ts', what: 'a signature finished from the name', edit: (t) => `${end(t)}\nexport function isEmpty(█`, expected: 'items: Item[]): boolean {\n  return items.length === 0;\n}' },
    { path: 'src/cart.ts', what: 'a function from the comment above', edit: (t) => `${end(t)}\n// the largest price\n█`, expected: 'export function largestPrice(items: Item[]): number {\n  return Math.max(...items.map((item) => item.price));\n}' },
    { path: 'src/cart.ts', what: 'the next statement of a loop', edit: replacing('  return items.reduce((sum, item) => sum + item.price * item.quantity, 0);', '  let total = 0;\n  for (const item of items) {\n    █\n  }\n  return total;'), expected: 'total += item.price * item.quantity;' },
    { path: 'src/cart.ts', what: 'a guard’s body', edit: replacing('    throw new RangeError(`discount out of range: ${percent}`);', '    █'), expected: 'throw new RangeError(`percent out of range: ${percent}`);' },
    { path: 'src/cart.ts', what: 'an open call closed', edit: replacing('  return `$${value.toFixed(2)}`;', '  console.log(█'), expected: 'value);' },
    { path: 'tests/cart.test.ts', what: 'another test case', edit: replacing('  });\n});', '  });\n\n  █\n});'), expected: "it('is 0 for an empty list', () => {\n    assert.equal(subtotal([]), 0);\n  });" },
    { path: 'py/stats.py', what: 'a docstring under a def', edit: replacing('def median(values):\n', 'def median(values):\n    █\n'), expected: '"""Return the median of values."""' },
    { path: 'py/stats.py', what: 'a `return` from the parameter', edit: replacing('    return sum(values) / len(values)', '    return █'), expected: 'sum(values) / len(values)' },
    { path: 'py/stats.py', what: 'the next statistic', edit: (t) => `${end(t)}\n\n█`, expected: 'def variance(values):\n    """Return the variance of values."""\n    return sum((value - mean(values)) ** 2 for value in values) / len(values)' },
    { path: 'py/stats.py', what: 'a guard', edit: replacing('    ordered = sorted(values)', '    if █\n    ordered = sorted(values)'), expected: 'not values:' },
    { path: 'py/stats.py', what: 'an open call closed with the value computed last', edit: replacing('    middle = len(ordered) // 2', '    middle = len(█'), expected: 'ordered)' },
    { path: 'go/greet.go', what: 'a `return` from the parameter', edit: replacing('\treturn fmt.Sprintf("Hello, %s!", name)', '\treturn █'), expected: 'fmt.Sprintf("Hello, %s!", name)' },
    { path: 'go/greet.go', what: 'a guard in Go', edit: replacing('\treturn fmt.Sprintf', '\tif █\n\treturn fmt.Sprintf'), expected: 'name == "" {' },
    { path: 'go/greet.go', what: 'a new function with a doc comment and a range loop', edit: (t) => `${end(t)}\n█`, expected: '// Greetings returns the greeting for each name.\nfunc Greetings(names []string) []string {\n\tout := make([]string, 0, len(names))\n\tfor _, name := range names {\n\t\tout = append(out, Greeting(name))\n\t}\n\treturn out\n}' },
    { path: 'go/greet.go', what: 'a signature finished from the name', edit: (t) => `${end(t)}\nfunc Farewell(█`, expected: 'name string) string {\n\treturn fmt.Sprintf("Goodbye, %s!", name)\n}' },
  ];

  for (const stop of TOUR) {
    it(`${stop.path}: ${stop.what}`, async () => {
      assert.equal(await ghost(client, stop.path, stop.edit), stop.expected);
    });
  }

  it('answers the same with and without a prefill', async () => {
    for (const stop of TOUR) assert.equal(await ghost(demoClient(), stop.path, stop.edit, 'no'), stop.expected, `${stop.path}: ${stop.what}`);
  });

  it('gives Python Python, never JavaScript, at every line of stats.py', async () => {
    const lines = read('py/stats.py').split('\n');
    let shown = 0;
    for (let row = 0; row < lines.length; row++) {
      const indent = /^\s*/.exec(lines[row])![0];
      for (const edit of [
        (t: string) => t.split('\n').map((l, i) => (i === row ? `${indent}█` : l)).join('\n'),
        (t: string) => t.split('\n').map((l, i) => (i === row ? `${l}█` : l)).join('\n'),
        (t: string) => t.split('\n').map((l, i) => (i === row ? `${l}\n${indent}█` : l)).join('\n'),
      ]) {
        const text = await ghost(demoClient(), 'py/stats.py', edit);
        if (text === undefined) continue;
        shown++;
        assert.doesNotMatch(text, /console\.log|;\s*$|\bconst\b|\blet\b|===|\bfunction\b|=>|\{\s*$|\bnull\b|\bundefined\b/m, `row ${row}: ${JSON.stringify(text)}`);
      }
    }
    assert.ok(shown >= 8, `${shown} suggestions`);
  });

  it('continues the cursor line of a prompt with a hole, and nothing when the line is complete', () => {
    assert.equal(fillAt('src/cart.ts', replacing('  return total * (1 - percent / 100);', '  const discounted = █\n  return total * (1 - percent / 100);')), 'total * (1 - percent / 100);');
    assert.equal(fillAt('src/cart.ts', replacing('  return total * (1 - percent / 100);', '  return total * (1 - percent / 100);█')), '');
    const prompt = buildPrompt(gatherContext(inputAt('def area(width, height):\n    return ', '\n')), { path: 'shapes.py', languageId: 'python', snippets: [], prefill: false, maxTokens: 64, model: 'm' });
    assert.ok(prompt.request.messages[1].content.includes(HOLE));
    assert.equal(demoAnswer({ messages: prompt.request.messages }), '<fill>width * height</fill>');
  });
});

describe('offline demo: chat and palette answers', () => {
  const cart = read('src/cart.ts');
  const stats = read('py/stats.py');
  const greet = read('go/greet.go');
  const lines = (text: string, from: number, to: number) => text.split('\n').slice(from - 1, to).join('\n');
  const action = (id: ActionId, path: string, code: string, start: number, extras = {}) => demoAnswer({ messages: actionMessages(id, { path, languageId: languageOf(path), code, startLine: start, endLine: start + code.split('\n').length - 1 }, extras) });

  it('explains the selection: names its function and what it calls, and quotes a line of it in a fenced block of its language', () => {
    const answer = action('explain', 'py/stats.py', lines(stats, 6, 11), 6);
    assert.match(answer, /offline demo/i);
    assert.match(answer, /`median\(values\)`/);
    assert.match(answer, /`sorted`/);
    assert.match(answer, /`ordered`/);
    assert.ok(answer.includes('```python\nreturn (ordered[middle - 1] + ordered[middle]) / 2\n```'), answer);
    assert.doesNotMatch(answer, /```(?:ts|typescript|js)/);

    const go = action('explain', 'go/greet.go', lines(greet, 5, 8), 5);
    assert.match(go, /`Greeting\(name\)`/);
    assert.ok(go.includes('```go\nreturn fmt.Sprintf("Hello, %s!", name)\n```'), go);
  });

  it('answers a chat question about attached code by quoting it, and says it read no question without code', () => {
    const code = lines(cart, 11, 16);
    const question = `What happens with a negative percent?\n\ncart.ts:11-16 (typescript):\n\`\`\`typescript\n${code}\n\`\`\``;
    const answer = demoAnswer({ messages: [{ role: 'system', content: SYSTEM_PROMPT }, { role: 'user', content: question }] });
    assert.match(answer, /offline demo/i);
    assert.match(answer, /> What happens with a negative percent\?/);
    assert.match(answer, /`applyDiscount\(total, percent\)`/);
    assert.match(answer, /`percent < 0 \|\| percent > 100`/);
    const quoted = /```typescript\n([^\n]+)\n```/.exec(answer)?.[1];
    assert.ok(quoted && code.includes(quoted), answer);

    const bare = demoAnswer({ messages: [{ role: 'system', content: SYSTEM_PROMPT }, { role: 'user', content: 'How do loops work?' }] });
    assert.match(bare, /offline demo/i);
    assert.doesNotMatch(bare, /```/);
  });

  it('documents in the language’s own style and keeps the code as it was', () => {
    const py = extractCode(action('document', 'py/stats.py', stats.trimEnd(), 1));
    assert.ok(py.includes('def median(values):\n    """Return the median of values.\n\n    Args:\n        values:'), py);
    assert.ok(py.includes('    """Return the arithmetic mean of a non-empty list."""\n    return sum(values) / len(values)'), 'an existing docstring stays alone');
    assert.equal(py.replace(/\n {4}"""Return the median[\s\S]*?\n {4}"""/, ''), stats.trimEnd());

    const ts = extractCode(action('document', 'src/cart.ts', lines(cart, 11, 16), 11));
    assert.ok(ts.startsWith('/**\n * Applies the discount to total, using percent.\n * @param total'), ts);
    assert.ok(ts.endsWith(lines(cart, 11, 16)));

    const go = extractCode(action('document', 'go/greet.go', lines(greet, 6, 8), 6));
    assert.equal(go, `// Greeting returns the greeting for name.\n${lines(greet, 6, 8)}`);
  });

  it('writes a test file in the language’s test style that imports the code under test', () => {
    const ts = extractCode(action('generateTests', 'src/cart.ts', lines(cart, 7, 20), 7, { testPath: 'tests/cart.test.ts', testExample: read('tests/cart.test.ts') }));
    assert.match(ts, /^import \{ strict as assert \} from 'node:assert';\nimport \{ subtotal, applyDiscount, formatPrice \} from '\.\.\/src\/cart';/);
    assert.match(ts, /assert\.equal\(typeof formatPrice\(2\), 'string'\);/);
    const py = extractCode(action('generateTests', 'py/stats.py', stats.trimEnd(), 1, { testPath: 'py/test_stats.py' }));
    assert.match(py, /^from stats import mean, median\n/);
    assert.match(py, /def test_median_gives_a_result\(\):\n {4}assert isinstance\(median\(\[1, 2, 3\]\), \(int, float\)\)/);
    const go = extractCode(action('generateTests', 'go/greet.go', lines(greet, 6, 8), 6, { testPath: 'go/greet_test.go' }));
    assert.match(go, /^package greet\n\nimport "testing"\n\nfunc TestGreeting\(t \*testing\.T\) \{\n\tgot := Greeting\("Ada"\)/);
  });

  it('says it cannot refactor or fix, and hands the code back unchanged with the reported problems', () => {
    const code = lines(cart, 18, 20);
    const fix = action('fix', 'src/cart.ts', code, 18, { diagnostics: [{ severity: 'error', message: "Cannot find name 'valu'.", startLine: 19, endLine: 19 }] });
    assert.match(fix, /cannot fix/);
    assert.match(fix, /error at line 19: Cannot find name 'valu'\./);
    assert.equal(extractCode(fix), code);
    const refactor = action('refactor', 'py/stats.py', lines(stats, 6, 11), 6, { instruction: 'shorter' });
    assert.match(refactor, /cannot refactor/);
    assert.equal(extractCode(refactor), lines(stats, 6, 11));
  });
});

describe('offline demo: lookups in the chat', () => {
  it('with the tools offered, a question naming something looks it up, and a plain one gets the demo answer in one step', async () => {
    const server = await startFakeServer({ flavour: 'openai', demo: true, localTools: 'split' });
    const client = createChatClient({ baseUrl: server.url, apiKey: '' });
    try {
      const ask = (question: string) =>
        runToolLoop({ client, request: { model: 'offline-demo', messages: [{ role: 'system', content: 'You are Kestrel.' }, { role: 'user', content: question }] }, tools: TOOL_SPECS, executor: memoryTools(sampleWorkspace()), maxSteps: 6, provider: 'custom', support: new ToolSupport(), signal: new AbortController().signal, onDelta: () => {} });
      const looked = await ask('Where is `applyDiscount` called?');
      assert.equal(looked.steps, 3);
      assert.deepEqual(
        looked.calls.map((c) => c.label),
        ['Searched for `applyDiscount`: 3 matches in 2 files', 'Read src/orders.ts 3–7'],
      );
      assert.match(looked.text, /src\/orders\.ts:6/);
      const plain = await ask('hello, what can you do?');
      assert.equal(plain.steps, 1);
      assert.deepEqual(plain.calls, []);
      assert.match(plain.text, /offline demo/i);
    } finally {
      await client.dispose();
      await server.close();
    }
  });
});
