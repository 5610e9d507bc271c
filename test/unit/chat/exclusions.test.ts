import * as assert from 'node:assert/strict';
import { messagesWithinBudget, userContent, withoutExcluded, type Turn } from '../../../src/core/chat/history';

describe('chat history: attachments judged at each send', () => {
  const block = (label: string, code: string) => `${label} (typescript):\n\`\`\`typescript\n${code}\n\`\`\``;
  const turns: Turn[] = [
    { id: 'q1', role: 'user', content: 'What do these do?', attached: [
      { uri: 'file:///w/src/config.ts', label: 'config.ts:1-3', block: block('config.ts:1-3', "export const apiKey = 'sk-live-123';") },
      { uri: 'file:///w/src/cart.ts', label: 'cart.ts:1', block: block('cart.ts:1', 'export const total = 0;') },
    ] },
    { id: 'a1', role: 'assistant', content: 'The first holds a key; the second a total.' },
    { id: 'q2', role: 'user', content: 'And now?' },
  ];

  it('leaves out the attachment of a file excluded now, keeps the question and the rest, and says what it left out', () => {
    const { turns: sendable, leftOut } = withoutExcluded(turns, (uri) => uri.endsWith('/config.ts'));
    const sent = messagesWithinBudget(sendable, 100_000).map((m) => m.content).join('\n');
    assert.ok(!sent.includes('sk-live-123'), 'the excluded file\'s code was sent');
    for (const kept of ['What do these do?', 'export const total = 0;', 'The first holds a key', 'And now?']) assert.ok(sent.includes(kept), kept);
    assert.deepEqual(leftOut, [{ turnId: 'q1', label: 'config.ts:1-3' }]);
    assert.ok(userContent(turns[0]).includes('sk-live-123'), 'the saved conversation is unchanged: a lifted exclusion sends it again');
  });

  it('changes nothing when no attached file is excluded', () => {
    const { turns: sendable, leftOut } = withoutExcluded(turns, () => false);
    assert.deepEqual(leftOut, []);
    assert.deepEqual(sendable, turns);
  });

  it('still reads questions saved with their code as one text', () => {
    const saved: Turn = { id: 'old', role: 'user', content: 'Old question', context: block('a.ts:1', 'const a = 1;') };
    assert.match(userContent(saved), /Old question\n\na\.ts:1 \(typescript\)/);
  });
});
