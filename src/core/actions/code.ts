// Pure helpers for the palette actions: take the code out of a reply, keep the original
// indentation, name the test file by convention, and find the block around the cursor.

/**
 * The code in a reply: the first fenced block (even one still streaming, without its closing
 * fence), or the whole reply when the model sent bare code.
 */
export function extractCode(reply: string): string {
  // Line endings as LF, by `split` and `join`: a global replace of hundreds of thousands of CRLFs
  // takes several times longer per line ending.
  const text = reply.split('\r\n').join('\n').split('\r').join('\n');
  const open = /(^|\n)[ \t]*(```|~~~)[^\n]*\n/.exec(text);
  // `trimEnd`, not `/\s+$/`: tried from every space of a long run before a letter, that reads to
  // the letter each time.
  if (!open) return text.trim() === '' ? '' : text.replace(/^\n+/, '').trimEnd();
  const start = open.index + open[0].length;
  const close = new RegExp(`\\n[ \\t]*${open[2]}[ \\t]*(\\n|$)`).exec(text.slice(start - 1));
  const body = close ? text.slice(start, start - 1 + close.index) : text.slice(start);
  return body.trimEnd();
}

/** Re-indents `code` so its least-indented line starts at `baseIndent`, with the file's line ends. */
export function reindent(code: string, baseIndent: string, eol: '\n' | '\r\n' = '\n'): string {
  const lines = code.replace(/\r\n?/g, '\n').split('\n');
  const indents = lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0]);
  const common = indents.reduce((a, b) => {
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return a.slice(0, i);
  }, indents[0] ?? '');
  const unitTabs = baseIndent.includes('\t');
  return lines
    .map((l) => {
      if (!l.trim()) return '';
      let rest = l.slice(common.length);
      if (unitTabs) rest = rest.replace(/^( {4}|\t)+/, (m) => '\t'.repeat(m.replace(/ {4}/g, '\t').length));
      return baseIndent + rest;
    })
    .join(eol);
}

/** A test file name by the language's and the workspace's convention. */
export function testFileName(path: string, languageId: string, existingTests: string[] = []): string {
  const slash = path.lastIndexOf('/');
  const dir = slash >= 0 ? path.slice(0, slash) : '';
  const file = path.slice(slash + 1);
  const dot = file.lastIndexOf('.');
  const stem = dot > 0 ? file.slice(0, dot) : file;
  const ext = dot > 0 ? file.slice(dot) : '';
  const join = (d: string, f: string) => (d ? `${d}/${f}` : f);
  // Where the project keeps its tests: a tests folder beside the source root, or next to the code.
  const testDir = (() => {
    const folders = existingTests.map((t) => t.slice(0, Math.max(0, t.lastIndexOf('/')))).filter((d) => /(^|\/)(tests?|__tests__|spec)$/.test(d));
    if (!folders.length) return dir;
    const counts = new Map<string, number>();
    for (const f of folders) counts.set(f, (counts.get(f) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  })();
  switch (languageId) {
    case 'python':
      return join(existingTests.length ? testDir : dir, `test_${stem}.py`);
    case 'go':
      return join(dir, `${stem}_test.go`);
    case 'java':
    case 'kotlin':
      return join(dir.replace('/main/', '/test/'), `${stem}Test${ext}`);
    case 'csharp':
      return join(dir, `${stem}Tests${ext}`);
    case 'rust':
      return join('tests', `${stem}.rs`);
    case 'ruby':
      return join(existingTests.some((t) => t.endsWith('_spec.rb')) ? 'spec' : 'test', `${stem}_${existingTests.some((t) => t.endsWith('_spec.rb')) ? 'spec' : 'test'}.rb`);
    default: {
      const spec = existingTests.filter((t) => /\.spec\.[jt]sx?$/.test(t)).length > existingTests.filter((t) => /\.test\.[jt]sx?$/.test(t)).length;
      return join(testDir, `${stem}.${spec ? 'spec' : 'test'}${ext}`);
    }
  }
}

/** Glob for existing test files, to learn the convention from. */
export const TEST_FILE_GLOB = '**/{*.test.*,*.spec.*,test_*.py,*_test.py,*_test.go,*Test.java,*_spec.rb}';

/**
 * The block around `cursorLine` when no symbol provider knows one: the nearest line at or above it
 * that opens a block (a brace or a colon at its end, or a def/function/class keyword), through the
 * last line indented deeper than it (and its closing brace). 0-based, inclusive.
 */
export function enclosingBlock(lines: string[], cursorLine: number): { start: number; end: number } | undefined {
  const indent = (l: string) => (/^[ \t]*/.exec(l)?.[0].replace(/\t/g, '    ').length ?? 0);
  const opens = (l: string) => /[{:]\s*(\/\/.*|#.*)?$/.test(l.trimEnd()) || /^\s*(export\s+)?(async\s+)?(def|function|class|func|fn|impl|interface)\b/.test(l);
  for (let start = Math.min(cursorLine, lines.length - 1); start >= 0; start--) {
    const line = lines[start];
    if (!line.trim() || !opens(line)) continue;
    const base = indent(line);
    if (start < cursorLine && lines.slice(start + 1, cursorLine + 1).some((l) => l.trim() && indent(l) <= base && !/^\s*[)}\]]/.test(l))) continue;
    let end = start;
    for (let i = start + 1; i < lines.length; i++) {
      if (!lines[i].trim()) continue;
      if (indent(lines[i]) > base) {
        end = i;
        continue;
      }
      if (/^\s*[)}\]]/.test(lines[i])) end = i;
      break;
    }
    if (end > start) return { start, end };
  }
  return undefined;
}
