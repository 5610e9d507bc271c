// Which files VS Code shows read-only by `files.readonlyInclude` / `files.readonlyExclude` (glob →
// boolean maps, matched like VS Code: on the workspace-relative and the absolute path). A suggestion
// in a read-only editor could never be accepted, so none is asked for.
import picomatch from 'picomatch';

export type GlobMap = Record<string, boolean> | undefined;

export type ReadonlyMatcher = (absolutePath: string, relativePath?: string) => boolean;

const toPosix = (p: string) => p.replace(/\\/g, '/');

function compile(globs: GlobMap): ((path: string) => boolean)[] {
  return Object.entries(globs ?? {})
    .filter(([glob, on]) => on === true && glob.trim() !== '')
    // `windows: false`: paths are made POSIX first, and left unset picomatch reads `navigator`, which
    // the extension host reports as an error on every call.
    .map(([glob]) => picomatch(toPosix(glob), { dot: true, windows: false, nocase: process.platform === 'win32' }));
}

export function createReadonlyMatcher(include: GlobMap, exclude: GlobMap): ReadonlyMatcher {
  const included = compile(include);
  const excluded = compile(exclude);
  if (included.length === 0) return () => false;
  return (absolutePath, relativePath) => {
    const paths = [toPosix(absolutePath), ...(relativePath === undefined ? [] : [toPosix(relativePath).replace(/^\.?\//, '')])];
    const matches = (list: ((path: string) => boolean)[]) => list.some((m) => paths.some((p) => m(p)));
    return matches(included) && !matches(excluded);
  };
}
