// Which files may never leave the machine: `kestrel.exclude` globs plus a `.kestrelignore` at a
// workspace root (gitignore syntax). Pure: the adapter passes paths and the ignore file's text.
import picomatch from 'picomatch';
import ignore from 'ignore';

export interface ExcludeMatcher {
  /**
   * @param absolutePath the file's path (forward or back slashes)
   * @param relativePath the path relative to its workspace folder, when it is inside one
   */
  isExcluded(absolutePath: string, relativePath?: string): boolean;
}

const toPosix = (p: string) => p.replace(/\\/g, '/');

export function createExcludeMatcher(globs: readonly string[], ignoreFileText?: string): ExcludeMatcher {
  // `dot: true` so `**/.env*` matches dotfiles; globs are tried on the relative and the absolute path,
  // so `**/*.pem` catches a key file opened from outside any workspace folder too. Case-insensitive
  // everywhere: `.ENV` on a case-insensitive disk is the same file, and excluding too much is the safe side.
  const matchers = globs.map((g) => picomatch(toPosix(g), { dot: true, windows: false, nocase: true }));
  const ignoreRules = ignoreFileText ? ignore().add(ignoreFileText) : undefined;

  return {
    isExcluded(absolutePath, relativePath) {
      const abs = toPosix(absolutePath);
      const rel = relativePath === undefined ? undefined : toPosix(relativePath).replace(/^\.?\//, '');
      const base = abs.slice(abs.lastIndexOf('/') + 1);
      for (const m of matchers) {
        if (m(abs) || m(base) || (rel !== undefined && m(rel))) return true;
      }
      if (ignoreRules && rel !== undefined && rel !== '' && !rel.startsWith('../')) {
        return ignoreRules.ignores(rel);
      }
      return false;
    },
  };
}

/**
 * Lines shorter than this (trimmed) are too common to recognise a file by (`}`, `return null;`):
 * the language-model path looks for the longer lines of an open excluded document.
 */
export const RECOGNISED_LINE = 12;
/** The active editor's document is the one a chat attaches unasked: its short lines count too (`PW=hunter2`). */
export const RECOGNISED_LINE_ACTIVE = 6;

/**
 * Whether `sent` carries text of a document: any of its lines, trimmed, at least `minLine`
 * characters long, appears in `sent`. Used where the text arrives without the file it came from
 * (VS Code's chat calling Kestrel's models), to refuse text of excluded documents.
 *
 * Both texts come from outside, so the work is bounded: lines are looked up by their first
 * `minLine` characters at each position of `sent`, and a text pathological enough to exhaust a
 * budget linear in both sizes counts as carrying it (refusing is the safe side).
 */
export function carriesTextOf(sent: string, documentText: string, minLine = RECOGNISED_LINE): boolean {
  if (!sent || !documentText) return false;
  const byStart = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const raw of documentText.split('\n')) {
    const line = raw.trim();
    if (line.length < minLine || seen.has(line)) continue;
    seen.add(line);
    const key = line.slice(0, minLine);
    const lines = byStart.get(key);
    if (lines) lines.push(line);
    else byStart.set(key, [line]);
  }
  let budget = 8 * (sent.length + documentText.length) + 1024;
  for (let i = 0; i + minLine <= sent.length; i++) {
    const candidates = byStart.get(sent.slice(i, i + minLine));
    if (!candidates) continue;
    for (const line of candidates) {
      budget -= line.length;
      if (budget < 0 || sent.startsWith(line, i)) return true;
    }
  }
  return false;
}
