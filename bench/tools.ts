// What lookups cost: three questions about the sample workspace asked with the chat's tools and
// without, through the real client and tool loop (src/core/chat/toolLoop.ts) against the fake
// OpenRouter (which counts a request's tokens from its body, tool definitions included, and prices
// them at the model's list price), playing a tool-using model (test/support/toolModel.ts). The tools
// run over the sample workspace in memory (test/support/memoryTools.ts). "Cited lines" counts the
// `path:line` references in the answer that point at a real line of the workspace.
// Then what a model that never stops calling tools costs at each step limit (kestrel.chat.maxToolSteps).
// `npm run bench -- tools`.
import { createChatClient } from '../src/core/client/client';
import { shapedClient } from '../src/core/client/shape';
import type { ChatClient, ChatRequest } from '../src/core/client/types';
import { SYSTEM_PROMPT } from '../src/core/chat/history';
import { runToolLoop, ToolSupport, type ToolLoopResult } from '../src/core/chat/toolLoop';
import { TOOL_SPECS, TOOLS_PROMPT } from '../src/core/chat/tools';
import { startFakeServer, type FakeReply } from '../test/support/fake-server';
import { memoryTools, sampleWorkspace } from '../test/support/memoryTools';
import { toolModel } from '../test/support/toolModel';
import { table } from './stats';

const MODEL = 'anthropic/claude-3.5-haiku';
const QUESTIONS = ['Where is `applyDiscount` called?', 'Which tests cover `subtotal`?', 'What does stats.py compute?'];

async function withClient<T>(respond: (request: Parameters<ReturnType<typeof toolModel>>[0]) => FakeReply, use: (client: ChatClient) => Promise<T>): Promise<T> {
  const server = await startFakeServer({ flavour: 'openrouter', respond });
  const client = createChatClient({ baseUrl: server.url, apiKey: 'sk-bench', maxRetries: 0 });
  try {
    return await use(shapedClient(client, { providerId: 'openrouter', purpose: 'chat', sort: 'auto' }));
  } finally {
    await client.dispose();
    await server.close();
  }
}

function request(question: string, withTools: boolean): ChatRequest {
  return { model: MODEL, messages: [{ role: 'system', content: withTools ? `${SYSTEM_PROMPT} ${TOOLS_PROMPT}` : SYSTEM_PROMPT }, { role: 'user', content: question }], maxTokens: 4096, temperature: 0.3 };
}

/** The answer's `path:line` references that point at a line of the workspace. */
function citedLines(answer: string, files: Map<string, string>): number {
  const cited = new Set<string>();
  for (const match of answer.matchAll(/([\w./-]+\.\w+):(\d+)/g)) {
    const lines = files.get(match[1])?.split('\n');
    if (lines && Number(match[2]) >= 1 && Number(match[2]) <= lines.length) cited.add(match[0]);
  }
  return cited.size;
}

async function ask(question: string, withTools: boolean, maxSteps = 6, respond = toolModel()): Promise<ToolLoopResult> {
  const files = sampleWorkspace();
  return withClient(respond, (client) =>
    runToolLoop({ client, request: request(question, withTools), tools: withTools ? TOOL_SPECS : [], executor: memoryTools(files), maxSteps, provider: 'openrouter', support: new ToolSupport(), signal: new AbortController().signal, onDelta: () => {} }),
  );
}

const n = (x: number | undefined) => (x ?? 0).toLocaleString('en-US');
const usd = (x: number | undefined) => `$${(x ?? 0).toFixed(5)}`;

async function questions(): Promise<string> {
  const files = sampleWorkspace();
  const rows: string[][] = [];
  for (const question of QUESTIONS) {
    for (const withTools of [false, true]) {
      const result = await ask(question, withTools);
      rows.push([
        withTools ? question : '',
        withTools ? 'with tools' : 'without',
        String(result.steps),
        result.calls.map((c) => c.label).join('; ') || '—',
        n(result.usage?.promptTokens),
        n(result.usage?.completionTokens),
        usd(result.usage?.costUsd),
        String(citedLines(result.text, files)),
      ]);
    }
  }
  // Each question's two rows read best together: the question on the first.
  for (let i = 0; i < rows.length; i += 2) [rows[i][0], rows[i + 1][0]] = [rows[i + 1][0], ''];
  return table(['question', 'mode', 'steps', 'calls', 'prompt tokens', 'completion tokens', 'cost', 'cited lines'], rows);
}

/** A model that calls a new search at every step, whatever it gets back, unless told to answer. */
function runaway(): (request: Parameters<ReturnType<typeof toolModel>>[0]) => FakeReply {
  let n = 0;
  return (r) => (r.body.tool_choice === 'none' ? { text: 'I looked in many places and could not decide.' } : { toolCalls: [{ name: 'search_text', arguments: { query: `cart${++n}` } }] });
}

async function limits(): Promise<string> {
  const rows: string[][] = [];
  for (const steps of [2, 4, 6, 8, 12, 20]) {
    const result = await ask('Where is `applyDiscount` called?', true, steps, runaway());
    rows.push([String(steps), String(result.steps), String(result.calls.length), n(result.usage?.promptTokens), usd(result.usage?.costUsd)]);
  }
  return table(['kestrel.chat.maxToolSteps', 'requests', 'lookups run', 'prompt tokens', 'cost of one runaway question'], rows);
}

export async function run(): Promise<string> {
  return `### Three questions, with and without lookups (fake OpenRouter, Claude 3.5 Haiku prices)\n\n${await questions()}\n\n### A model that never stops looking: what each step limit lets it spend\n\n${await limits()}\n`;
}
