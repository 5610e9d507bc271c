// Provider faults in the real extension host, injected by the fake server: for each, the chat keeps
// what had arrived with an error marker and the next question works; a burst of typing raises at
// most one notification and a 429's Retry-After keeps every request away until it expires; a
// palette action that fails part-way leaves the document exactly as it was.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FakeReply, FakeServer } from '../support/fake-server';
import { chatState, notices, resetSettings, scratch, TEST_KEY, useFakeServer, waitFor } from './helpers';


const SETTINGS = ['kestrel.provider', 'kestrel.baseUrl', 'kestrel.model', 'kestrel.inline.debounceMs'];
const LONG_ANSWER = 'The function adds the price of every item times its quantity, then applies the discount once at the end, so rounding happens only once.';

interface Fault {
  name: string;
  reply: FakeReply;
  /** What the user is told. */
  message: RegExp;
  /** The one-click fix the chat offers. */
  action?: string;
  /** Part of the answer arrives before the fault. */
  partial?: boolean;
  /** Whether a notification is due when automatic suggestions hit it (passing faults stay on the status bar). */
  notifiesInline: boolean;
}

const FAULTS: Fault[] = [
  { name: 'HTTP 401', reply: { status: 401 }, message: /rejected the API key \(401\)/, action: 'setApiKey', notifiesInline: true },
  { name: 'HTTP 402', reply: { status: 402 }, message: /out of credits \(402\)/, notifiesInline: true },
  { name: 'HTTP 403 (moderation)', reply: { status: 403 }, message: /refused the request \(403\).*violence/, notifiesInline: true },
  { name: 'HTTP 404 (retired model)', reply: { status: 404, errorMessage: 'fake-model has been retired' }, message: /does not offer "fake-model".*Select Model/, action: 'selectModel', notifiesInline: true },
  { name: 'HTTP 500', reply: { status: 500 }, message: /server error \(500\)/, notifiesInline: false },
  { name: 'HTTP 529', reply: { status: 529 }, message: /overloaded \(529\)/, notifiesInline: false },
  { name: 'HTTP 400', reply: { status: 400, errorMessage: 'max_tokens: must be at most 8192' }, message: /rejected the request \(400\): max_tokens/, notifiesInline: true },
  { name: 'HTTP 408', reply: { status: 408 }, message: /timed out .*\(408\)/, notifiesInline: false },
  { name: 'HTTP 502', reply: { status: 502 }, message: /server error \(502\)/, notifiesInline: false },
  { name: 'HTTP 503', reply: { status: 503 }, message: /overloaded \(503\)/, notifiesInline: false },
  { name: 'a captive portal page instead of JSON', reply: { rawBody: '<!DOCTYPE html><html><body>Sign in to the hotel Wi-Fi</body></html>', contentType: 'text/html', status: 200 }, message: /web page/, notifiesInline: false },
  { name: 'a malformed chunk', reply: { text: LONG_ANSWER, fault: 'malformed-chunk' }, message: /could not read part-way/, partial: true, notifiesInline: false },
  { name: 'an error inside the stream', reply: { text: LONG_ANSWER, fault: 'in-stream-error' }, message: /part-way/, partial: true, notifiesInline: false },
  { name: 'a stream cut mid-way', reply: { text: LONG_ANSWER, fault: 'reset-mid-stream' }, message: /connection|network|part-way|could not read/i, partial: true, notifiesInline: false },
];

const provide = (explicit = false) => vscode.commands.executeCommand<{ text: string } | undefined>('kestrel._test.provideInline', { explicit });


describe('Faults', () => {
  let server: FakeServer;
  const completions = () => server.completions;
  /** No request is left running: each one the server saw has ended or been closed by Kestrel. */
  const allEnded = () => waitFor(() => server.requests.every((r) => r.completed || r.aborted) || undefined, 'every request to end', 10_000);

  before(async () => {
    server = await useFakeServer({}, { 'kestrel.inline.debounceMs': 0 });
    await notices({ reset: true, answers: {} });
  });
  after(async () => {
    await notices({ reset: true, answers: null });
    await server.close();
    await resetSettings(SETTINGS);
  });
  beforeEach(async () => {
    await notices({ reset: true, answers: {} });
  });
  afterEach(async () => {
    server.setRespond((request) => ({ text: `echo: ${String(request.body?.messages?.at(-1)?.content ?? '').slice(-20)}` }));
    await vscode.commands.executeCommand('kestrel.discardProposal');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  describe('chat', () => {
    for (const fault of FAULTS) {
      it(`${fault.name}: the answer so far stays with an error marker, and the next question works`, async () => {
        // Streamed at a pace, so the part before the fault has reached Kestrel when it strikes.
        server.setRespond(() => ({ ...fault.reply, tokensPerSecond: 200 }));
        await vscode.commands.executeCommand('kestrel.chat.send', { prompt: `Explain the discount (${fault.name})`, newSession: true });
        const failed = await chatState();
        const answer = failed.turns.at(-1)!;
        assert.equal(failed.busy, false);
        assert.match(answer.error ?? '(no error)', fault.message);
        if (fault.action) assert.equal(answer.action, fault.action);
        if (fault.partial) assert.ok(answer.content.length > 0 && LONG_ANSWER.startsWith(answer.content), `kept "${answer.content}"`);
        else assert.equal(answer.content, '');
        await allEnded();

        server.setRespond(() => ({ text: 'Recovered.' }));
        await vscode.commands.executeCommand('kestrel.chat.send', { prompt: 'And now?' });
        const after = await chatState();
        assert.equal(after.turns.at(-1)!.content, 'Recovered.');
        assert.equal(after.turns.at(-1)!.error, undefined);
        assert.equal(after.turns.at(-3)!.content, answer.content, 'the failed answer is still in the conversation');
        assert.match(after.turns.at(-3)!.error ?? '', fault.message);
        assert.deepEqual(await notices(), [], 'the chat says it in the conversation, not in notifications');
      });
    }

    it('a server that echoes the key in its error: neither the conversation nor a notification carries it', async () => {
      server.setRespond(() => ({ status: 401, errorMessage: `Invalid API key: ${TEST_KEY} (you sent ${TEST_KEY})` }));
      await vscode.commands.executeCommand('kestrel.chat.send', { prompt: 'Echo my key', newSession: true });
      const error = (await chatState()).turns.at(-1)!.error ?? '';
      assert.match(error, /rejected the API key \(401\)/);
      assert.ok(!error.includes(TEST_KEY), error);
      const editor = await scratch('export const one = 1;\n');
      editor.selection = new vscode.Selection(0, 0, 0, 21);
      await vscode.commands.executeCommand('kestrel.document');
      const shown = await notices();
      assert.ok(shown.length >= 1, 'the failed action was reported');
      for (const notice of shown) assert.ok(!notice.message.includes(TEST_KEY), notice.message);
    });

    it('a stream that ends without [DONE]: the whole answer, no error', async () => {
      server.setRespond(() => ({ text: LONG_ANSWER, fault: 'no-done' }));
      await vscode.commands.executeCommand('kestrel.chat.send', { prompt: 'No end marker', newSession: true });
      const s = await chatState();
      assert.equal(s.turns.at(-1)!.content, LONG_ANSWER);
      assert.equal(s.turns.at(-1)!.error, undefined);
      await allEnded();
    });

    it('HTTP 429 with Retry-After: asked again only after the wait, and the answer arrives', async () => {
      server.script({ status: 429, headers: { 'retry-after': '1' } }, { text: 'After the wait.' });
      const before = completions().length;
      await vscode.commands.executeCommand('kestrel.chat.send', { prompt: 'Rate me', newSession: true });
      const s = await chatState();
      assert.equal(s.turns.at(-1)!.content, 'After the wait.');
      assert.equal(s.turns.at(-1)!.error, undefined);
      const [limited, retried] = completions().slice(before);
      assert.ok(retried.receivedAt >= limited.finishedAt! + 1000, `asked again ${retried.receivedAt - limited.finishedAt!} ms after the 429`);
    });
  });

  describe('automatic inline suggestions during a burst of typing', () => {
    async function typeBurst(editor: vscode.TextEditor, keys: number, between?: () => Promise<void>): Promise<void> {
      for (let i = 0; i < keys; i++) {
        const at = editor.selection.active;
        await editor.edit((e) => e.insert(at, i % 2 ? ' + ' : `n${i}`));
        const line = editor.document.lineAt(at.line).text;
        editor.selection = new vscode.Selection(at.line, line.length, at.line, line.length);
        await provide();
        await between?.();
      }
    }
    let bursts = 0;
    /** A document of its own per test, so no suggestion can come from an earlier test's cache. */
    async function editor(): Promise<vscode.TextEditor> {
      const content = `// burst ${++bursts}\nfunction total(values: number[]) {\n  const sum = \n}\n`;
      const shown = await scratch(content);
      shown.selection = new vscode.Selection(2, 14, 2, 14);
      return shown;
    }

    for (const fault of FAULTS) {
      it(`${fault.name}: ${fault.notifiesInline ? 'one notification' : 'no notification'} for the burst, and suggestions come back`, async () => {
        server.setRespond(() => fault.reply);
        const typing = await editor();
        const before = completions().length;
        await typeBurst(typing, 10);
        assert.ok(completions().length > before + 1, `the burst reached the provider (${completions().length - before} requests)`);
        const shown = await notices();
        assert.equal(shown.length, fault.notifiesInline ? 1 : 0, `notifications: ${JSON.stringify(shown.map((n) => n.message))}`);
        if (shown.length) {
          assert.match(shown[0].message, fault.message);
          const fix = { setApiKey: 'Set API Key', selectModel: 'Select Model' }[fault.action ?? ''];
          if (fix) assert.ok(shown[0].actions.includes(fix), `offers ${fix}: ${shown[0].actions.join(', ')}`);
        }
        await allEnded();

        server.setRespond(() => ({ text: 'values.length;' }));
        const item = await provide(true);
        assert.equal(item?.text, 'values.length;');
      });
    }

    // Without Retry-After, Kestrel leaves the provider alone for a few seconds of its own.
    for (const { retryAfter, waitS } of [{ retryAfter: '3', waitS: 3 }, { retryAfter: undefined, waitS: 5 }]) {
      it(`HTTP 429 ${retryAfter ? 'with' : 'without'} Retry-After: no request reaches the provider for ${waitS} s, and none is shown`, async () => {
        server.setRespond(() => ({ status: 429, headers: retryAfter ? { 'retry-after': retryAfter } : ({} as Record<string, string>) }));
        const typing = await editor();
        const before = completions().length;
        await typeBurst(typing, 10);
        const limited = completions().slice(before);
        assert.equal(limited.length, 1, `requests during the pause: ${limited.length}`);
        const pausedUntil = limited[0].finishedAt! + waitS * 1000;
        assert.deepEqual(await notices(), [], 'a rate limit while typing is quiet');

        server.setRespond(() => ({ text: 'values.length;' }));
        // Keep typing across the end of the pause: the first request after it may go out.
        let item: { text: string } | undefined;
        await waitFor(async () => {
          const at = typing.selection.active;
          await typing.edit((e) => e.insert(at, ' '));
          typing.selection = new vscode.Selection(at.line, at.character + 1, at.line, at.character + 1);
          item = await provide();
          return item;
        }, 'a suggestion after the pause', (waitS + 10) * 1000);
        assert.equal(item?.text, 'values.length;');
        const after = completions().slice(before + 1);
        assert.ok(after.length >= 1);
        for (const request of after) assert.ok(request.receivedAt >= pausedUntil, `a request went out ${pausedUntil - request.receivedAt} ms before the pause ended`);
        await allEnded();
      });
    }
  });

  describe('palette actions', () => {
    const ORIGINAL = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n';
    const DOCUMENTED = '```ts\n/**\n * Adds two numbers and returns their sum, which is a number as well.\n * @param a the first one\n * @param b the second one\n */\nexport function add(a: number, b: number): number {\n  return a + b;\n}\n```';

    const failedDocumentation = async (fault: Fault): Promise<vscode.TextEditor> => {
      server.setRespond(() => ({ ...fault.reply, text: DOCUMENTED, tokensPerSecond: 200 }));
      const editor = await scratch(ORIGINAL);
      const version = editor.document.version;
      editor.selection = new vscode.Selection(0, 0, 2, 1);
      await vscode.commands.executeCommand('kestrel.document');
      assert.equal(editor.document.getText(), ORIGINAL);
      assert.equal(editor.document.version, version);
      // An action the user asked for always gets its answer: one notification, naming the fault.
      const shown = await notices();
      assert.equal(shown.length, 1, `notifications: ${JSON.stringify(shown.map((n) => n.message))}`);
      assert.match(shown[0].message, fault.message);
      await allEnded();
      return editor;
    };

    for (const fault of FAULTS.filter((f) => f.partial || f.name === 'HTTP 500')) {
      it(`Add Documentation, ${fault.name}: the document is untouched, and the next action works`, async () => {
        const editor = await failedDocumentation(fault);
        const diffs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === 'kestrel-proposal');
        // A failure before any code arrived leaves no empty diff behind; a half answer stays for reading.
        if (!fault.partial) await waitFor(() => diffs().length === 0 || undefined, 'the empty diff to close');
        await vscode.commands.executeCommand('kestrel.discardProposal');
        server.setRespond(() => ({ text: DOCUMENTED }));
        await vscode.window.showTextDocument(editor.document);
        editor.selection = new vscode.Selection(0, 0, 2, 1);
        await vscode.commands.executeCommand('kestrel.document');
        const proposal = await waitFor(async () => {
          const p = await vscode.commands.executeCommand<{ proposed: string; done: boolean } | undefined>('kestrel._test.waitProposal');
          return p?.done ? p : undefined;
        }, 'the proposal', 10_000);
        assert.match(proposal.proposed, /Adds two numbers/);
        assert.equal(editor.document.getText(), ORIGINAL, 'still only a proposal');
      });
    }

    // The half proposal stays open for reading; Accept refuses it.
    it('Add Documentation, a stream cut mid-way: Accept afterwards applies nothing', async () => {
      const editor = await failedDocumentation(FAULTS.find((f) => f.reply.fault === 'reset-mid-stream')!);
      await vscode.commands.executeCommand('kestrel.acceptProposal');
      assert.equal(editor.document.getText(), ORIGINAL, 'Accept after a failed answer changed the document');
    });
  });
});
