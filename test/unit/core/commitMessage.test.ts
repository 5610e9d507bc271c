// Generate Commit Message, the pure rules: the staged diff read per file, excluded files never in
// the prompt (renames by both names, unreadable headers left out), the cap, the style examples,
// and the answer cleaned into a message.
import * as assert from 'node:assert/strict';
import picomatch from 'picomatch';
import { capDiff, cleanCommitMessage, commitMessagePrompt, excludedNotice, MAX_DIFF_CHARS, parseDiff, splitExcluded, subjectOf, unquote } from '../../../src/core/commitMessage';

const SECRET = 'API_TOKEN=sk-live-do-not-send';

function modified(path: string, removed: string, added: string): string {
  return [`diff --git a/${path} b/${path}`, 'index 83db48f..bf269f4 100644', `--- a/${path}`, `+++ b/${path}`, '@@ -1,2 +1,2 @@', ' keep', `-${removed}`, `+${added}`, ''].join('\n');
}

const ENV_DIFF = modified('.env', 'API_TOKEN=old', SECRET);
const CODE_DIFF = modified('src/app.ts', 'const port = 80;', 'const port = 8080;');
const RENAME_TO_EXCLUDED = [
  'diff --git a/notes/config.txt b/deploy/prod.env',
  'similarity index 80%',
  'rename from notes/config.txt',
  'rename to deploy/prod.env',
  'index 1111111..2222222 100644',
  '--- a/notes/config.txt',
  '+++ b/deploy/prod.env',
  '@@ -1 +1,2 @@',
  ' HOST=example.org',
  `+${SECRET}`,
  '',
].join('\n');
const RENAME_FROM_EXCLUDED = RENAME_TO_EXCLUDED.split('notes/config.txt').join('.env.local').split('deploy/prod.env').join('deploy/settings.txt');

/** The default globs' way of matching: `**​/.env*`, `**​/*.env`, on the path and on the file name. */
const globs = picomatch(['**/.env*', '**/*.env', '**/*.pem'], { dot: true, nocase: true });
const excluded = (path: string) => globs(path) || globs(path.slice(path.lastIndexOf('/') + 1));

function promptFor(diff: string, subjects: string[] = []): string {
  const { kept, excluded: left } = splitExcluded(parseDiff(diff), excluded);
  return commitMessagePrompt({ diff: capDiff(kept), recentSubjects: subjects, excludedCount: left.length })
    .map((m) => m.content)
    .join('\n');
}

describe('commit message: reading the staged diff', () => {
  it('splits a diff into files with their paths, hunks and status', () => {
    const files = parseDiff(CODE_DIFF + ENV_DIFF);
    assert.deepEqual(
      files.map((f) => [f.oldPath, f.newPath, f.status, f.hunks.length]),
      [
        ['src/app.ts', 'src/app.ts', 'modified', 1],
        ['.env', '.env', 'modified', 1],
      ],
    );
    assert.ok(files[1].hunks[0].includes(`+${SECRET}`));
  });

  it('reads new, deleted, renamed and binary files, and names with spaces and quoting', () => {
    const diff = [
      'diff --git a/new.ts b/new.ts',
      'new file mode 100644',
      'index 0000000..e69de29',
      '--- /dev/null',
      '+++ b/new.ts',
      '@@ -0,0 +1 @@',
      '+export {};',
      'diff --git a/gone.ts b/gone.ts',
      'deleted file mode 100644',
      '--- a/gone.ts',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-x',
      'diff --git a/logo.png b/logo.png',
      'index 1..2 100644',
      'Binary files a/logo.png and b/logo.png differ',
      'diff --git a/my file.ts b/my file.ts',
      '--- a/my file.ts\t',
      '+++ b/my file.ts\t',
      '@@ -1 +1 @@',
      '-a',
      '+b',
      'diff --git "a/na\\303\\257ve.ts" "b/na\\303\\257ve.ts"',
      '--- "a/na\\303\\257ve.ts"',
      '+++ "b/na\\303\\257ve.ts"',
      '@@ -1 +1 @@',
      '-a',
      '+b',
      'diff --git a/empty.txt b/empty.txt',
      'new file mode 100644',
      'index 0000000..e69de29',
    ].join('\n');
    const files = parseDiff(diff);
    assert.deepEqual(
      files.map((f) => [f.oldPath, f.newPath, f.status, f.binary]),
      [
        [undefined, 'new.ts', 'added', false],
        ['gone.ts', undefined, 'deleted', false],
        ['logo.png', 'logo.png', 'modified', true],
        ['my file.ts', 'my file.ts', 'modified', false],
        ['naïve.ts', 'naïve.ts', 'modified', false],
        [undefined, 'empty.txt', 'added', false],
      ],
    );
  });

  it('unquotes git C-style names and refuses malformed quoting', () => {
    assert.equal(unquote('"a\\tb\\"c\\\\d"'), 'a\tb"c\\d');
    assert.equal(unquote('"\\360\\237\\230\\200.ts"'), '😀.ts');
    assert.equal(unquote('"bad\\q"'), undefined);
    assert.equal(unquote('"\\30"'), undefined);
  });

  it('drops text before the first file and colour codes, and a line of content never starts a file', () => {
    const coloured = `warning: something\n\u001b[1mdiff --git a/x.ts b/x.ts\u001b[m\n\u001b[1m--- a/x.ts\u001b[m\n\u001b[1m+++ b/x.ts\u001b[m\n\u001b[36m@@ -1 +1 @@\u001b[m\n\u001b[31m-a\u001b[m\n\u001b[32m+b\u001b[m\n`;
    const files = parseDiff(coloured);
    assert.equal(files.length, 1);
    assert.equal(files[0].newPath, 'x.ts');
    assert.deepEqual(files[0].hunks[0], ['@@ -1 +1 @@', '-a', '+b']);
    // A changed line that reads like a header stays content of its own file.
    const tricky = modified('README.md', 'old', ' diff --git a/.env b/.env');
    assert.equal(parseDiff(tricky).length, 1);
  });
});

describe('commit message: excluded files never reach the prompt', () => {
  it("an excluded file's hunk is not in the prompt; the other file's is", () => {
    const prompt = promptFor(CODE_DIFF + ENV_DIFF);
    assert.ok(prompt.includes('+const port = 8080;'));
    assert.ok(!prompt.includes('sk-live'), 'the .env line was sent');
    assert.ok(!prompt.includes('.env'), 'the excluded name was sent to the model');
    assert.match(prompt, /1 more staged file is private and not shown/);
  });

  it('a file renamed to an excluded name is left out, and one renamed from an excluded name', () => {
    for (const rename of [RENAME_TO_EXCLUDED, RENAME_FROM_EXCLUDED]) {
      const { kept, excluded: left } = splitExcluded(parseDiff(CODE_DIFF + rename), excluded);
      assert.equal(kept.length, 1, rename);
      assert.equal(left.length, 1);
      assert.ok(!promptFor(CODE_DIFF + rename).includes('sk-live'));
    }
    assert.deepEqual(splitExcluded(parseDiff(RENAME_TO_EXCLUDED), excluded).excluded, ['notes/config.txt → deploy/prod.env']);
  });

  it('a binary rename to an excluded name (no ---/+++ lines) is judged by the rename lines', () => {
    const diff = ['diff --git a/img.png b/keys/server.pem', 'similarity index 100%', 'rename from img.png', 'rename to keys/server.pem', ''].join('\n');
    assert.equal(splitExcluded(parseDiff(diff), excluded).kept.length, 0);
  });

  it('a file whose header cannot be read is left out', () => {
    const diff = ['diff --git a/x b/y z', 'index 1..2 100644', 'Binary files differ', ''].join('\n');
    const files = parseDiff(diff);
    assert.equal(files.length, 1);
    const { kept, excluded: left } = splitExcluded(files, () => false);
    assert.equal(kept.length, 0);
    assert.equal(left.length, 1);
  });

  it('judges the path without and with a one-letter prefix (diff.noprefix, diff.mnemonicPrefix)', () => {
    const noPrefix = CODE_DIFF.replace(/a\/src|b\/src/g, 'src') + ENV_DIFF.replace(/a\/\.env|b\/\.env/g, '.env');
    assert.ok(!promptFor(noPrefix).includes('sk-live'));
    const mnemonic = ENV_DIFF.replace(/a\/\.env/g, 'c/.env').replace(/b\/\.env/g, 'i/.env');
    assert.equal(splitExcluded(parseDiff(mnemonic), (p) => p === '.env').kept.length, 0);
  });

  it('binary files are named, never shown', () => {
    const diff = ['diff --git a/logo.png b/logo.png', 'index 1..2 100644', 'GIT binary patch', 'literal 5', 'zcmZSh&AAAAA', ''].join('\n');
    const text = capDiff(parseDiff(diff)).text;
    assert.match(text, /Binary file logo\.png changed \(contents not shown\)/);
    assert.ok(!text.includes('zcmZ'));
  });

  it('the notice names the excluded files, and says when nothing was sent', () => {
    assert.equal(excludedNotice([], false), undefined);
    assert.equal(excludedNotice(['.env', 'notes/a → b.env'], false), 'Kestrel: .env, notes/a → b.env left out of the commit message request (excluded by kestrel.exclude or .kestrelignore): neither their names nor their changes were sent.');
    assert.match(excludedNotice(['.env'], true)!, /every staged file is excluded.*nothing was sent: \.env\./);
  });
});

describe('commit message: the cap', () => {
  const big = (i: number, lines: number) => modified(`src/file${i}.ts`, 'x', Array.from({ length: lines }, (_, n) => `line ${i}.${n} ${'y'.repeat(60)}`).join('\n+'));

  it('keeps the diff within the cap, cutting the last files first and naming them', () => {
    const diff = Array.from({ length: 20 }, (_, i) => big(i, 40)).join('');
    const capped = capDiff(parseDiff(diff));
    assert.ok(capped.text.length <= MAX_DIFF_CHARS, `${capped.text.length}`);
    assert.ok(capped.cut);
    assert.ok(capped.text.includes('line 0.0'), 'the first file is shown');
    assert.ok(!capped.text.includes('line 19.0'), 'the last file is cut');
    assert.ok(capped.omitted.includes('src/file19.ts'));
    assert.equal(capped.partial.length, 1);
    const prompt = commitMessagePrompt({ diff: capped, recentSubjects: [], excludedCount: 0 })[1].content;
    assert.match(prompt, /The diff was cut to fit/);
    assert.match(prompt, /Staged too but not shown: .*src\/file19\.ts/);
  });

  it('a diff within the cap is sent whole and not called cut', () => {
    const capped = capDiff(parseDiff(CODE_DIFF));
    assert.equal(capped.cut, false);
    assert.equal(capped.text, CODE_DIFF.trimEnd());
    assert.doesNotMatch(commitMessagePrompt({ diff: capped, recentSubjects: [], excludedCount: 0 })[1].content, /cut/);
  });

  it('a single hunk larger than the cap is cut at a line, not dropped', () => {
    const capped = capDiff(parseDiff(big(0, 1000)), 2000);
    assert.ok(capped.text.length <= 2000 && capped.text.length > 1500, `${capped.text.length}`);
    assert.ok(capped.text.includes('line 0.0'));
    assert.deepEqual(capped.partial, ['src/file0.ts']);
  });
});

describe('commit message: style and answer', () => {
  it("the recent subjects go into the prompt as style examples, blank ones and bodies aside", () => {
    const subjects = ['feat(chat): add retry button', 'fix: keep the draft on error\n\nLonger body here', '', 'chore: bump deps'];
    const prompt = commitMessagePrompt({ diff: capDiff(parseDiff(CODE_DIFF)), recentSubjects: subjects, excludedCount: 0 });
    const user = prompt[1].content;
    assert.match(user, /- feat\(chat\): add retry button\n- fix: keep the draft on error\n- chore: bump deps/);
    assert.ok(!user.includes('Longer body here'), 'only subjects are sent');
    assert.match(prompt[0].content, /Follow the style of the repository's recent subjects/);
    assert.doesNotMatch(commitMessagePrompt({ diff: capDiff(parseDiff(CODE_DIFF)), recentSubjects: [], excludedCount: 0 })[1].content, /Recent commit subjects/);
  });

  it('at most ten subjects, each one bounded line', () => {
    const many = Array.from({ length: 15 }, (_, i) => `subject ${i}`);
    const user = commitMessagePrompt({ diff: capDiff(parseDiff(CODE_DIFF)), recentSubjects: many, excludedCount: 0 })[1].content;
    assert.ok(user.includes('subject 9') && !user.includes('subject 10'));
    assert.equal(subjectOf(`${'x'.repeat(500)}\nbody`).length, 200);
    assert.equal(subjectOf('a\u0007b\rc'), 'a b c');
  });

  it('cleans fences, preambles, labels, quotes and trailing whitespace', () => {
    assert.equal(cleanCommitMessage("Here's a commit message for these changes:\n\n```\nfeat: add port setting  \n\nUse 8080 by default.   \n```\nLet me know!"), 'feat: add port setting\n\nUse 8080 by default.');
    assert.equal(cleanCommitMessage('Sure!\nfix: handle empty lists'), 'fix: handle empty lists');
    assert.equal(cleanCommitMessage('Commit message: fix: handle empty lists'), 'fix: handle empty lists');
    assert.equal(cleanCommitMessage('"Add the port setting"'), 'Add the port setting');
    assert.equal(cleanCommitMessage('\n\nAdd x\n\n\n\nBody line \t\n\n'), 'Add x\n\nBody line');
    assert.equal(cleanCommitMessage('Sure-fire retries for uploads.\n\nBody.'), 'Sure-fire retries for uploads.\n\nBody.');
    // While it streams: an open fence already gives its lines.
    assert.equal(cleanCommitMessage('```text\nfeat: add'), 'feat: add');
  });

  it('reads a hostile answer in linear time and bounded', () => {
    const spaces = ' '.repeat(1_000_000) + 'x';
    const started = performance.now();
    const out = cleanCommitMessage(spaces);
    assert.ok(performance.now() - started < 500);
    assert.ok(out.length <= 8000);
    const diff = `diff --git ${'a/'.repeat(200_000)} b/x\n${'+'.repeat(500_000)}\n`;
    const t = performance.now();
    parseDiff(diff);
    assert.ok(performance.now() - t < 500);
  });
});
