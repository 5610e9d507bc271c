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
