// Reads a workspace folder's project instructions for the chat and the palette actions
// (src/core/chat/instructions.ts decides which files, their order, the cap and the prompt text).
// Each file is judged against the exclusions before it is read, by its path and by its real path
// (a link to an excluded file is not read); nothing is read in Restricted Mode or with
// `kestrel.chat.projectInstructions` off. Read again at every request: a changed file counts at once.
import * as vscode from 'vscode';
import { chooseFolder, decodeInstructions, instructionFiles, mergeInstructions, MAX_INSTRUCTIONS_FILE_BYTES, type InstructionsFile, type ProjectInstructions } from '../core/chat/instructions';
import type { Services } from './services';

/** The last note logged per file: a file skipped at every request is logged once, until that changes. */
const noted = new Map<string, string>();

/** The instructions of the folder of `near` (the active editor's document), else of the first folder. */
export async function readProjectInstructions(services: Pick<Services, 'settings' | 'isExcluded' | 'log'>, near?: vscode.Uri): Promise<ProjectInstructions | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const folder = chooseFolder(near ? vscode.workspace.getWorkspaceFolder(near) : undefined, folders);
  const paths = instructionFiles({ enabled: services.settings().projectInstructions, trusted: vscode.workspace.isTrusted, hasFolder: folder !== undefined });
  if (!folder || !paths.length) return undefined;
  const read = await Promise.all(paths.map((path) => readOne(services, folder.uri, path)));
  return mergeInstructions(read.filter((f): f is InstructionsFile => f !== undefined));
}

async function readOne(services: Pick<Services, 'isExcluded' | 'log'>, root: vscode.Uri, path: string): Promise<InstructionsFile | undefined> {
  const uri = vscode.Uri.joinPath(root, path);
  const note = (text: string | undefined) => {
    const key = uri.toString();
    if (noted.get(key) === text) return;
    if (text === undefined) noted.delete(key);
    else {
      noted.set(key, text);
      services.log.info(`[instructions] ${vscode.workspace.asRelativePath(uri)} ${text}`);
    }
  };
  let stat: vscode.FileStat;
  try {
    stat = await vscode.workspace.fs.stat(uri);
  } catch {
    note(undefined);
    return undefined; // no such file: the usual case
  }
  if (!(stat.type & vscode.FileType.File)) return void note('is not a file; skipped.');
  // Before any byte is read: the same check as everything else Kestrel sends, links resolved.
  if (services.isExcluded(uri)) return void note('is excluded (kestrel.exclude or .kestrelignore); not read.');
  if (stat.size > MAX_INSTRUCTIONS_FILE_BYTES) return void note(`is too large to be instructions (${stat.size} bytes); skipped.`);
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch (error) {
    return void note(`could not be read (${error instanceof Error ? error.message : String(error)}); skipped.`);
  }
  const decoded = decodeInstructions(bytes);
  if ('skipped' in decoded) return void note(decoded.skipped === 'binary' ? 'is not UTF-8 text; skipped.' : 'is empty; skipped.');
  note(undefined);
  return { path, bytes: bytes.length, text: decoded.text };
}
