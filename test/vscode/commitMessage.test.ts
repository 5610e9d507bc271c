// Generate Commit Message in the real extension host, with VS Code's own git extension: a repository
// made in a folder of the test workspace, a normal file and excluded files staged (a `.env`, and a
// file renamed to `prod.env`), the command run as the Source Control button runs it. The fake server
// must receive the normal file's hunk and the recent subjects, and not a byte of the excluded files;
// the input box must get the cleaned message, and keep the user's text when the request fails.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { FakeReply, FakeServer } from '../support/fake-server';
import { notices, resetSettings, sleep, useFakeServer, waitFor } from './helpers';

const SETTINGS = ['kestrel.provider', 'kestrel.baseUrl', 'kestrel.model'];
const SECRET = 'sk-live-commit-test-4f1a';
const RENAMED_SECRET = 'db-password-renamed-77c2';
/** Ten lines, so that with one more git still sees the move as a rename. */
const CONFIG = ['HOST=example.org', 'USER=app', 'MODE=prod', ...Array.from({ length: 7 }, (_, i) => `OPTION_${i}=on`)].join('\n') + '\n';
const SUBJECTS = ['feat(api): accept empty bodies', 'fix: keep the draft on error', 'chore: first commit'];

/** The members of the git extension's API this test uses. */
interface GitRepository {
  rootUri: vscode.Uri;
  inputBox: { value: string };
  status(): Promise<void>;
}
interface GitApi {
  repositories: GitRepository[];
  getRepository(uri: vscode.Uri): GitRepository | null;
  openRepository(root: vscode.Uri): Promise<GitRepository | null>;
}

describe('Generate Commit Message', () => {
  let server: FakeServer;
  let next: FakeReply = { text: 'ok' };
  let root: string;
  let repository: GitRepository;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });
  const userText = () => String(server.requests.at(-1)?.body.messages.map((m: { content: string }) => m.content).join('\n') ?? '');

  before(async function () {
    this.timeout(60_000);
    server = await useFakeServer({ respond: () => next });
    const extension = vscode.extensions.getExtension<{ enabled: boolean; getAPI(v: 1): GitApi }>('vscode.git');
    assert.ok(extension, "VS Code's git extension is installed");
    const exports = extension.isActive ? extension.exports : await extension.activate();
    assert.ok(exports.enabled, 'git is enabled');
    const api = exports.getAPI(1);

    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    root = join(folder, `commit-repo-${Date.now()}`);
    mkdirSync(root);
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'test@example.org');
    git('config', 'user.name', 'Test');
    git('config', 'commit.gpgsign', 'false');
    writeFileSync(join(root, 'server.ts'), 'export const host = "localhost";\nexport const port = 80;\n');
    writeFileSync(join(root, '.env'), 'API_TOKEN=old-token\n');
    writeFileSync(join(root, 'config.txt'), CONFIG);
    git('add', '-A');
    for (const [i, subject] of [...SUBJECTS].reverse().entries()) {
      if (i > 0) writeFileSync(join(root, `history${i}.txt`), `${i}\n`);
      git('add', '-A');
      git('commit', '-q', '-m', subject, '-m', 'A body line that is not a subject.');
    }
    const opened = (await api.openRepository(vscode.Uri.file(root))) ?? api.getRepository(vscode.Uri.file(root));
    repository = await waitFor(() => opened ?? api.getRepository(vscode.Uri.file(root)) ?? undefined, 'the git extension to open the repository', 20_000);
  });

  after(async () => {
    await server.close();
    await resetSettings(SETTINGS);
    rmSync(root, { recursive: true, force: true });
  });

  /**
   * Sets the input box as the user would and lets VS Code's echoes of earlier writes arrive first:
   * the extension host hears every value back from the window a moment after it set it.
   */
  async function setBox(value: string): Promise<void> {
    repository.inputBox.value = value;
    await sleep(400);
    assert.equal(repository.inputBox.value, value);
  }
  /** The input box once it has stopped changing. */
  async function settledBox(): Promise<string> {
    await sleep(400);
    return repository.inputBox.value;
  }

  beforeEach(async () => {
    await notices({ reset: true, answers: {} });
    await setBox('');
  });

  it('sends the staged hunk of a normal file and the recent subjects, never an excluded file, and writes the message', async () => {
    writeFileSync(join(root, 'server.ts'), 'export const host = "localhost";\nexport const port = 8080;\n');
    writeFileSync(join(root, '.env'), `API_TOKEN=${SECRET}\n`);
    git('mv', 'config.txt', 'prod.env');
    writeFileSync(join(root, 'prod.env'), `${CONFIG}PASSWORD=${RENAMED_SECRET}\n`);
    git('add', '-A');
    writeFileSync(join(root, 'server.ts'), 'export const host = "localhost";\nexport const port = 9999; // not staged\n');
    await repository.status();
    const before = server.requests.length;
    next = { text: "Here's a commit message for your changes:\n\n```\nfeat(server): listen on port 8080   \n```\n" };

    await vscode.commands.executeCommand('kestrel.generateCommitMessage', repository);

    assert.equal(server.requests.length, before + 1, 'one request');
    const sent = JSON.stringify(server.requests.at(-1)!.body);
    const text = userText();
    assert.ok(text.includes('+export const port = 8080;'), 'the staged hunk of server.ts is sent');
    assert.ok(!text.includes('9999'), 'unstaged changes are not sent');
    assert.ok(!sent.includes(SECRET) && !sent.includes('old-token'), 'nothing of .env is sent');
    assert.ok(!sent.includes(RENAMED_SECRET) && !sent.includes('MODE=prod'), 'nothing of the file renamed to prod.env is sent');
    assert.ok(!sent.includes('.env'), 'the excluded names are not sent either');
    for (const subject of SUBJECTS) assert.ok(text.includes(`- ${subject}`), `the recent subject "${subject}" is sent as an example`);
    assert.ok(!text.includes('A body line'), 'only subjects, not bodies');
    assert.equal(await settledBox(), 'feat(server): listen on port 8080');
    const shown = await notices();
    const leftOut = shown.find((n) => /left out of the commit message request/.test(n.message));
    assert.ok(leftOut, 'the user is told which files were left out');
    assert.match(leftOut.message, /\.env/);
    assert.match(leftOut.message, /config\.txt → prod\.env/);
  });

  it("keeps the user's text in the input box when the request fails", async () => {
    await setBox('my own draft');
    next = { status: 401 };
    await vscode.commands.executeCommand('kestrel.generateCommitMessage', repository);
    assert.equal(await settledBox(), 'my own draft');
    assert.ok((await notices()).some((n) => /401/.test(n.message)), 'the error is shown');
  });

  it('puts the old text back when the answer breaks off after part of the message arrived', async () => {
    await setBox('my own draft');
    next = { text: 'feat(server): a message that will never finish because the stream breaks', tokensPerSecond: 20, fault: 'reset-mid-stream' };
    const seen = new Set<string>();
    const watch = setInterval(() => seen.add(repository.inputBox.value), 10);
    await vscode.commands.executeCommand('kestrel.generateCommitMessage', repository);
    clearInterval(watch);
    assert.ok([...seen].some((v) => v.startsWith('feat(server)')), 'part of the message streamed into the box');
    assert.equal(await settledBox(), 'my own draft');
  });

  it('stops and keeps what the user typed when they type in the box while the message streams', async () => {
    next = { text: 'feat(server): ' + 'a slow message '.repeat(40), tokensPerSecond: 8 };
    const running = vscode.commands.executeCommand('kestrel.generateCommitMessage', repository);
    await waitFor(() => repository.inputBox.value.startsWith('feat(server)'), 'the message to start streaming', 10_000);
    repository.inputBox.value = 'typed by me';
    await running;
    assert.equal(await settledBox(), 'typed by me');
    assert.ok(server.requests.at(-1)!.aborted, 'the request was stopped');
  });

  it('Stop ends the request and puts the old text back', async () => {
    await setBox('draft before stop');
    next = { text: 'feat(server): ' + 'a slow message '.repeat(40), tokensPerSecond: 8 };
    const running = vscode.commands.executeCommand('kestrel.generateCommitMessage', repository);
    await waitFor(() => repository.inputBox.value.startsWith('feat(server)'), 'the message to start streaming', 10_000);
    await vscode.commands.executeCommand('kestrel.stopCommitMessage');
    await running;
    assert.equal(await settledBox(), 'draft before stop');
    assert.ok(server.requests.at(-1)!.aborted, 'the request was stopped');
  });

  it('says to stage changes first when nothing is staged, and sends nothing', async () => {
    git('commit', '-q', '-m', 'feat(server): listen on port 8080');
    await repository.status();
    const before = server.requests.length;
    await setBox('draft');
    await vscode.commands.executeCommand('kestrel.generateCommitMessage', repository);
    assert.equal(server.requests.length, before, 'no request');
    assert.equal(await settledBox(), 'draft');
    assert.ok((await notices()).some((n) => /nothing is staged in commit-repo-\d+\. Stage the changes/.test(n.message)));
  });

  it('sends nothing when every staged file is excluded', async () => {
    writeFileSync(join(root, '.env'), 'API_TOKEN=another\n');
    git('add', '.env');
    const before = server.requests.length;
    await vscode.commands.executeCommand('kestrel.generateCommitMessage', repository);
    assert.equal(server.requests.length, before, 'no request');
    assert.ok((await notices()).some((n) => /every staged file is excluded.*nothing was sent: \.env\./.test(n.message)));
  });
});
