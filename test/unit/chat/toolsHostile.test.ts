// The call's line in the chat against hostile text (src/core/chat/tools.ts, rendered by
// src/webview/main.ts, whose backticks mark code): a query, glob or path from the model with
// backticks, HTML or markdown stays text and cannot open or close the line's code.
import * as assert from 'node:assert/strict';
import { runToolLoop } from '../../../src/core/chat/toolLoop';
import { callTitle, inLabel, parseToolCall, TOOL_SPECS, type ParsedCall } from '../../../src/core/chat/tools';
import type { ChatClient, CompletionResult, ToolCall } from '../../../src/core/client/types';

const ok = (name: string, args: unknown): ParsedCall => {
  const parsed = parseToolCall({ id: 'c', name, arguments: JSON.stringify(args) });
  if (!parsed.ok) assert.fail(`expected ${name} ${JSON.stringify(args)} to pass: ${parsed.error}`);
  return parsed.call;
};
/** The backticks of a line: the webview splits on them, so only the title's own pairs may be there. */
const ticks = (label: string) => label.split('`').length - 1;

describe('Tool call lines with hostile text', () => {
  it("the model's backticks never reach the line: each title keeps only its own pair", () => {
    const cases: [string, unknown, number][] = [
      ['search_text', { query: 'a`b', include: 'src/`x`/**' }, 2],
      ['find_symbol', { query: '`' }, 2],
      ['find_definition', { symbol: '``rm -rf``' }, 2],
      ['find_references', { symbol: 'x`' }, 2],
      ['list_files', { glob: '`**`' }, 2],
      ['read_file', { path: 'src/`odd`.ts' }, 0],
      ['get_problems', { path: 'a`b.ts' }, 0],
    ];
    for (const [name, args, own] of cases) {
      const title = callTitle(ok(name, args));
      assert.equal(ticks(title), own, `${name}: ${title}`);
    }
    assert.equal(callTitle(ok('search_text', { query: 'a`b' })), 'Searched for `a\u02cbb`');
  });

  it("an unknown tool's name from the model keeps its backticks out of the line too", async () => {
    const turns: { calls?: ToolCall[] }[] = [{ calls: [{ id: 'a', name: 'evil`tool', arguments: '{}' }] }, {}];
    let n = 0;
    const client: ChatClient = {
      stream() {
        const turn = turns[n++] ?? {};
        const result: Promise<CompletionResult> = Promise.resolve({ text: 'ok', finishReason: turn.calls ? 'tool_calls' : 'stop', toolCalls: turn.calls, timing: { firstByteMs: 1, totalMs: 2 } });
        return { result, async *[Symbol.asyncIterator]() {} };
      },
      complete: () => Promise.reject(new Error('not used')),
      listModels: async () => [],
      warm: async () => {},
    };
    const labels: string[] = [];
    await runToolLoop({
      client,
      request: { model: 'm', messages: [{ role: 'user', content: 'q' }] },
      tools: TOOL_SPECS,
      executor: { run: async () => ({ text: 'x', outcome: '' }) },
      maxSteps: 3,
      provider: 'p',
      support: { allows: () => true, remember: () => {} } as never,
      signal: new AbortController().signal,
      onDelta: () => {},
      onCall: (event) => void ('summary' in event && labels.push(event.summary.label)),
    });
    assert.equal(labels.length, 1);
    assert.equal(ticks(labels[0]), 0, labels[0]);
  });

  it('HTML and markdown in a query stay as written (the webview sets them as text)', () => {
    assert.equal(callTitle(ok('search_text', { query: '<img src=x onerror=alert(1)> [a](command:x) **b**' })), 'Searched for `<img src=x onerror=alert(1)> [a](command:x) **b**`');
    assert.equal(inLabel('no ticks'), 'no ticks');
  });
});
