// Prompt recipes for the palette actions: data (what each action asks for) plus the pure function
// that turns a target (the code, where it is, the diagnostics) into chat messages.
import type { ChatMessage } from '../client/types';

export type ActionId = 'explain' | 'refactor' | 'document' | 'fix' | 'generateTests';

export interface ActionTarget {
  path: string;
  languageId: string;
  code: string;
  /** 1-based, inclusive, for the prompt. */
  startLine: number;
  endLine: number;
}

export interface DiagnosticInfo {
  severity: 'error' | 'warning' | 'information' | 'hint';
  message: string;
  startLine: number;
  endLine: number;
  source?: string;
  code?: string;
}

export interface ActionExtras {
  instruction?: string;
  diagnostics?: DiagnosticInfo[];
  /** The test file the tests go to, and an existing test file's opening lines to follow its style. */
  testPath?: string;
  testExample?: string;
}

/** Doc-comment styles by language id: what "Add Documentation" asks for. */
export const DOC_STYLES: Record<string, string> = {
  typescript: 'JSDoc comments (/** … */) with @param and @returns',
  typescriptreact: 'JSDoc comments (/** … */) with @param and @returns',
  javascript: 'JSDoc comments (/** … */) with @param and @returns',
  javascriptreact: 'JSDoc comments (/** … */) with @param and @returns',
  python: 'PEP 257 docstrings (Google style Args/Returns/Raises sections)',
  go: 'Go doc comments (// Name …) on exported identifiers',
  rust: 'rustdoc comments (///) with # Examples where useful',
  java: 'Javadoc comments (/** … */) with @param, @return and @throws',
  csharp: 'XML documentation comments (/// <summary>, <param>, <returns>)',
  c: 'Doxygen comments (/** … */) with @param and @return',
  cpp: 'Doxygen comments (/** … */) with @param and @return',
  ruby: 'YARD comments (# @param, # @return)',
  php: 'PHPDoc comments (/** … */) with @param and @return',
  swift: 'Swift markup comments (///) with - Parameter and - Returns',
  kotlin: 'KDoc comments (/** … */) with @param and @return',
  shellscript: '# comments above each function describing arguments and output',
};

export const ACTION_TITLES: Record<ActionId, string> = {
  explain: 'Explaining',
  refactor: 'Refactoring',
  document: 'Documenting',
  fix: 'Fixing',
  generateTests: 'Writing tests for',
};

const REPLACE_RULES =
  'Reply with the complete replacement for the code shown, in one fenced code block, and nothing after it. ' +
  'Keep everything the request does not ask to change exactly as it is, including names, comments and formatting.';

function fenced(target: ActionTarget): string {
  return `File: ${target.path} (${target.languageId}), lines ${target.startLine}–${target.endLine}:\n\`\`\`${target.languageId}\n${target.code}\n\`\`\``;
}

export function actionMessages(action: ActionId, target: ActionTarget, extras: ActionExtras = {}): ChatMessage[] {
  const system = `You are an expert ${target.languageId} programmer working inside VS Code.`;
  let user: string;
  switch (action) {
    case 'explain':
      user = `Explain what this code does, how, and anything surprising in it. Be concise; use markdown.\n\n${fenced(target)}`;
      break;
    case 'refactor':
      user = `Refactor this code: ${extras.instruction?.trim() || 'make it clearer without changing its behaviour'}.\n${REPLACE_RULES}\n\n${fenced(target)}`;
      break;
    case 'document':
      user = `Add documentation to this code using ${DOC_STYLES[target.languageId] ?? 'the idiomatic doc-comment style of the language'}. Do not change the code itself.\n${REPLACE_RULES}\n\n${fenced(target)}`;
      break;
    case 'fix': {
      const problems = (extras.diagnostics ?? []).map((d) => `- ${d.severity} at line ${d.startLine}${d.endLine !== d.startLine ? `–${d.endLine}` : ''}${d.source ? ` (${d.source}${d.code ? ` ${d.code}` : ''})` : ''}: ${d.message}`);
      user = `Fix ${problems.length ? 'these problems' : 'the bugs'} in this code.${problems.length ? `\n${problems.join('\n')}` : ''}\n${REPLACE_RULES}\n\n${fenced(target)}`;
      break;
    }
    case 'generateTests':
      user =
        `Write unit tests for this code, to be saved as ${extras.testPath ?? 'a test file'}. Cover normal cases, edge cases and errors. ` +
        `Reply with the whole test file in one fenced code block.${extras.testExample ? `\nFollow the style of this existing test file:\n\`\`\`\n${extras.testExample}\n\`\`\`` : ''}\n\n${fenced(target)}`;
      break;
  }
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}
