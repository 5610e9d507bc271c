// The offline demo's view of the cursor (see demo.ts): the file around it, the function it is in and
// the names in scope there, and the statements and functions the demo writes in the file's language.
import type { InlinePrompt } from '../../src/core/completion/prompt';
import { functionsIn, indentOf, kindOf, langOf, printLine, summary, valueFor, wordsOf, type Fn, type Lang, type Param } from './demo-code';

/** The cursor's surroundings, as the rules below read them. */
export interface Spot {
  lang: Lang;
  /** The whole file, and its lines; `row` is the cursor's line. */
  file: string;
  lines: string[];
  row: number;
  linePrefix: string;
  lineSuffix: string;
  /** The indentation of the cursor line, and one level of it. */
  indent: string;
  unit: string;
  fns: Fn[];
  /** The function the cursor is in. */
  fn?: Fn;
  /** The nearest non-blank lines above and below the cursor line (-1: none). */
  prevRow: number;
  nextRow: number;
}

export function spotOf(prompt: InlinePrompt): Spot {
  const lang = langOf(prompt.languageId, prompt.path);
  const eol = prompt.prefix.includes('\r\n') || prompt.suffix.includes('\r\n') ? /\r?\n/ : '\n';
  const before = prompt.prefix.split(eol);
  const after = prompt.suffix.split(eol);
  const linePrefix = before[before.length - 1];
  const lineSuffix = after[0];
  const lines = [...before.slice(0, -1), linePrefix + lineSuffix, ...after.slice(1)];
  const row = before.length - 1;
  const fns = functionsIn(lines, lang);
  const indent = /^[ \t]*/.exec(linePrefix + lineSuffix)![0];
  const nonBlank = (from: number, step: number) => {
    for (let i = from; i >= 0 && i < lines.length; i += step) if (lines[i].trim()) return i;
    return -1;
  };
  const column = indentOf(indent);
  const fn = fns.filter((f) => f.line < row && f.indent < column && lines.slice(f.line + 1, row).every((l) => !l.trim() || indentOf(l) > f.indent)).pop();
  return { lang, file: lines.join('\n'), lines, row, linePrefix, lineSuffix, indent, unit: unitOf(lines, lang), fns, fn, prevRow: nonBlank(row - 1, -1), nextRow: nonBlank(row + 1, 1) };
}

/** One level of indentation in this file. */
function unitOf(lines: string[], lang: Lang): string {
  if (lines.some((l) => l.startsWith('\t'))) return '\t';
  const widths = lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length).filter((n) => n > 0);
  if (widths.length) return ' '.repeat(Math.min(...widths));
  return lang.family === 'go' ? '\t' : lang.family === 'python' ? '    ' : '  ';
}

/** The function's parameters and the names assigned in it before the cursor. */
export function scopeAt(s: Spot, fn = s.fn): Param[] {
  if (!fn) return [];
  const locals = s.lines
    .slice(fn.line + 1, s.row)
    .map((l) => /^\s*(?:(?:const|let|var|val|auto|my)\s+)?([A-Za-z_]\w*)\s*(?::\s*[^=]+)?(?::=|=)(?!=)/.exec(l)?.[1])
    .filter((n): n is string => Boolean(n) && !fn.params.some((p) => p.name === n))
    .map((name) => ({ name }));
  return [...fn.params, ...locals];
}

/** The variable the code assigned last. */
export function lastAssigned(body: string, lang: Lang): string | undefined {
  const names = [...body.matchAll(/^\s*(?:(?:const|let|var|val|auto|my)\s+)?([A-Za-z_]\w*)\s*(?::\s*[^=\n]+)?(?::=|=)(?!=)/gm)].map((m) => m[1]);
  return names.filter((n) => !(lang.family === 'js' && n === 'this')).pop();
}

/** `return <value>` for the function's name and parameters, in the language's form. */
export function returnStatement(s: Spot, fn: Fn): string {
  const value = valueFor(fn.name, scopeAt(s, fn), s.lang, fn.returns, s.file);
  if (value === '') return s.lang.family === 'python' ? 'return' : `return${s.lang.semi}`;
  return returnOf(value ?? fn.params[0]?.name ?? nothing(s.lang), s.lang);
}

/** Rust gives its result as the block's last expression. */
export function returnOf(value: string, lang: Lang): string {
  return lang.family === 'rust' ? value : `return ${value}${lang.semi}`;
}

const CONSTRUCTORS = /^(?:__init__|constructor|init|initialize|new|setUp)$/;

/** A function declared to give nothing back (or one that cannot: `main`, a constructor). */
export function returnsNothing(fn: Fn, lang: Lang): boolean {
  if (CONSTRUCTORS.test(fn.name) || fn.name === 'main') return true;
  if (lang.family === 'go' || lang.family === 'rust') return !fn.returns;
  return /^(?:void|None|Unit|\(\))$/.test(fn.returns ?? '');
}

/** The first statement of an empty function body: fields set from a constructor's parameters, else its result. */
export function firstStatement(s: Spot, fn: Fn): string {
  const { lang } = s;
  if (CONSTRUCTORS.test(fn.name) && fn.params.length) {
    const self = lang.family === 'python' ? 'self' : lang.family === 'ruby' ? '@' : 'this';
    return fn.params.map((p) => `${self === '@' ? '@' : `${self}.`}${p.name} = ${p.name}${lang.semi}`).join(`\n${s.indent}`);
  }
  if (lang.family === 'shell') return printLine(lang, '1');
  if (returnsNothing(fn, lang)) return fn.params.length ? printLine(lang, fn.params[0].name) : '';
  return returnStatement(s, fn);
}

function nothing(lang: Lang): string {
  return { python: 'None', go: 'nil', js: 'undefined', rust: '()', ruby: 'nil', shell: '0', c: 'null' }[lang.family];
}

export function typeFor(kind: 'list' | 'number' | 'string' | 'boolean', lang: Lang): string | undefined {
  const types: Record<string, Record<string, string>> = {
    js: { list: 'number[]', number: 'number', string: 'string', boolean: 'boolean' },
    go: { list: '[]float64', number: 'float64', string: 'string', boolean: 'bool' },
    rust: { list: '&[f64]', number: 'f64', string: 'String', boolean: 'bool' },
  };
  return types[lang.family]?.[kind];
}

/** What kind of value an expression the demo wrote gives. */
export function guessKind(value: string, params: Param[]): 'number' | 'string' | 'boolean' | undefined {
  if (/===|!==|==|!=|>|<|\bis_empty\b|^Boolean\(|^bool\(/.test(value) && !/=>/.test(value)) return 'boolean';
  if (/^[`"']|^f"|Sprintf|format!|toFixed|\.upper|\.lower|toUpperCase|toLowerCase|\.strip|\.trim/.test(value)) return 'string';
  if (/\blen\(|\.length\b|\bsum\(|reduce\(|[-+*/]|Math\.|\bmax\(|\bmin\(/.test(value)) return 'number';
  const param = params.find((p) => p.name === value);
  const kind = param && kindOf(param);
  return kind === 'number' || kind === 'string' || kind === 'boolean' ? kind : undefined;
}

export function nameFrom(words: string[], lang: Lang): string {
  if (lang.family === 'python' || lang.family === 'ruby' || lang.family === 'rust' || lang.family === 'shell') return words.join('_');
  const camel = words.map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1))).join('');
  return lang.family === 'go' ? camel[0].toUpperCase() + camel.slice(1) : camel;
}

/** A whole function in the language: header, doc where the language has the habit, body. */
export function defineFunction(s: Spot, name: string, params: Param[], returns: string | undefined, body?: string, about?: string): string {
  const { lang, unit } = s;
  const fn: Fn = { name, params, returns, indent: 0, line: s.row, exported: true };
  const exported = s.fns.some((f) => f.exported) && lang.family === 'js' ? 'export ' : '';
  const code = body ?? returnStatement(s, fn);
  const indented = code
    .split('\n')
    .map((l) => unit + l)
    .join('\n');
  const list = (f: (p: Param) => string) => params.map(f).join(', ');
  switch (lang.family) {
    case 'python':
      return `def ${name}(${list((p) => p.name)}):\n${unit}"""${about ? `Return the ${about}.` : summary(fn, lang)}"""\n${indented}`;
    case 'go':
      return `// ${name} returns the ${about ?? wordsOf(name).join(' ')}.\nfunc ${name}(${list((p) => `${p.name} ${p.type ?? 'float64'}`)}) ${returns ?? 'float64'} {\n${indented}\n}`;
    case 'js':
      return `${exported}function ${name}(${list((p) => (p.type && /typescript/.test(lang.id) ? `${p.name}: ${p.type}` : p.name))})${returns && /typescript/.test(lang.id) ? `: ${returns}` : ''} {\n${indented}\n}`;
    case 'rust':
      return `fn ${name}(${list((p) => `${p.name}: ${p.type ?? '&[f64]'}`)}) -> ${returns ?? 'f64'} {\n${indented.replace(/;$/, '')}\n}`;
    case 'ruby':
      return `def ${name}(${list((p) => p.name)})\n${indented.replace(/^(\s*)return /, '$1')}\nend`;
    default:
      return '';
  }
}
