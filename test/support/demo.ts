// The offline demo's answers (`npm run sandbox` without an API key, fake-server.ts `demo: true`): a
// newcomer's first sight of Kestrel, so they must look right on the sample workspace. An inline
// prompt (read back with the prompt module) gets a continuation derived from the code around the
// cursor, in the file's language: the open call closed, a `return` completed from the function's
// parameters, a loop's next statement, a docstring. A chat question gets an answer that names and
// quotes the code it was given. No model is involved, and chat answers say so.
//
// This file: the answer for a request, and the rules for the cursor line. demo-blank.ts: the rules
// for a blank line. demo-spot.ts: the cursor's surroundings and the statements written there.
// demo-code.ts: reading code (languages, functions, names). demo-chat.ts: chat and palette answers.
import { CLOSE, OPEN, parseInlinePrompt, prefillTail, type InlinePrompt } from '../../src/core/completion/prompt';
import { demoChat } from './demo-chat';
import { blankLine } from './demo-blank';
import { indentOf, kindOf, lowerFirst, singular, splitTop, summary, valueFor, type Fn, type Lang, type Param } from './demo-code';
import { guessKind, lastAssigned, returnsNothing, scopeAt, spotOf, typeFor, type Spot } from './demo-spot';

/** The answer to a chat-completions request body: a fill for an inline prompt, markdown for chat. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function demoAnswer(body: any): string {
  const messages = (Array.isArray(body?.messages) ? body.messages : []) as { role: string; content: unknown }[];
  const prompt = parseInlinePrompt(messages);
  if (prompt) return inlineAnswer(prompt);
  return demoChat(messages.map((m) => ({ role: m.role, content: typeof m.content === 'string' ? m.content : JSON.stringify(m.content) })));
}

/** What a model following the prompt sends: the fill in its tags, or after a prefill, the prefill's continuation. */
export function inlineAnswer(prompt: InlinePrompt): string {
  const fill = demoFill(prompt);
  if (prompt.prefill === undefined) return `${OPEN}${fill}${CLOSE}`;
  const tail = prefillTail(prompt.prefix);
  return `${tail.startsWith(prompt.prefill) ? tail.slice(prompt.prefill.length) : ''}${fill}${CLOSE}`;
}

/** The code for the hole of an inline prompt: what the demo suggests at the cursor ('' for nothing). */
export function demoFill(prompt: InlinePrompt): string {
  const spot = spotOf(prompt);
  let fill = fillAt(spot);
  // Code after the cursor on its line stays: the fill must end where that code begins.
  const rest = spot.lineSuffix.trim();
  if (rest !== '' && !/^[)\]}>"'`]*[;:,{]?$/.test(rest)) fill = fill.split('\n')[0].replace(/[;,]$/, '');
  return fill;
}

function fillAt(s: Spot): string {
  const before = s.linePrefix.trim();
  if (before === '') return blankLine(s);
  if (isComment(before, s.lang)) return commentLine(s);
  if (s.lang.family === 'python' && /^(?:"""|''')$/.test(before) && s.fn) return `${summary(s.fn, s.lang)}${before}`;
  const open = openBrackets(s.linePrefix);
  if (open.length) return insideBrackets(s, open);
  if (/^return\s*$/.test(before)) return returnLine(s, before.endsWith(' ') || s.linePrefix.endsWith(' ') ? '' : ' ');
  const keyword = /^(if|for|while|elif)\s*$/.exec(before);
  if (keyword && s.linePrefix.endsWith(' ')) return keywordLine(s, keyword[1]);
  const assigned = /(?:^|[^=!<>+\-*/%&|^:])(?::=|=)\s*$/.exec(s.linePrefix);
  if (assigned && !/=>\s*$/.test(s.linePrefix)) return valueLine(s);
  const member = /([A-Za-z_$][\w$]*)\.$/.exec(s.linePrefix);
  if (member) return memberOf(s, member[1]);
  const word = /[A-Za-z_$][\w$]*$/.exec(s.linePrefix)?.[0];
  if (word) return completeWord(s, word);
  return '';
}

function isComment(before: string, lang: Lang): boolean {
  return before.startsWith(lang.comment) || before.startsWith('/*') || (before.startsWith('*') && lang.family !== 'python');
}

/** A comment above a function describes it (Go's starts with the function's name). */
function commentLine(s: Spot): string {
  const next = s.nextRow >= 0 ? s.fns.find((f) => f.line === s.nextRow) : undefined;
  if (!next) return '';
  const marker = /^\s*(?:\/\/\/?|#|\/\*\*?|\*)\s?/.exec(s.linePrefix)?.[0] ?? '';
  const typed = s.linePrefix.slice(marker.length);
  const line = s.lang.family === 'go' ? `${next.name} ${lowerFirst(summary(next, s.lang, 'third'))}` : summary(next, s.lang, 'third');
  return line.startsWith(typed) ? line.slice(typed.length) : '';
}

/** The brackets the line opened and did not close, innermost last (strings and comments skipped). */
function openBrackets(line: string): { char: string; at: number }[] {
  const stack: { char: string; at: number }[] = [];
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '#' || (c === '/' && line[i + 1] === '/')) break;
    else if ('([{'.includes(c)) stack.push({ char: c, at: i });
    else if (')]}'.includes(c)) stack.pop();
  }
  return stack;
}

const CLOSER: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** Inside an open call or signature: the arguments (or parameters), then what closes the line. */
function insideBrackets(s: Spot, open: { char: string; at: number }[]): string {
  const { lang, linePrefix } = s;
  const inner = open[open.length - 1];
  const typed = linePrefix.slice(inner.at + 1);
  const closers = open
    .map((o) => CLOSER[o.char])
    .reverse()
    .join('');
  const head = linePrefix.slice(0, inner.at);
  // A signature being written: parameters like the file's other functions, then the body.
  const signature = /^\s*(?:export\s+)?(?:async\s+)?(?:def|function|func|fn)\s+(\w+)\s*$/.exec(head);
  if (signature && open.length === 1 && typed.trim() === '') return newSignature(s, signature[1]);
  if (open.some((o) => o.char === '{' && !/\$$/.test(linePrefix.slice(0, o.at)))) return '';
  const callee = /([A-Za-z_$][\w$.]*!?)\s*$/.exec(head)?.[1] ?? '';
  let args = '';
  if (/^\s*$/.test(typed) || /,\s*$/.test(typed)) {
    const given = splitTop(typed).length;
    const wanted = argumentsFor(s, callee).slice(given);
    args = (typed === '' || /\s$/.test(typed) ? '' : ' ') + (/,\s*$/.test(typed) ? wanted.slice(0, 1) : wanted).join(', ');
    if (!args.trim()) return '';
  } else if (/[\w$]$/.test(typed)) {
    const word = /[A-Za-z_$][\w$]*$/.exec(typed)?.[0] ?? '';
    args = restOfWord(s, word);
  } else {
    return '';
  }
  const statement = /^\s*(?:return\b|(?:const|let|var|val)\s|[\w.[\]]+\s*(?::=|=|\+=)|[\w$.]+\s*\(|print|echo|puts)/.test(linePrefix);
  const line = linePrefix.trim();
  let end = closers;
  if (/^(?:if|while|for|elif)\b/.test(line)) end += lang.family === 'python' ? ':' : lang.family === 'js' || lang.family === 'c' ? ' {' : '';
  else if (statement && open.length === 1) end += lang.semi;
  return args + end;
}

/** Arguments for a call: what the called function takes, matched by name or kind to the names in scope. */
function argumentsFor(s: Spot, callee: string): string[] {
  const scope = scopeAt(s);
  const target = s.fns.find((f) => f.name === callee.split('.').pop());
  if (target) {
    return target.params.map((p) => scope.find((v) => v.name === p.name)?.name ?? scope.find((v) => kindOf(v) === kindOf(p) && kindOf(p) !== 'other')?.name ?? p.name);
  }
  // The value computed last, else what the file passes to the same function elsewhere.
  const last = s.fn ? lastAssigned(s.lines.slice(s.fn.line + 1, s.row).join('\n'), s.lang) : undefined;
  if (last) return [last];
  const elsewhere = s.lines.map((l, i) => (i === s.row ? undefined : argumentsIn(l, callee))).find((a) => a !== undefined && a.trim() !== '');
  if (elsewhere) return splitTop(elsewhere);
  const pick = scope[scope.length - 1]?.name;
  return pick ? [pick] : [];
}

/** The arguments of a call to `callee` on a line, if it has one. */
function argumentsIn(line: string, callee: string): string | undefined {
  const at = line.indexOf(`${callee}(`);
  if (at < 0 || /[\w$.]/.test(line[at - 1] ?? '')) return undefined;
  let depth = 0;
  for (let i = at + callee.length; i < line.length; i++) {
    if ('([{'.includes(line[i])) depth++;
    else if (')]}'.includes(line[i]) && --depth === 0) return line.slice(at + callee.length + 1, i);
  }
  return undefined;
}

function newSignature(s: Spot, name: string): string {
  const { lang } = s;
  const model = s.fns.find((f) => f.params.length && f.line !== s.row && valueFor(name, f.params, lang, f.returns, s.file) !== undefined) ?? s.fns.find((f) => f.params.length && f.line !== s.row);
  const params = model?.params ?? [{ name: lang.family === 'go' ? 'values' : 'values', type: typeFor('list', lang) }];
  const fn: Fn = { name, params, returns: undefined, indent: indentOf(s.indent), line: s.row, exported: false };
  const value = valueFor(name, params, lang, undefined, s.file);
  const kind = value === undefined ? undefined : guessKind(value, params);
  const returns = kind && (lang.family === 'go' || /typescript/.test(lang.id)) ? typeFor(kind, lang) : undefined;
  const inner = s.indent + s.unit;
  const body = `return ${value ?? params[0].name}${lang.semi}`;
  const list = (f: (p: Param) => string) => params.map(f).join(', ');
  switch (lang.family) {
    case 'python':
      return `${list((p) => p.name)}):\n${inner}"""${summary(fn, lang)}"""\n${inner}${body}`;
    case 'go':
      return `${list((p) => `${p.name} ${p.type ?? 'float64'}`)}) ${returns ?? model?.returns ?? 'float64'} {\n${inner}${body}\n${s.indent}}`;
    case 'js':
      return `${list((p) => (p.type && /typescript/.test(lang.id) ? `${p.name}: ${p.type}` : p.name))})${returns ? `: ${returns}` : ''} {\n${inner}${body}\n${s.indent}}`;
    default:
      return `${list((p) => p.name)})`;
  }
}

/** After `return`: the value the function's name and parameters suggest. */
function returnLine(s: Spot, space: string): string {
  if (!s.fn || returnsNothing(s.fn, s.lang)) return '';
  const value = valueFor(s.fn.name, scopeAt(s), s.lang, s.fn.returns, s.file) ?? s.fn.params[0]?.name;
  if (value === undefined) return '';
  return value === '' ? s.lang.semi : `${space}${value}${s.lang.semi}`;
}

/** After `for `, `if `, `while `: a loop over the collection in scope, a guard on the first parameter. */
function keywordLine(s: Spot, keyword: string): string {
  const { lang } = s;
  const scope = scopeAt(s);
  const list = scope.find((p) => kindOf(p) === 'list')?.name;
  if (keyword === 'for') {
    if (!list) return '';
    const item = singular(list);
    return { python: `${item} in ${list}:`, go: `_, ${item} := range ${list} {`, js: `(const ${item} of ${list}) {`, rust: `${item} in ${list}.iter() {`, ruby: `${item} in ${list}`, shell: `${item} in "$@"; do`, c: `(var ${item} : ${list}) {` }[lang.family];
  }
  if (keyword === 'if' || keyword === 'elif') {
    const p = scope[0];
    if (!p) return '';
    const kind = kindOf(p);
    const test =
      kind === 'list' || kind === 'string'
        ? { python: `not ${p.name}`, go: kind === 'string' ? `${p.name} == ""` : `len(${p.name}) == 0`, js: `${p.name}.length === 0`, rust: `${p.name}.is_empty()`, ruby: `${p.name}.empty?`, shell: `-z "$${p.name}"`, c: `${p.name}.isEmpty()` }[lang.family]
        : kind === 'number'
          ? `${p.name} < 0`
          : { python: `${p.name} is None`, go: `${p.name} == nil`, js: `${p.name} === undefined`, rust: `${p.name}.is_none()`, ruby: `${p.name}.nil?`, shell: `-z "$${p.name}"`, c: `${p.name} == null` }[lang.family];
    return lang.family === 'python' ? `${test}:` : lang.family === 'js' || lang.family === 'c' ? `(${test}) {` : lang.family === 'go' || lang.family === 'rust' ? `${test} {` : test;
  }
  return '';
}

/** After `name = `: a value for the name from the names in scope. */
function valueLine(s: Spot): string {
  const m = /([A-Za-z_$][\w$]*)\s*(?::\s*([^=]+?))?\s*(?::=|=)\s*$/.exec(s.linePrefix);
  if (!m) return '';
  const scope = scopeAt(s).filter((p) => p.name !== m[1]);
  const value = valueFor(m[1], scope, s.lang, m[2], s.file);
  return value ? `${value}${s.lang.semi}` : '';
}

/** After `name.`: what the file already does with that name, or a member of its kind. */
function memberOf(s: Spot, receiver: string): string {
  const elsewhere = s.lines
    .filter((_, i) => i !== s.row)
    .map((l) => new RegExp(`\\b${receiver.replace(/\$/g, '\\$')}\\.(\\w.*)$`).exec(l)?.[1])
    .find(Boolean);
  if (elsewhere) return elsewhere.replace(/\s*\{$/, '').replace(/;?$/, openBrackets(s.linePrefix).length ? '' : s.lang.semi);
  const kind = kindOf(scopeAt(s).find((p) => p.name === receiver) ?? { name: receiver });
  if (kind === 'list') return { python: 'copy()', js: `length${s.lang.semi}`, go: '', rust: `len()${s.lang.semi}`, ruby: 'size', shell: '', c: `size()${s.lang.semi}` }[s.lang.family];
  if (kind === 'string') return { python: 'strip()', js: `trim()${s.lang.semi}`, go: '', rust: `trim()${s.lang.semi}`, ruby: 'strip', shell: '', c: `trim()${s.lang.semi}` }[s.lang.family];
  return '';
}

/** The rest of a word being typed, from the names of the file (names in scope first). */
function restOfWord(s: Spot, word: string): string {
  if (/^\s*(?:package|import|from|using|#include|module)\b/.test(s.linePrefix)) return '';
  const code = s.lines.filter((l, i) => i !== s.row && !isComment(l.trim(), s.lang)).join('\n');
  const names = [...scopeAt(s).map((p) => p.name), ...s.fns.map((f) => f.name), ...(code.match(/[A-Za-z_$][\w$]*/g) ?? [])];
  const found = names.find((n) => n.startsWith(word) && n.length > word.length);
  return found ? found.slice(word.length) : '';
}

/** A word being typed: its rest, and what follows it (`ret` → `urn total;`). */
function completeWord(s: Spot, word: string): string {
  const keywords = { python: ['return', 'for', 'if'], js: ['return', 'const', 'for', 'if'], go: ['return', 'for', 'if'], rust: ['return', 'for', 'if'], ruby: ['return'], shell: ['echo'], c: ['return', 'for', 'if'] }[s.lang.family];
  const atStart = s.linePrefix.trim() === word;
  const keyword = atStart ? keywords.find((k) => k.startsWith(word) && k !== word) : undefined;
  const rest = keyword ? keyword.slice(word.length) : restOfWord(s, word);
  if (!rest) return '';
  const line = s.linePrefix + rest;
  const more = fillAt({ ...s, linePrefix: /^\s*(?:return|for|if)$/.test(line) ? `${line} ` : line });
  return rest + (/^\s*(?:return|for|if)$/.test(line) && more ? ' ' : '') + more;
}
