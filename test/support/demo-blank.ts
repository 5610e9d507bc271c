// The offline demo on a blank line (see demo.ts): a function's first statement or docstring, a
// loop's next statement, a guard's body, the next test case, or at top level a new function built
// from the file's own.
import { elementValue, indentOf, kindOf, plural, printLine, singular, summary, valueFor, VERBS, wordsOf, type Lang } from './demo-code';
import { defineFunction, firstStatement, guessKind, lastAssigned, nameFrom, returnOf, returnStatement, returnsNothing, scopeAt, typeFor, type Spot } from './demo-spot';

export function blankLine(s: Spot): string {
  const { lang, fn, lines } = s;
  const prev = s.prevRow >= 0 ? lines[s.prevRow] : '';
  const next = s.nextRow >= 0 ? lines[s.nextRow] : '';
  if (fn && lang.family === 'python' && s.prevRow === fn.line && !/^\s*[rbuf]?("""|''')/.test(next)) {
    const doc = `"""${summary(fn, lang)}"""`;
    const bodyless = s.nextRow < 0 || indentOf(next) <= fn.indent;
    const body = firstStatement(s, fn);
    return bodyless && body ? `${doc}\n${s.indent}${body}` : doc;
  }
  if (opensBlock(prev, lang)) {
    if (fn && s.prevRow === fn.line) return withCloser(s, firstStatement(s, fn), fn.indent);
    const loop = loopOf(prev, lang);
    if (loop) return withCloser(s, loopBody(s, loop), indentOf(prev));
    const condition = /^\s*(?:}\s*)?(?:if|elif|else\s+if)\b\s*\(?(.*?)\)?\s*[{:]?\s*$/.exec(prev);
    if (condition) return withCloser(s, ifBody(s, condition[1]), indentOf(prev));
    if (/^\s*(?:}\s*)?else\b/.test(prev) && fn) return withCloser(s, returnStatement(s, fn), indentOf(prev));
    return '';
  }
  const test = nextTestCase(s);
  if (test) return test;
  if (fn) {
    const body = lines.slice(fn.line + 1, s.row).join('\n');
    const ends = s.nextRow < 0 || indentOf(next) <= fn.indent;
    const last = lastAssigned(body, lang);
    if (ends && !/\breturn\b/.test(body) && !returnsNothing(fn, lang)) return last ? returnOf(last, lang) : returnStatement(s, fn);
    if (last && !new RegExp(`\\b${last}\\b`).test(lines.slice(s.row + 1).join('\n'))) return printLine(lang, last);
    return '';
  }
  if (s.indent === '' && (s.nextRow < 0 || indentOf(next) === 0)) {
    const comment = prev.trim().startsWith(lang.comment) ? prev.trim().slice(lang.comment.length).trim() : '';
    if (comment && s.prevRow === s.row - 1) return s.fns.some((f) => f.line === s.nextRow) ? '' : functionFromComment(s, comment);
    return companion(s);
  }
  return '';
}

/**
 * In a test file, after a test case: another case for the function under test, its list argument
 * empty (`subtotal([])` is 0).
 */
function nextTestCase(s: Spot): string {
  if (s.lang.family !== 'js' || !/^\s*\}\)?;?\s*$/.test(s.lines[s.prevRow] ?? '')) return '';
  const opener = s.lines.slice(0, s.row).reverse().find((l) => indentOf(l) === indentOf(s.indent) && /^\s*(?:it|test)\(/.test(l));
  if (!opener) return '';
  const check = s.file.match(/\b(assert\.(?:equal|strictEqual|deepEqual)\(|expect\()(\w+)\(\[/);
  if (!check || !/sum|total|count|length|size/i.test(check[2])) return '';
  const call = `${check[2]}([])`;
  const inner = s.indent + s.unit;
  const line = check[1] === 'expect(' ? `expect(${call}).toBe(0);` : `${check[1]}${call}, 0);`;
  const word = /^\s*(it|test)\(/.exec(opener)![1];
  return `${word}('is 0 for an empty list', () => {\n${inner}${line}\n${s.indent}});`;
}

function opensBlock(line: string, lang: Lang): boolean {
  const code = line.replace(lang.family === 'python' ? /\s*#.*$/ : /\s*\/\/.*$/, '').trimEnd();
  if (lang.family === 'python') return code.endsWith(':');
  if (lang.family === 'ruby') return /^\s*(?:def|if|unless|while|for|class|module)\b|\bdo(?:\s*\|[^|]*\|)?$/.test(code);
  return code.endsWith('{');
}

/** After a block's first statement, the closing brace when nothing below closes the block yet. */
function withCloser(s: Spot, body: string, blockIndent: number): string {
  if (!body || s.lang.family === 'python') return body;
  const next = s.nextRow >= 0 ? s.lines[s.nextRow] : '';
  if (s.nextRow >= 0 && indentOf(next) <= blockIndent) return body;
  const end = s.lang.family === 'ruby' ? 'end' : '}';
  const indent = s.lines.find((l, i) => i < s.row && indentOf(l) === blockIndent && l.trim())?.match(/^[ \t]*/)?.[0] ?? '';
  return `${body}\n${indent}${end}`;
}

interface Loop {
  item: string;
  items: string;
}

function loopOf(line: string, lang: Lang): Loop | undefined {
  const m =
    lang.family === 'python'
      ? /^\s*for\s+(\w+)\s+in\s+(.+?):/.exec(line)
      : lang.family === 'go'
        ? /^\s*for\s+(?:\w+,\s*)?(\w+)\s*:=\s*range\s+(.+?)\s*\{/.exec(line)
        : (/^\s*for\s*\(\s*(?:const|let|var|final|auto&?)?\s*(?:\w+\s+)?(\w+)\s+(?:of|in|:)\s+(.+?)\)\s*\{/.exec(line) ?? /^\s*(?:for\s+(\w+)\s+in\s+(.+?)\s*\{|(?:(.+?)\.each\s+do\s*\|(\w+)\|))/.exec(line));
  if (!m) return undefined;
  return m[4] ? { item: m[4], items: m[3] } : { item: m[1], items: m[2] };
}

/** The next statement of a loop: add the item to the total or list kept before it, or print it. */
function loopBody(s: Spot, loop: Loop): string {
  const { lang } = s;
  const value = elementValue(loop.item, s.file, scopeAt(s).find((p) => p.name === loop.items)?.type);
  const body = s.fn ? s.lines.slice(s.fn.line + 1, s.row).join('\n') : s.lines.slice(0, s.row).join('\n');
  const acc = [...body.matchAll(/^\s*(?:(?:const|let|var)\s+)?(\w+)\s*(?::\s*[^=\n]+)?(?::=|=)\s*(0(?:\.0)?|\[\]|\w*\[\]\w*\{\}|make\(.*\)|""|''|new\s+\w+.*)\s*;?$/gm)].pop();
  if (acc) {
    const [, name, init] = acc;
    if (/^0/.test(init)) return `${name} += ${value}${lang.semi}`;
    if (/^(?:""|'')$/.test(init)) return `${name} += ${lang.family === 'python' ? `str(${value})` : value}${lang.semi}`;
    if (lang.family === 'python') return `${name}.append(${value})`;
    if (lang.family === 'go') return `${name} = append(${name}, ${value})`;
    if (lang.family === 'js') return `${name}.push(${value});`;
    return `${name}.add(${value})${lang.semi}`;
  }
  return printLine(lang, value);
}

/** The body of an `if`: a guard that refuses bad input, or the function's return. */
function ifBody(s: Spot, condition: string): string {
  const { lang } = s;
  const subject = /[A-Za-z_]\w*/.exec(condition.replace(/^(?:not|len|!)\b\s*\(?/, ''))?.[0] ?? 'value';
  const guard = /\bnot\b|!|===?\s*(?:0|''|""|nil|null|None)|<\s*0|>\s*\d|\|\||\bor\b|is None|== nil|\.length\s*===?\s*0|len\(.*\)\s*==\s*0/.test(condition);
  if (guard) {
    const what = /[<>]/.test(condition) ? `${subject} out of range` : `${subject} must not be empty`;
    switch (lang.family) {
      case 'python':
        return `raise ValueError("${what}")`;
      case 'js':
        return /[<>]/.test(condition) ? `throw new RangeError(\`${subject} out of range: \${${subject}}\`);` : `throw new Error('${what}');`;
      case 'go':
        if (/\berror\b/.test(s.fn?.returns ?? '')) return `return ${zeroOf(s.fn!.returns!.replace(/^\(|\)$/g, '').split(',')[0].trim())}, fmt.Errorf("${what}")`;
        return s.fn?.returns ? `return ${zeroOf(s.fn.returns)}` : 'return';
      case 'rust':
        return `panic!("${what}");`;
      case 'ruby':
        return `raise ArgumentError, "${what}"`;
      default:
        return `throw new IllegalArgumentException("${what}")${lang.semi}`;
    }
  }
  return s.fn ? returnStatement(s, s.fn) : printLine(lang, subject);
}

function zeroOf(type: string): string {
  if (/^(?:u?int\d*|float\d*|byte|rune)$/.test(type)) return '0';
  if (type === 'string') return '""';
  if (type === 'bool') return 'false';
  return 'nil';
}

/** At top level under a comment: the function the comment asks for. */
function functionFromComment(s: Spot, comment: string): string {
  const stop = new Set(['return', 'returns', 'the', 'a', 'an', 'of', 'for', 'in', 'to', 'from', 'given', 'list', 'all', 'compute', 'computes', 'calculate', 'calculates', 'get', 'gets', 'and', 'with', 'value', 'values', 'number', 'numbers', 'items', 'it', 'that', 'this', 'is', 'todo']);
  const words = comment
    .toLowerCase()
    .replace(/[^a-z\s]/g, ' ')
    .split(/\s+/)
    .filter((w, i, all) => w && !stop.has(w) && all.indexOf(w) === i)
    .slice(0, 3);
  if (!words.length || s.fns.some((f) => f.name.toLowerCase() === words[0])) return '';
  const name = nameFrom(words, s.lang);
  const param = s.fns.flatMap((f) => f.params).find((p) => kindOf(p) === 'list') ?? { name: 'values', type: typeFor('list', s.lang) };
  const value = valueFor(name, [param], s.lang, undefined, s.file);
  // A name the demo has no rule for gets no made-up body.
  if (value === undefined || value === param.name) return '';
  const kind = guessKind(value, [param]);
  return defineFunction(s, name, [param], kind && typeFor(kind, s.lang));
}

/**
 * At top level below the file's functions: a new one built from them. A function whose result
 * another takes (`subtotal` → `formatPrice`) gives their composition, else the last function
 * applied to each of a list.
 */
function companion(s: Spot): string {
  const { fns, lang } = s;
  const top = fns.filter((f) => f.indent === 0 && f.line < s.row);
  if (!top.length) return '';
  const known = new Set(fns.map((f) => f.name));
  const typed = lang.family !== 'python' && lang.family !== 'ruby';
  for (const inner of top) {
    for (const outer of [...top].sort((a, b) => Number(/^(?:format|to|describe|print|render|show)/i.test(b.name)) - Number(/^(?:format|to|describe|print|render|show)/i.test(a.name)))) {
      if (outer === inner || !typed || !inner.returns || outer.params[0]?.type !== inner.returns || outer.params.length !== 1) continue;
      const name = nameFrom([wordsOf(outer.name)[0], ...wordsOf(inner.name)], lang);
      if (known.has(name)) continue;
      const call = `${outer.name}(${inner.name}(${inner.params.map((p) => p.name).join(', ')}))`;
      return defineFunction(s, name, inner.params, outer.returns, `return ${call}${lang.semi}`, `${wordsOf(outer.name).join(' ')} of the ${wordsOf(inner.name).join(' ')}`);
    }
  }
  const last = [...top].reverse().find((f) => f.params.length === 1 && !/^test/i.test(f.name));
  if (!last) return '';
  const param = last.params[0];
  // Statistics of a list (Python's stats.py): the next one the file lacks.
  if (!typed && kindOf(param) === 'list' && top.some((f) => STATISTICS.includes(f.name))) {
    const next = STATISTICS.find((n) => !known.has(n) && (n !== 'variance' || known.has('mean')));
    return next ? defineFunction(s, next, [param], undefined) : '';
  }
  const many = plural(param.name);
  const one = singular(many);
  const lastWords = wordsOf(last.name);
  const bareVerb = lastWords.length === 1 && VERBS.has(lastWords[0]);
  const name = bareVerb ? nameFrom([...lastWords, 'all'], lang) : lang.family === 'python' ? `${last.name.replace(/[a-z]+$/, (w) => plural(w))}` : last.name.replace(/[A-Za-z][a-z]*$/, (w) => plural(w));
  if (known.has(name)) return '';
  const about = `${lastWords.join(' ')} ${lang.family === 'go' ? 'for' : 'of'} each ${one}`;
  const each = lang.family === 'python' ? `return [${last.name}(${one}) for ${one} in ${many}]` : lang.family === 'js' ? `return ${many}.map((${one}) => ${last.name}(${one}));` : undefined;
  const listType = param.type ? (lang.family === 'go' ? `[]${param.type}` : lang.family === 'js' ? `${param.type}[]` : undefined) : undefined;
  const returns = last.returns ? (lang.family === 'go' ? `[]${last.returns}` : lang.family === 'js' ? `${last.returns}[]` : undefined) : undefined;
  if (lang.family === 'go' && listType && returns) {
    const t = s.unit;
    const body = [`out := make(${returns}, 0, len(${many}))`, `for _, ${one} := range ${many} {`, `${t}out = append(out, ${last.name}(${one}))`, '}', 'return out'].join('\n');
    return defineFunction(s, name, [{ name: many, type: listType }], returns, body, about);
  }
  if (!each) return '';
  return defineFunction(s, name, [{ name: many, type: listType }], returns, each, about);
}

/** The statistics the demo knows, in the order it offers them. */
const STATISTICS = ['mean', 'median', 'variance', 'spread', 'mode', 'total'];
