// The chat's tools over files in memory, for tests and benchmarks that run without VS Code: the
// sample workspace read with plain fs (`.env` left out, as kestrel.exclude does by default) and
// read_file, search_text and list_files answered in the result shapes of src/vscode/chatTools.ts.
// The real tools, with the exclusion checks, are tested in test/vscode/tools.test.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ToolExecutor } from '../../src/core/chat/toolLoop';
import { count, numberedLines, type ParsedCall } from '../../src/core/chat/tools';

const ROOT = path.resolve(__dirname, '../../../sample-workspace');

/** The sample workspace's files (`.env` is excluded, as kestrel.exclude does by default), with overrides (null: left out). */
export function sampleWorkspace(overrides: Record<string, string | null> = {}): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name !== '.env') files.set(rel, fs.readFileSync(path.join(ROOT, rel), 'utf8'));
    }
  };
  walk('');
  for (const [p, text] of Object.entries(overrides)) {
    if (text === null) files.delete(p);
    else files.set(p, text);
  }
  return files;
}

// A glob as a regular expression: `**` and a slash any folders, `**` anything, `*` within a name, `?` one character.
function globRegex(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    if (glob.startsWith('**/', i)) {
      out += '(?:.*/)?';
      i += 2;
    } else if (glob.startsWith('**', i)) {
      out += '.*';
      i += 1;
    } else if (glob[i] === '*') out += '[^/]*';
    else if (glob[i] === '?') out += '[^/]';
    else out += glob[i].replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** An executor over files in memory, writing results as src/vscode/chatTools.ts does. */
export function memoryTools(files: Map<string, string>, ran: ParsedCall[] = []): ToolExecutor {
  return {
    async run(call) {
      ran.push(call);
      const lines = (p: string) => files.get(p)!.replace(/\n$/, '').split('\n');
      switch (call.tool) {
        case 'search_text': {
          const hits: string[] = [];
          const hitFiles = new Set<string>();
          for (const p of [...files.keys()].sort()) {
            if (call.include && !globRegex(call.include).test(p)) continue;
            lines(p).forEach((l, i) => {
              if (l.toLowerCase().includes(call.query.toLowerCase())) {
                hits.push(`${p}:${i + 1}: ${l.trim()}`);
                hitFiles.add(p);
              }
            });
          }
          if (!hits.length) return { text: `No matches for ${JSON.stringify(call.query)}.`, outcome: 'no matches' };
          const found = `${count(hits.length, 'match', 'matches')} in ${count(hitFiles.size, 'file')}`;
          return { text: [`${count(hits.length, 'match', 'matches')} for ${JSON.stringify(call.query)} in ${count(hitFiles.size, 'file')}:`, ...hits].join('\n'), outcome: found };
        }
        case 'read_file': {
          if (!files.has(call.path)) return { error: true, text: `Error: ${call.path} was not found in the workspace. Use list_files or search_text to find the right path.`, outcome: 'not found' };
          const all = lines(call.path);
          const start = call.startLine ?? 1;
          const end = Math.min(all.length, call.endLine ?? all.length);
          return { text: [`${call.path}, lines ${start}–${end} of ${all.length}:`, numberedLines(all.slice(start - 1, end), start)].join('\n'), title: `Read ${call.path} ${start}–${end}`, outcome: '' };
        }
        case 'list_files': {
          const paths = [...files.keys()].filter((p) => globRegex(call.glob).test(p)).sort();
          if (!paths.length) return { text: `No files match ${JSON.stringify(call.glob)}.`, outcome: 'no files' };
          return { text: [`${count(paths.length, 'file')} match ${JSON.stringify(call.glob)}:`, ...paths].join('\n'), outcome: count(paths.length, 'file') };
        }
        default:
          return { error: true, text: `Error: ${call.tool} is not available in this test.`, outcome: 'failed' };
      }
    },
  };
}

