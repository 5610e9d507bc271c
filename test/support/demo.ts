// The offline demo's answers (`npm run sandbox` without an API key).

/** The request as the demo reads it: the chat-completions body. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;

/** The offline demo: a short line of code for a fill-in-the-middle prompt, a markdown answer for chat. */
export function demoAnswer(body: Body): string {
  const messages = (body?.messages ?? []) as { role: string; content: string }[];
  const all = messages.map((m) => String(m.content)).join('\n');
  const hole = /<(?:hole|HOLE|fill|FILL_HERE)[^>]*>|\{\{FILL_HERE\}\}|<CODE\d*>/.exec(all);
  if (hole || body?.max_tokens <= 256) {
    const before = hole ? all.slice(0, hole.index) : all;
    const line = before.split('\n').filter((l) => l.trim()).pop() ?? '';
    const indent = /^\s*/.exec(line)?.[0] ?? '';
    if (/\breturn\b/.test(line)) return '';
    if (/[{:]\s*$/.test(line)) return `${indent}  return undefined;`;
    const name = /(?:function|def|fn|func)\s+(\w+)/.exec(before)?.[1] ?? 'value';
    return `${indent}console.log('${name}');`;
  }
  const question = messages.filter((m) => m.role === 'user').pop()?.content ?? '';
  const code = /```[\s\S]*?```/.exec(question)?.[0] ?? '```ts\nconst answer = 42;\n```';
  return [
    '## Offline demo answer',
    '',
    'This answer comes from the bundled demo server, not a model. Set an API key to talk to a real one.',
    '',
    '- It streams token by token, like a real provider.',
    '- Code blocks are highlighted and offer **Copy**, **Insert** and **Apply**.',
    '',
    'The code you attached:',
    '',
    code,
  ].join('\n');
}
