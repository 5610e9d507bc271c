// The offline demo's chat answers (see demo.ts): each says it comes from the demo, names the
// functions and identifiers of the code it was given and quotes a line of it in a fenced block of
// its language. The palette actions get what they ask for in the form they ask it: documentation
// added in the language's doc-comment style, a test file in the language's test style, and for a
// refactoring or a fix the code unchanged, saying the demo cannot do that.
import { functionsIn, indentOf, joinAnd, kindOf, kindOfType, langOf, lowerFirst, summary, upperFirst, wordsOf, type Fn, type Lang, type Param } from './demo-code';

export const DEMO_NOTE = '*Offline demo: this answer comes from the bundled demo server, not a model. Set an API key to talk to a real one.*';

/** Code the request carries: an action's target or a chat attachment. */
export interface GivenCode {
  /** `src/cart.ts` (an action), or `cart.ts:11-16` (an attachment's label). */
  where: string;
  languageId: string;
  code: string;
}

type Action = 'explain' | 'refactor' | 'document' | 'fix' | 'generateTests';

const ACTIONS: [RegExp, Action][] = [
  [/^Explain what this code does/, 'explain'],
  [/^Refactor this code/, 'refactor'],
  [/^Add documentation to this code/, 'document'],
  [/^Fix (?:these problems|the bugs) in this code/, 'fix'],
  [/^Write unit tests for this code/, 'generateTests'],
];

export function demoChat(messages: { role: string; content: string }[]): string {
  const question = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const action = ACTIONS.find(([re]) => re.test(question))?.[1];
  const target = action && /File: (.+?) \(([\w.+#-]+)\), lines \d+–\d+:\n```[^\n]*\n([\s\S]*)\n```\s*$/.exec(question);
  if (action && target) {
    const given = { where: target[1], languageId: target[2], code: target[3] };
    switch (action) {
      case 'explain':
        return [DEMO_NOTE, '', explain(given)].join('\n');
      case 'document':
        return [DEMO_NOTE, '', 'The documentation below is written from the names alone.', '', fence(langOf(given.languageId, given.where), documented(given))].join('\n');
      case 'generateTests': {
        const testPath = /to be saved as (\S+?)\.? Cover/.exec(question)?.[1];
        const example = /Follow the style of this existing test file:\n```[^\n]*\n([\s\S]*?)\n```/.exec(question)?.[1];
        return [DEMO_NOTE, '', 'These tests check the kind of each result; a model would check the values too.', '', fence(langOf(given.languageId, given.where), testFile(given, testPath, example))].join('\n');
      }
      default: {
        const problems = question.split('\n').filter((l) => /^- (?:error|warning|information|hint) at line/.test(l));
        const fns = functionsIn(given.code.split('\n'), langOf(given.languageId, given.where));
        const name = fns.length ? inline(fns[0].name) : 'the code';
        const lines = [DEMO_NOTE, '', `The demo cannot ${action === 'fix' ? 'fix' : 'refactor'} code, so here is ${name} unchanged: try **Apply** to see the proposal view.`];
        if (problems.length) lines.push('', 'VS Code reports:', ...problems);
        return [...lines, '', fence(langOf(given.languageId, given.where), given.code)].join('\n');
      }
    }
  }
  const attached = attachments(question);
  const asked = (attached.length ? question.slice(0, question.indexOf(attached[0].where)) : question).trim();
  const parts = [DEMO_NOTE, ''];
  if (asked) parts.push(`> ${asked.split('\n').join('\n> ')}`, '');
  if (!attached.length) {
    parts.push('The demo does not read questions. Select some code and run **Kestrel: Explain**, or attach it with **+**, to see an answer about your code.');
    return parts.join('\n');
  }
  for (const given of attached) parts.push(explain(given), '');
  parts.push('Answers stream token by token like a real provider\'s; code blocks offer **Copy**, **Insert** and **Apply**.');
  return parts.join('\n');
}

/** Attachments as the chat view sends them: `label (language):` and a fenced block. */
export function attachments(question: string): GivenCode[] {
  const out: GivenCode[] = [];
  for (const m of question.matchAll(/(?:^|\n)([^\n]+?) \(([\w.+#-]+)\):\n```\2\n([\s\S]*?)\n```(?=\n|$)/g)) out.push({ where: m[1], languageId: m[2], code: m[3] });
  return out;
}

/** Inline code in markdown, whatever backticks it holds. */
function inline(code: string): string {
  if (!code.includes('`')) return `\`${code}\``;
  const longest = Math.max(...(code.match(/`+/g) ?? ['']).map((r) => r.length));
  const marks = '`'.repeat(longest + 1);
  return `${marks} ${code} ${marks}`;
}

function fence(lang: Lang, code: string): string {
  const marks = code.includes('```') ? '````' : '```';
  return `${marks}${lang.id}\n${code}\n${marks}`;
}

// ---- Explain ----

const NOT_CALLS = new Set(['if', 'for', 'while', 'switch', 'catch', 'return', 'function', 'def', 'func', 'fn', 'elif', 'with', 'typeof', 'await', 'new', 'sizeof', 'super', 'this', 'print', 'describe', 'it']);

/** What the code defines, takes, calls, decides and returns, with the line that gives the result. */
export function explain(given: GivenCode): string {
  const lang = langOf(given.languageId, given.where);
  const lines = given.code.split('\n');
  const fns = functionsIn(lines, lang);
  const defined = new Set(fns.map((f) => f.name));
  const out: string[] = [];
  const title = fns.length ? fns.map((f) => inline(`${f.name}(${f.params.map((p) => p.name).join(', ')})`)).join(', ') : 'This code';
  out.push(`**${title}** (${lang.name}, ${inline(given.where)})`, '');

  const facts: string[] = [];
  for (const fn of fns) {
    const body = bodyOf(lines, fn);
    const returns = [...new Set([...body.matchAll(/^\s*return\s+(.+?);?\s*$/gm)].map((m) => inline(m[1])))].slice(0, 3);
    const takes = fn.params.length ? `takes ${joinAnd(fn.params.map((p) => `${inline(p.name)}${p.type ? ` (${p.type})` : ''}`))}` : 'takes nothing';
    const gives = returns.length ? ` and returns ${returns.join(' or ')}` : fn.returns ? ` and returns a ${inline(fn.returns)}` : '';
    facts.push(`${inline(fn.name)} ${takes}${gives}; by its name, it ${lowerFirst(summary(fn, lang, 'third'))}`);
  }
  const calls = [...new Set([...given.code.matchAll(/(?<![\w.$]|\bnew\s+)([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*\(/g)].map((m) => m[1]))].filter((c) => !NOT_CALLS.has(c) && !defined.has(c) && !/^(?:export|async|const|let)$/.test(c));
  if (calls.length) facts.push(`It calls ${joinAnd(calls.slice(0, 5).map(inline))}.`);
  const locals = [...new Set([...given.code.matchAll(/^\s*(?:(?:const|let|var|val)\s+)?([A-Za-z_]\w*)\s*(?::\s*[^=\n]+)?(?::=|=)(?![=>])/gm)].map((m) => m[1]))].filter((n) => !defined.has(n));
  if (locals.length) facts.push(`Along the way it keeps ${joinAnd(locals.slice(0, 4).map(inline))}.`);
  const conditions = [...given.code.matchAll(/^\s*(?:}\s*)?(?:if|elif|else if)\s*\(?(.+?)\)?\s*[{:]?\s*$/gm)].map((m) => inline(m[1]));
  const failures = [...given.code.matchAll(/\b(?:throw\s+new|raise|panic!?)\s*\(?\s*([A-Z]\w*|"[^"]*")/g)].map((m) => inline(m[1]));
  if (conditions.length && failures.length) facts.push(`It refuses bad input: when ${conditions[0]} holds it raises ${failures[0]}.`);
  else if (conditions.length) facts.push(`It decides on ${joinAnd(conditions.slice(0, 2))}.`);
  const loops = [...given.code.matchAll(/^\s*for\b\s*\(?(.+?)\)?\s*[{:]?\s*$/gm)].map((m) => inline(m[1]));
  if (loops.length) facts.push(`It loops: ${loops[0]}.`);
  out.push(...facts.map((f) => `- ${f}`));

  const quoted = keyLine(lines);
  if (quoted) out.push('', quoted.why, '', fence(lang, quoted.line));
  return out.join('\n');
}

/** The lines of a function after its header, up to the next line at its indentation or less. */
function bodyOf(lines: string[], fn: Fn): string {
  const body: string[] = [];
  for (let i = fn.line + 1; i < lines.length; i++) {
    if (lines[i].trim() && indentOf(lines[i]) <= fn.indent) break;
    body.push(lines[i]);
  }
  return body.join('\n');
}

/** The line to quote: the last `return`, else the first line that calls something, else the first line. */
function keyLine(lines: string[]): { line: string; why: string } | undefined {
  const code = lines.filter((l) => l.trim() && !/^\s*(?:\/\/|#|\*|\/\*)/.test(l));
  const ret = [...code].reverse().find((l) => /^\s*return\b\s*\S/.test(l));
  if (ret) return { line: ret.trim(), why: 'The line that gives the result:' };
  const call = code.find((l) => /\w\s*\(/.test(l) && !/^\s*(?:export\s+)?(?:async\s+)?(?:def|function|func|fn)\b/.test(l));
  if (call) return { line: call.trim(), why: 'The line that does the work:' };
  return code[0] ? { line: code[0].trim(), why: 'It starts with:' } : undefined;
}

// ---- Add documentation ----

/** The code with a doc comment on each function that has none, in the language's style. */
export function documented(given: GivenCode): string {
  const lang = langOf(given.languageId, given.where);
  const lines = given.code.split('\n');
  const fns = functionsIn(lines, lang);
  const out = [...lines];
  for (const fn of [...fns].reverse()) {
    const indent = /^[ \t]*/.exec(lines[fn.line])![0];
    const above = lines[fn.line - 1]?.trim() ?? '';
    if (lang.family === 'python') {
      if (/^\s*[rbuf]?("""|''')/.test(lines[fn.line + 1] ?? '')) continue;
      const inner = indent + (/^\t/.test(lines[fn.line + 1] ?? '') ? '\t' : '    ');
      const doc = [`${inner}"""${summary(fn, lang)}`, ''];
      if (fn.params.length) doc.push(`${inner}Args:`, ...fn.params.map((p) => `${inner}    ${p.name}: ${describeParam(p)}`), '');
      doc.push(`${inner}Returns:`, `${inner}    ${describeResult(fn)}`, `${inner}"""`);
      out.splice(fn.line + 1, 0, ...doc);
      continue;
    }
    if (/^(?:\/\/|\*\/|\*|#|\/\/\/)/.test(above) || above.endsWith('*/')) continue;
    let doc: string[];
    switch (lang.family) {
      case 'go':
        if (!fn.exported) continue;
        doc = [`// ${fn.name} ${summary(fn, lang, 'third').replace(/^./, (c) => c.toLowerCase())}`];
        break;
      case 'rust':
        doc = [`/// ${summary(fn, lang, 'third')}`];
        break;
      case 'ruby':
      case 'shell':
        doc = [`# ${summary(fn, lang, 'third')}`, ...fn.params.map((p) => `# @param ${p.name} ${describeParam(p)}`)];
        break;
      default: {
        const ret = lang.id === 'java' || lang.id === 'c' || lang.id === 'cpp' || lang.id === 'php' || lang.id === 'kotlin' ? '@return' : '@returns';
        doc = ['/**', ` * ${summary(fn, lang, 'third')}`, ...fn.params.map((p) => ` * @param ${p.name} ${describeParam(p)}`)];
        if (!/^(?:void|Unit)$/.test(fn.returns ?? '')) doc.push(` * ${ret} ${describeResult(fn)}`);
        doc.push(' */');
      }
    }
    out.splice(fn.line, 0, ...doc.map((l) => indent + l));
  }
  return out.join('\n');
}

const PARTICIPLES: Record<string, string> = { format: 'formatted', sort: 'sorted', parse: 'parsed', convert: 'converted', build: 'built', make: 'made', create: 'created', normalize: 'normalized', round: 'rounded', scale: 'scaled', filter: 'filtered', merge: 'merged', encode: 'encoded', decode: 'decoded' };

function describeParam(p: Param): string {
  const kind = kindOf(p);
  const what = wordsOf(p.name).join(' ');
  return `The ${what}${kind === 'list' ? ' to go through' : kind === 'number' ? ', a number' : ''}.`;
}

function describeResult(fn: Fn): string {
  const [first, ...rest] = wordsOf(fn.name);
  if (['is', 'has', 'can', 'should'].includes(first)) return `Whether ${fn.params[0]?.name ?? 'it'} ${first === 'has' ? 'has' : 'is'} ${rest.join(' ')}.`;
  if (PARTICIPLES[first]) return `The ${PARTICIPLES[first]} ${rest.join(' ') || fn.params[0]?.name || 'value'}.`;
  if (first === 'apply' && rest.length) return `The ${fn.params[0]?.name ?? 'value'} with the ${rest.join(' ')} applied.`;
  return `The ${wordsOf(fn.name).join(' ')}.`;
}

// ---- Generate tests ----

/** A test file for the code's functions, in the language's usual test style (or the example's). */
export function testFile(given: GivenCode, testPath: string | undefined, example: string | undefined): string {
  const lang = langOf(given.languageId, given.where);
  const all = functionsIn(given.code.split('\n'), lang);
  const fns = all.some((f) => f.exported) ? all.filter((f) => f.exported) : all;
  const source = given.where.replace(/:\d+(?:-\d+)?$/, '');
  const stem = source.replace(/^.*\//, '').replace(/\.\w+$/, '');
  const names = fns.map((f) => f.name);
  switch (lang.family) {
    case 'python': {
      const lines = [`from ${stem} import ${names.join(', ')}`, ''];
      for (const fn of fns) {
        const call = `${fn.name}(${fn.params.map((p) => sample(p, lang)).join(', ')})`;
        const kind = resultKind(fn);
        const check = kind ? { number: `isinstance(${call}, (int, float))`, string: `isinstance(${call}, str)`, boolean: `isinstance(${call}, bool)`, list: `isinstance(${call}, list)` }[kind] : `${call} is not None`;
        lines.push('', `def test_${fn.name}_gives_a_result():`, `    assert ${check}`, '');
      }
      return lines.join('\n').trimEnd();
    }
    case 'go': {
      const pkg = /^package\s+(\w+)/m.exec(given.code)?.[1] ?? stem;
      const lines = [`package ${pkg}`, '', 'import "testing"'];
      for (const fn of fns) {
        const args = fn.params.map((p) => sample(p, lang));
        const call = `${fn.name}(${args.join(', ')})`;
        lines.push('', `func Test${upperFirst(fn.name)}(t *testing.T) {`, `\tgot := ${call}`);
        if (fn.returns === 'string') lines.push('\tif got == "" {', `\t\tt.Errorf("${fn.name}(${args.map(() => '%v').join(', ')}) is empty", ${args.join(', ')})`, '\t}');
        else lines.push(`\tt.Logf("${fn.name} = %v", got)`);
        lines.push('}');
      }
      return lines.join('\n');
    }
    case 'js': {
      const from = relativeImport(testPath ?? `${stem}.test.ts`, source);
      const expectStyle = /\bexpect\(/.test(example ?? '');
      const assertImport = example?.split('\n').find((l) => /^import .*\bassert\b/.test(l)) ?? "import { strict as assert } from 'node:assert';";
      const lines = expectStyle ? [] : [assertImport];
      lines.push(`import { ${names.join(', ')} } from '${from}';`);
      const block = /\btest\(/.test(example ?? '') && !/\bit\(/.test(example ?? '') ? 'test' : 'it';
      for (const fn of fns) {
        const call = `${fn.name}(${fn.params.map((p) => sample(p, lang)).join(', ')})`;
        const kind = resultKind(fn);
        const check = kind && kind !== 'list' ? (expectStyle ? `expect(typeof ${call}).toBe('${kind}');` : `assert.equal(typeof ${call}, '${kind}');`) : expectStyle ? `expect(${call}).toBeDefined();` : `assert.notEqual(${call}, undefined);`;
        lines.push('', `describe('${fn.name}', () => {`, `  ${block}('gives a ${kind ?? 'value'}', () => {`, `    ${check}`, '  });', '});');
      }
      return lines.join('\n');
    }
    default:
      return `${lang.comment} The offline demo writes tests for TypeScript, JavaScript, Python and Go.\n${lang.comment} ${joinAnd(names)} would be tested here.`;
  }
}

/** The module path from the test file to the source, without the extension. */
function relativeImport(testPath: string, source: string): string {
  const from = testPath.split('/').slice(0, -1);
  const to = source.replace(/\.[jt]sx?$/, '').split('/');
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  const up = from.length - common;
  return `${up ? '../'.repeat(up) : './'}${to.slice(common).join('/')}`;
}

function resultKind(fn: Fn): 'number' | 'string' | 'boolean' | 'list' | undefined {
  const declared = kindOfType(fn.returns);
  if (declared === 'number' || declared === 'string' || declared === 'boolean' || declared === 'list') return declared;
  if (declared) return undefined;
  const words = wordsOf(fn.name);
  if (['is', 'has', 'can', 'should'].includes(words[0])) return 'boolean';
  if (words.some((w) => /^(?:mean|median|average|sum|total|subtotal|count|max|min|size|length)$/.test(w))) return 'number';
  if (words.some((w) => /^(?:format|greet|greeting|describe|label|name|text)$/.test(w))) return 'string';
  return undefined;
}

/** A sample argument for a parameter. */
function sample(p: Param, lang: Lang): string {
  const kind = kindOf(p);
  const quote = lang.family === 'js' ? "'" : '"';
  switch (kind) {
    case 'number':
      return /float|f64|f32|double/.test(p.type ?? '') ? '2.5' : '2';
    case 'string':
      return /name|who|user/.test(p.name) ? `${quote}Ada${quote}` : `${quote}text${quote}`;
    case 'boolean':
      return lang.family === 'python' ? 'True' : 'true';
    case 'list':
      if (lang.family === 'go') return `${p.type ?? '[]float64'}{1, 2, 3}`;
      return /^(?:number|int|float)/.test(p.type ?? 'number') ? '[1, 2, 3]' : '[]';
    default:
      return lang.family === 'python' ? 'None' : lang.family === 'go' ? 'nil' : '{}';
  }
}
