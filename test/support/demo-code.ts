// Reading code for the offline demo (demo.ts): the language's habits, the functions a file defines
// with their parameters, and a plausible expression for a name from the names in scope (`median` of
// `values` is `sorted(values)[len(values) // 2]` in Python). Rules of thumb, not understanding: the
// demo only has to look like an assistant that read the file.

export type Family = 'python' | 'go' | 'js' | 'rust' | 'c' | 'ruby' | 'shell';

export interface Lang {
  id: string;
  /** As people write it: TypeScript, Python, Go. */
  name: string;
  family: Family;
  /** What ends a statement: `;` or nothing. */
  semi: string;
  comment: string;
}

const LANGS: Record<string, [string, Family, string, string]> = {
  typescript: ['TypeScript', 'js', ';', '//'],
  typescriptreact: ['TypeScript', 'js', ';', '//'],
  javascript: ['JavaScript', 'js', ';', '//'],
  javascriptreact: ['JavaScript', 'js', ';', '//'],
  python: ['Python', 'python', '', '#'],
  go: ['Go', 'go', '', '//'],
  rust: ['Rust', 'rust', ';', '//'],
  java: ['Java', 'c', ';', '//'],
  csharp: ['C#', 'c', ';', '//'],
  c: ['C', 'c', ';', '//'],
  cpp: ['C++', 'c', ';', '//'],
  kotlin: ['Kotlin', 'c', '', '//'],
  swift: ['Swift', 'c', '', '//'],
  php: ['PHP', 'c', ';', '//'],
  ruby: ['Ruby', 'ruby', '', '#'],
  shellscript: ['Shell', 'shell', '', '#'],
};

const BY_EXTENSION: Record<string, string> = { ts: 'typescript', tsx: 'typescriptreact', js: 'javascript', mjs: 'javascript', cjs: 'javascript', jsx: 'javascriptreact', py: 'python', go: 'go', rs: 'rust', java: 'java', cs: 'csharp', c: 'c', h: 'c', cpp: 'cpp', cc: 'cpp', kt: 'kotlin', swift: 'swift', php: 'php', rb: 'ruby', sh: 'shellscript' };

/** The language of a language id, or of the path's extension for an id the demo does not know. */
export function langOf(languageId: string, path = ''): Lang {
  const id = LANGS[languageId] ? languageId : (BY_EXTENSION[/\.(\w+)$/.exec(path)?.[1] ?? ''] ?? languageId);
  const [name, family, semi, comment] = LANGS[id] ?? [languageId || 'text', 'js', ';', '//'];
  return { id, name, family, semi, comment };
}

/** A line that prints `expr`, in the language's own way. */
export function printLine(lang: Lang, expr: string): string {
  switch (lang.id) {
    case 'python':
      return `print(${expr})`;
    case 'go':
      return `fmt.Println(${expr})`;
    case 'rust':
      return `println!("{:?}", ${expr});`;
    case 'java':
      return `System.out.println(${expr});`;
    case 'csharp':
      return `Console.WriteLine(${expr});`;
    case 'c':
      return `printf("%d\\n", ${expr});`;
    case 'cpp':
      return `std::cout << ${expr} << std::endl;`;
    case 'kotlin':
      return `println(${expr})`;
    case 'swift':
      return `print(${expr})`;
    case 'php':
      return `echo ${expr};`;
    case 'ruby':
      return `puts ${expr}`;
    case 'shellscript':
      return `echo "$${expr}"`;
    default:
      return `console.log(${expr});`;
  }
}

export interface Param {
  name: string;
  type?: string;
}

export interface Fn {
  name: string;
  params: Param[];
  returns?: string;
  /** Columns of indentation of the header. */
  indent: number;
  /** The header's line index. */
  line: number;
  exported: boolean;
}

const KEYWORDS = new Set(['if', 'for', 'while', 'switch', 'catch', 'return', 'else', 'function', 'elif', 'with', 'new', 'typeof', 'await', 'do', 'try', 'sizeof']);

export function indentOf(line: string): number {
  return /^[ \t]*/.exec(line)![0].replace(/\t/g, '    ').length;
}

/** The functions defined in `lines`, each with its header's line (headers on one line only). */
export function functionsIn(lines: string[], lang: Lang): Fn[] {
  const out: Fn[] = [];
  lines.forEach((line, index) => {
    const header = readHeader(line, lang);
    if (header && !KEYWORDS.has(header.name)) out.push({ ...header, params: paramsOf(header.params, lang), indent: indentOf(line), line: index });
  });
  return out;
}

function readHeader(line: string, lang: Lang): { name: string; params: string; returns?: string; exported: boolean } | undefined {
  let m: RegExpExecArray | null;
  const trim = (s?: string) => s?.trim() || undefined;
  switch (lang.family) {
    case 'python':
      m = /^\s*(?:async\s+)?def\s+(\w+)\s*\((.*)\)\s*(?:->\s*(.+?))?\s*:\s*(?:#.*)?$/.exec(line);
      return m ? { name: m[1], params: m[2], returns: trim(m[3]), exported: !m[1].startsWith('_') } : undefined;
    case 'go':
      m = /^\s*func\s+(?:\([^)]*\)\s*)?(\w+)\s*\((.*?)\)\s*(.*?)\s*\{\s*$/.exec(line);
      return m ? { name: m[1], params: m[2], returns: trim(m[3]), exported: /^[A-Z]/.test(m[1]) } : undefined;
    case 'rust':
      m = /^\s*(pub(?:\([^)]*\))?\s+)?(?:async\s+)?fn\s+(\w+)\s*(?:<[^>]*>)?\s*\((.*)\)\s*(?:->\s*(.+?))?\s*(?:where\b.*)?\{?\s*$/.exec(line);
      return m ? { name: m[2], params: m[3], returns: trim(m[4]), exported: Boolean(m[1]) } : undefined;
    case 'ruby':
      m = /^\s*def\s+(?:self\.)?(\w+[?!]?)\s*(?:\((.*)\))?\s*$/.exec(line);
      return m ? { name: m[1], params: m[2] ?? '', exported: true } : undefined;
    case 'shell':
      m = /^\s*(?:function\s+)?(\w+)\s*\(\)\s*\{?\s*$/.exec(line);
      return m ? { name: m[1], params: '', exported: true } : undefined;
    case 'js':
      m =
        /^\s*(export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*(\w+)\s*(?:<[^>]*>)?\s*\((.*)\)\s*(?::\s*(.+?))?\s*\{?\s*$/.exec(line) ??
        /^\s*(export\s+)?(?:const|let|var)\s+(\w+)\s*(?::[^=]+)?=\s*(?:async\s+)?\((.*)\)\s*(?::\s*(.+?))?\s*=>.*$/.exec(line) ??
        /^\s*()(?:(?:public|private|protected|static|async|override|readonly|get|set)\s+)*(\w+)\s*\((.*)\)\s*(?::\s*(.+?))?\s*\{\s*$/.exec(line);
      return m ? { name: m[2], params: m[3], returns: trim(m[4]), exported: Boolean(m[1]) } : undefined;
    default:
      m = /^\s*(?:[\w\s]*\s)?(?:fun|func)\s+(\w+)\s*\((.*)\)\s*(?:(?::|->)\s*(.+?))?\s*\{\s*$/.exec(line);
      if (m) return { name: m[1], params: m[2], returns: trim(m[3]), exported: !/\bprivate\b/.test(line) };
      m = /^\s*((?:(?:public|private|protected|static|final|virtual|override|async|inline|extern)\s+)*)([\w<>[\],.:*&?]+)\s+[*&]?(\w+)\s*\((.*)\)\s*(?:const\s*)?(?:throws\s+[\w., ]+)?\{?\s*$/.exec(line);
      return m && !KEYWORDS.has(m[2]) ? { name: m[3], params: m[4], returns: m[2], exported: !/\bprivate\b/.test(m[1]) } : undefined;
  }
}

/** Splits at the commas outside brackets. */
export function splitTop(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if ('([{<'.includes(c)) depth++;
    else if (')]}'.includes(c) || (c === '>' && text[i - 1] !== '=')) depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter(Boolean);
}

function paramsOf(text: string, lang: Lang): Param[] {
  const items = splitTop(text);
  if (lang.family === 'go') {
    // `a, b int`: a name without a type takes the next one's.
    const params = items.map((item) => {
      const [name, ...type] = item.split(/\s+/);
      return { name, type: type.join(' ') || undefined };
    });
    for (let i = params.length - 2; i >= 0; i--) params[i].type ??= params[i + 1].type;
    return params;
  }
  const params: Param[] = [];
  for (const raw of items) {
    const item = raw.replace(/^(?:\.\.\.|\*{1,2}|&|mut\s+|readonly\s+|public\s+|private\s+|protected\s+|final\s+)+/, '');
    if (/^(?:&?\s*(?:mut\s+)?self|cls|this|\/|\*)$/.test(item)) continue;
    if (lang.family === 'c' && !/:/.test(item)) {
      // `Type name` (Java, C#, C).
      const m = /^(.*?)[\s*&]+(\w+)(?:\s*=.*)?$/.exec(item.replace(/\[\]$/, ''));
      if (m) params.push({ name: m[2], type: m[1].trim() + (/\[\]$/.test(item) ? '[]' : '') });
      continue;
    }
    const m = /^(?:\w+\s+)?(\w+)\??\s*(?::\s*([^=]+?))?\s*(?:=.*)?$/.exec(item);
    if (m) params.push({ name: m[1], type: m[2]?.trim() || undefined });
  }
  return params;
}

/** The lowercase words of an identifier: `applyDiscount`, `apply_discount` → apply, discount. */
export function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_\-$]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

const SINGULAR_ENDINGS = ['ss', 'us', 'is', 'ous'];

export function isPlural(name: string): boolean {
  const last = wordsOf(name).at(-1) ?? '';
  return last.length > 2 && last.endsWith('s') && !SINGULAR_ENDINGS.some((e) => last.endsWith(e));
}

/** One of a collection: items → item, entries → entry, boxes → box; `group` for names that are no plural. */
export function singular(name: string): string {
  if (!isPlural(name)) return /^(?:list|arr|array|data|xs|seq|collection)$/i.test(name) ? 'x' : 'item';
  if (/ies$/.test(name)) return name.slice(0, -3) + 'y';
  if (/(?:ss|x|ch|sh)es$/.test(name)) return name.slice(0, -2);
  return name.slice(0, -1);
}

export function plural(name: string): string {
  if (isPlural(name)) return /^[A-Z]/.test(name) ? 'Groups' : 'groups';
  if (/[^aeiou]y$/.test(name)) return name.slice(0, -1) + 'ies';
  if (/(?:s|x|ch|sh)$/.test(name)) return name + 'es';
  return name + 's';
}

export type Kind = 'number' | 'string' | 'boolean' | 'list' | 'map' | 'other';

const NUMBER_NAMES = /^(?:n|i|j|k|x|y|z|count|index|total|sum|price|amount|percent|percentage|rate|value|size|width|height|age|number|num|score|cost|quantity|qty|limit|max|min|delta|factor|ratio|tax|discount|level|depth|offset|length|len|seconds|ms|minutes|hours|days|year|month|day)$/;
const STRING_NAMES = /^(?:s|str|name|text|title|label|message|msg|path|prefix|suffix|key|word|line|url|email|id|greeting|description|content|query|code|language|city|country|username|first|last)$/;

/** What a parameter holds, from its type or, without one, from its name. */
export function kindOf(param: Param): Kind {
  const t = param.type?.replace(/\s/g, '') ?? '';
  if (t) {
    if (/\[\]$|^\[\]|^(?:readonly)?Array<|^(?:list|List|Sequence|Iterable|tuple|Vec|set|Set)\b|^&?\[/.test(t)) return 'list';
    if (/^(?:dict|Dict|Map|Record|HashMap|map\[|Mapping)/.test(t)) return 'map';
    if (/^(?:number|int|float|double|decimal|long|short|bigint|complex|usize|isize|[uif](?:8|16|32|64|128|size)|int\d*|uint\d*|float\d*|Int|Double|Float|Long)$/.test(t)) return 'number';
    if (/^(?:string|str|String|&str|&'\w+str|char|Character)$/.test(t)) return 'string';
    if (/^(?:boolean|bool|Boolean|Bool)$/.test(t)) return 'boolean';
    return 'other';
  }
  const words = wordsOf(param.name);
  const last = words.at(-1) ?? '';
  if (words[0] === 'is' || words[0] === 'has' || /^(?:flag|enabled|disabled|verbose|strict|ok)$/.test(last)) return 'boolean';
  if (isPlural(param.name)) return 'list';
  if (NUMBER_NAMES.test(last)) return 'number';
  if (STRING_NAMES.test(last)) return 'string';
  return 'other';
}

/** What a return type says the function gives back. */
export function kindOfType(type: string | undefined): Kind | 'void' | undefined {
  if (!type) return undefined;
  if (/^(?:void|None|\(\)|Unit|never|undefined)$/.test(type.trim())) return 'void';
  return kindOf({ name: '', type: type.replace(/^Promise<(.*)>$/, '$1') });
}

/** Spelled as each language spells it. */
function say(lang: Lang, forms: Partial<Record<Family | 'default', string>>): string | undefined {
  return forms[lang.family] ?? forms.default;
}

/** The element type of a collection type: `Item[]`, `Array<Item>`, `[]Item`, `list[Item]` → Item. */
export function elementType(type: string | undefined): string | undefined {
  if (!type) return undefined;
  const m = /^(?:readonly\s+)?(\w+)\[\]$|^(?:readonly\s+)?(?:Array|ReadonlyArray|list|List|Sequence|Iterable|Vec)[<[](\w+)[>\]]$|^&?\[\]?(\w+)\]?$/.exec(type.replace(/\s/g, ''));
  return m?.[1] ?? m?.[2] ?? m?.[3];
}

/** The number fields the file declares for a type (an interface, class, struct or dataclass). */
export function numberFields(type: string, file: string): string[] {
  const block = new RegExp(`(?:interface|class|struct|type)\\s+${type}\\b[^{:\\n]*(?:\\{|:|struct\\s*\\{)([\\s\\S]*?)(?:\\n\\}|\\n\\S)`).exec(file);
  if (!block) return [];
  return [...block[1].matchAll(/^\s*(?:(?:public|private|readonly)\s+)?(\w+)\??(?:\s*:\s*|\s+)(?:number|int|float|float64|float32|int64|int32|f64|f32|u32|i32|usize|double|Decimal)\b/gm)].map((m) => m[1]);
}

/**
 * The value of one element of a collection: the field the name asks for (`largestPrice` → item.price),
 * or how the file already combines the element's fields (the longest `item.price * item.quantity`),
 * or the number fields its type declares, or the element itself.
 */
export function elementValue(elem: string, file: string, type?: string, words: string[] = []): string {
  const element = elementType(type);
  const fields = element ? numberFields(element, file) : [];
  const named = fields.find((f) => words.some((w) => w === f.toLowerCase() || w === `${f.toLowerCase()}s`));
  if (named) return `${elem}.${named}`;
  const re = new RegExp(`\\b${elem}\\.\\w+(?:\\s*[-+*/]\\s*${elem}\\.\\w+)*`, 'g');
  let best = '';
  for (const m of file.matchAll(re)) if (m[0].length > best.length && !/\.\w+\(/.test(file.slice(m.index, m.index + m[0].length + 1))) best = m[0];
  if (best) return best;
  if (fields.length) return fields.slice(0, 2).map((f) => `${elem}.${f}`).join(' * ');
  return elem;
}

/**
 * A plausible value for `target` (a function's or a variable's name) from the names in `scope`,
 * or undefined when no rule fits. `returns`: the declared return type, if any.
 */
export function valueFor(target: string, scope: Param[], lang: Lang, returns: string | undefined, file: string): string | undefined {
  const words = wordsOf(target);
  // A word or a longer form of it (`discounted` has `discount`).
  const has = (...w: string[]) => w.some((x) => words.some((y) => y === x || (x.length >= 5 && y.startsWith(x))));
  const of = (kind: Kind) => scope.filter((p) => kindOf(p) === kind);
  const list = of('list')[0]?.name;
  const numbers = of('number').map((p) => p.name);
  const text = of('string')[0]?.name;
  const wantsBool = words[0] === 'is' || words[0] === 'has' || words[0] === 'can' || words[0] === 'should' || kindOfType(returns) === 'boolean';

  if (list) {
    const param = of('list')[0];
    const e = singular(list);
    const value = elementValue(e, file, param.type, words);
    const gen = value === e ? list : `${value} for ${e} in ${list}`;
    const mapped = value === e ? list : `${list}.map((${e}) => ${value})`;
    const copy = value === e ? `[...${list}]` : mapped;
    if (wantsBool && has('empty')) return say(lang, { python: `len(${list}) == 0`, js: `${list}.length === 0`, go: `len(${list}) == 0`, rust: `${list}.is_empty()`, ruby: `${list}.empty?`, default: `${list}.isEmpty()` });
    if (has('mean', 'average', 'avg')) return say(lang, { python: `sum(${gen}) / len(${list})`, js: `${list}.reduce((sum, ${e}) => sum + ${value}, 0) / ${list}.length`, ruby: `${list}.sum.to_f / ${list}.size` });
    const mean = /\bdef mean\(/.test(file) ? `mean(${list})` : `sum(${list}) / len(${list})`;
    if (has('variance')) return say(lang, { python: `sum((${e} - ${mean}) ** 2 for ${e} in ${list}) / len(${list})` });
    if (has('spread', 'range')) return say(lang, { python: `max(${gen}) - min(${gen})`, js: `Math.max(...${mapped}) - Math.min(...${mapped})`, ruby: `${list}.max - ${list}.min` });
    if (has('sum', 'total', 'subtotal')) return say(lang, { python: `sum(${gen})`, js: `${list}.reduce((sum, ${e}) => sum + ${value}, 0)`, rust: `${list}.iter().sum()`, ruby: `${list}.sum` });
    if (has('median', 'middle')) return say(lang, { python: `sorted(${gen})[len(${list}) // 2]`, js: `${copy}.sort((a, b) => a - b)[Math.floor(${list}.length / 2)]`, ruby: `${list}.sort[${list}.size / 2]` });
    if (has('mode', 'commonest')) return say(lang, { python: `max(set(${list}), key=${list}.count)`, ruby: `${list}.max_by { |v| ${list}.count(v) }` });
    if (has('max', 'maximum', 'largest', 'biggest', 'highest', 'top')) return say(lang, { python: `max(${gen})`, js: `Math.max(...${mapped})`, rust: `${list}.iter().max()`, ruby: `${list}.max` });
    if (has('min', 'minimum', 'smallest', 'lowest')) return say(lang, { python: `min(${gen})`, js: `Math.min(...${mapped})`, rust: `${list}.iter().min()`, ruby: `${list}.min` });
    if (has('count', 'size', 'length', 'len', 'number')) return say(lang, { python: `len(${list})`, js: `${list}.length`, go: `len(${list})`, rust: `${list}.len()`, ruby: `${list}.size`, default: /\[\]$/.test(param.type ?? '') ? `${list}.length` : `${list}.size()` });
    if (has('first', 'head')) return `${list}[0]`;
    if (has('last', 'tail')) return say(lang, { python: `${list}[-1]`, js: `${list}[${list}.length - 1]`, go: `${list}[len(${list})-1]`, ruby: `${list}.last` });
    if (has('sort', 'sorted', 'ordered')) return say(lang, { python: value === e ? `sorted(${list})` : `sorted(${list}, key=lambda ${e}: ${value})`, js: value === e ? `[...${list}].sort((a, b) => a - b)` : `[...${list}].sort((a, b) => ${value.replace(new RegExp(`\\b${e}\\b`, 'g'), 'a')} - ${value.replace(new RegExp(`\\b${e}\\b`, 'g'), 'b')})`, ruby: `${list}.sort` });
    if (has('reverse', 'reversed')) return say(lang, { python: `list(reversed(${list}))`, js: `[...${list}].reverse()`, ruby: `${list}.reverse` });
    if (has('unique', 'distinct', 'dedupe')) return say(lang, { python: `list(dict.fromkeys(${list}))`, js: `[...new Set(${list})]`, ruby: `${list}.uniq` });
  }
  const name = text ?? scope.find((p) => /name|who|user/.test(p.name))?.name;
  const hello = has('greet', 'greeting', 'hello', 'welcome') ? 'Hello' : has('farewell', 'bye', 'goodbye') ? 'Goodbye' : undefined;
  if (name && hello) {
    return say(lang, { python: `f"${hello}, {${name}}!"`, js: `\`${hello}, \${${name}}!\``, go: `fmt.Sprintf("${hello}, %s!", ${name})`, rust: `format!("${hello}, {}!", ${name})`, ruby: `"${hello}, #{${name}}!"`, default: `"${hello}, " + ${name} + "!"` });
  }
  const n = numbers[0];
  if (n && has('format', 'display', 'show', 'describe', 'label', 'render', 'text', 'string', 'str')) {
    return say(lang, { python: `f"{${n}:.2f}"`, js: `${n}.toFixed(2)`, go: `fmt.Sprintf("%.2f", ${n})`, rust: `format!("{:.2}", ${n})`, ruby: `format("%.2f", ${n})`, default: `String.format("%.2f", ${n})` });
  }
  if (wantsBool && scope.length) {
    const p = scope[0];
    switch (kindOf(p)) {
      case 'number':
        return `${p.name} > 0`;
      case 'boolean':
        return p.name;
      case 'string':
        return say(lang, { python: `len(${p.name}) > 0`, js: `${p.name}.length > 0`, go: `${p.name} != ""`, rust: `!${p.name}.is_empty()`, ruby: `!${p.name}.empty?`, default: `!${p.name}.isEmpty()` });
      case 'list':
        return say(lang, { python: `len(${p.name}) > 0`, js: `${p.name}.length > 0`, go: `len(${p.name}) > 0`, rust: `!${p.name}.is_empty()`, ruby: `${p.name}.any?`, default: `!${p.name}.isEmpty()` });
      default:
        return say(lang, { python: `bool(${p.name})`, js: `Boolean(${p.name})`, go: `${p.name} != nil`, ruby: `!${p.name}.nil?`, default: `${p.name} != null` });
    }
  }
  if (numbers.length >= 2) {
    const [a, b] = numbers;
    if (has('discount', 'percent', 'off')) return `${a} * (1 - ${b} / 100)`;
    if (has('tax', 'markup', 'interest')) return `${a} * (1 + ${b} / 100)`;
    if (has('add', 'plus', 'sum', 'total')) return `${a} + ${b}`;
    if (has('subtract', 'minus', 'difference', 'diff')) return `${a} - ${b}`;
    if (has('multiply', 'times', 'product', 'scale', 'scaled', 'area')) return `${a} * ${b}`;
    if (has('divide', 'ratio', 'per', 'quotient')) return `${a} / ${b}`;
    if (has('mean', 'average', 'avg', 'midpoint')) return `(${a} + ${b}) / 2`;
    if (has('max', 'larger', 'bigger')) return say(lang, { python: `max(${a}, ${b})`, js: `Math.max(${a}, ${b})`, go: `max(${a}, ${b})`, default: `Math.max(${a}, ${b})` });
    if (has('min', 'smaller')) return say(lang, { python: `min(${a}, ${b})`, js: `Math.min(${a}, ${b})`, go: `min(${a}, ${b})`, default: `Math.min(${a}, ${b})` });
  }
  if (n) {
    if (has('double', 'twice')) return `${n} * 2`;
    if (has('half', 'halve')) return `${n} / 2`;
    if (has('square', 'squared')) return `${n} * ${n}`;
    if (has('increment', 'next')) return `${n} + 1`;
    if (has('abs', 'absolute')) return say(lang, { python: `abs(${n})`, js: `Math.abs(${n})`, go: `math.Abs(${n})`, default: `Math.abs(${n})` });
    if (has('round', 'rounded')) return say(lang, { python: `round(${n})`, js: `Math.round(${n})`, go: `math.Round(${n})`, default: `Math.round(${n})` });
  }
  if (text) {
    if (has('upper', 'shout', 'uppercase')) return say(lang, { python: `${text}.upper()`, js: `${text}.toUpperCase()`, go: `strings.ToUpper(${text})`, rust: `${text}.to_uppercase()`, ruby: `${text}.upcase`, default: `${text}.toUpperCase()` });
    if (has('lower', 'lowercase')) return say(lang, { python: `${text}.lower()`, js: `${text}.toLowerCase()`, go: `strings.ToLower(${text})`, rust: `${text}.to_lowercase()`, ruby: `${text}.downcase`, default: `${text}.toLowerCase()` });
    if (has('trim', 'strip', 'clean')) return say(lang, { python: `${text}.strip()`, js: `${text}.trim()`, go: `strings.TrimSpace(${text})`, rust: `${text}.trim()`, ruby: `${text}.strip`, default: `${text}.trim()` });
    if (has('words', 'split', 'tokens')) return say(lang, { python: `${text}.split()`, js: `${text}.split(/\\s+/)`, go: `strings.Fields(${text})`, ruby: `${text}.split` });
    if (has('length', 'len', 'size')) return say(lang, { python: `len(${text})`, js: `${text}.length`, go: `len(${text})`, rust: `${text}.len()`, ruby: `${text}.length`, default: `${text}.length()` });
  }
  // The declared type, then the first parameter that fits it.
  const returnKind = kindOfType(returns);
  if (returnKind === 'void') return '';
  if (returnKind === 'boolean') return say(lang, { python: 'False', default: 'false' });
  if (returnKind === 'number') return numbers[0] ?? '0';
  if (returnKind === 'string') return text ?? say(lang, { python: '""', go: '""', rust: 'String::new()', js: "''", default: '""' });
  if (returnKind === 'list') return list ?? say(lang, { python: '[]', js: '[]', go: 'nil', rust: 'Vec::new()', default: '[]' });
  return scope[0]?.name;
}

// ---- Words about a function ----

export const VERBS = new Set(['apply', 'format', 'compute', 'calculate', 'get', 'set', 'add', 'remove', 'delete', 'update', 'find', 'check', 'validate', 'parse', 'load', 'save', 'build', 'make', 'create', 'convert', 'render', 'send', 'read', 'write', 'print', 'sort', 'filter', 'merge', 'split', 'join', 'clamp', 'round', 'normalize', 'greet', 'fetch', 'handle', 'process', 'show', 'display', 'describe', 'reset', 'clear', 'start', 'stop', 'run', 'open', 'close', 'toggle', 'generate', 'encode', 'decode', 'escape', 'insert', 'append', 'emit', 'log', 'scale', 'compare', 'count', 'sum', 'double', 'list']);
const TOWARDS: Record<string, string> = { apply: 'to', add: 'to', append: 'to', insert: 'to', send: 'to', remove: 'from', delete: 'from', parse: 'from', read: 'from', load: 'from', fetch: 'from', convert: 'from', decode: 'from', format: 'of' };

function thirdPerson(verb: string): string {
  if (/(?:s|x|z|ch|sh)$/.test(verb)) return `${verb}es`;
  if (/[^aeiou]y$/.test(verb)) return `${verb.slice(0, -1)}ies`;
  return `${verb}s`;
}

export const lowerFirst = (text: string) => text[0].toLowerCase() + text.slice(1);
export const upperFirst = (text: string) => text[0].toUpperCase() + text.slice(1);

export function joinAnd(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * One sentence about a function from its name and parameters: "Return the median of values."
 * (imperative, Python's docstrings) or "Returns the median of values." (third person).
 */
export function summary(fn: Pick<Fn, 'name' | 'params'>, lang: Lang, person: 'imperative' | 'third' = lang.family === 'python' ? 'imperative' : 'third'): string {
  const words = wordsOf(fn.name);
  const names = fn.params.map((p) => p.name);
  const verb = (v: string) => upperFirst(person === 'third' ? thirdPerson(v) : v);
  const [first, ...rest] = words;
  if (/^(?:__init__|constructor|init|initialize)$/.test(fn.name)) return `${verb('set')} up the instance${names.length ? ` from ${joinAnd(names)}` : ''}.`;
  if (['is', 'has', 'can', 'should'].includes(first)) return `${verb('report')} whether ${names[0] ?? 'it'} ${first === 'has' ? 'has' : first === 'is' ? 'is' : first} ${rest.join(' ')}.`;
  if (VERBS.has(first) && (rest.length || names.length)) {
    const object = rest.length ? `the ${rest.join(' ')}` : names[0];
    const others = rest.length ? names : names.slice(1);
    const target = others.length ? ` ${TOWARDS[first] ?? 'for'} ${others[0]}${others.length > 1 ? `, using ${joinAnd(others.slice(1))}` : ''}` : '';
    return `${verb(first)} ${object}${target}.`;
  }
  const towards = fn.params[0] && kindOf(fn.params[0]) === 'list' ? 'of' : 'for';
  return `${verb('return')} the ${words.join(' ')}${names.length ? ` ${towards} ${joinAnd(names)}` : ''}.`;
}
