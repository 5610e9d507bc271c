// Helpers for the fuzz suite: a seeded generator, the hostile inputs every entry point is fed, and
// a check that the work an entry point does grows linearly with its input.
//
// Every run uses the seed in KESTREL_FUZZ_SEED (decimal or 0x-hex), or a fixed default; a failure
// names the seed, so `KESTREL_FUZZ_SEED=<seed> npx mocha out/test/unit/fuzz` replays it.
import { performance } from 'node:perf_hooks';

const DEFAULT_SEED = 0x6b657374;

export const SEED: number = (() => {
  const given = process.env.KESTREL_FUZZ_SEED?.trim();
  if (!given) return DEFAULT_SEED;
  const seed = Number(given);
  if (!Number.isSafeInteger(seed)) throw new Error(`KESTREL_FUZZ_SEED must be an integer, not ${JSON.stringify(given)}`);
  return seed >>> 0;
})();

export const KB = 1024;
export const MB = 1024 * KB;

/** A small seeded generator (mulberry32): the same seed gives the same inputs on every machine. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** `length` UTF-16 code units drawn from `alphabet` (a string or a list of pieces). */
  string(length: number, alphabet: string | readonly string[]): string {
    const pieces = typeof alphabet === 'string' ? Array.from(alphabet) : alphabet;
    let out = '';
    while (out.length < length) out += this.pick(pieces);
    return out.slice(0, length);
  }

  /** Random bytes, as a byte array. */
  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.int(256);
    return out;
  }

  /**
   * Any UTF-16 text: astral characters, lone surrogate halves, controls, bidirectional overrides,
   * zero-width characters, line breaks of every kind, and the ASCII that code and markdown use.
   */
  unicode(length: number): string {
    let out = '';
    while (out.length < length) {
      const r = this.next();
      if (r < 0.45) out += String.fromCharCode(32 + this.int(95));
      else if (r < 0.55) out += this.pick(['\n', '\r\n', '\r', '\t', '\u2028', '\u2029', '\u0085', '\v', '\f']);
      else if (r < 0.62) out += this.pick(['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u202e', '\u2066', '\u0000', '\u001b', '\u007f']);
      else if (r < 0.7) out += String.fromCharCode(0xd800 + this.int(0x800)); // a lone surrogate half
      else if (r < 0.8) out += String.fromCodePoint(0x10000 + this.int(0xfffff)); // an astral character
      else out += String.fromCharCode(0xa0 + this.int(0xd700 - 0xa0));
    }
    return out.slice(0, length);
  }

  /** Positions that cut `length` into chunks of 1 to `max` (random boundaries for streams). */
  cuts(length: number, max: number): number[] {
    const out: number[] = [];
    for (let at = 0; at < length; ) {
      at = Math.min(length, at + 1 + this.int(this.chance(0.3) ? 3 : max));
      out.push(at);
    }
    return out;
  }
}

/** A seed of its own for each test, from the run's seed and the test's name. */
export function seedFor(name: string): number {
  let h = SEED ^ 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * `count` cases of `body`, each with its own generator. A failure names the case and the run's
 * seed, which replays it.
 */
export function cases(name: string, count: number, body: (random: Random, index: number) => void | Promise<void>): () => Promise<void> {
  return async () => {
    const random = new Random(seedFor(name));
    for (let i = 0; i < count; i++) {
      try {
        await body(random, i);
      } catch (error) {
        const e = error instanceof Error ? error : new Error(String(error));
        e.message = `case ${i + 1} of ${count}, KESTREL_FUZZ_SEED=${SEED} replays it:\n${e.message}`;
        throw e;
      }
    }
  };
}

const repeat = (unit: string, bytes: number) => unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
const lines = (line: (i: number) => string, bytes: number) => {
  let out = '';
  for (let i = 0; out.length < bytes; i++) out += `${line(i)}\n`;
  return out.slice(0, bytes);
};

/**
 * Input a model, a provider or a page can send, in any size: the shapes that make a regular
 * expression or a line-by-line loop do more than linear work, if one can.
 */
export const HOSTILE: Record<string, (bytes: number) => string> = {
  'one letter': (n) => 'a'.repeat(n),
  '`sure` and letters': (n) => `sure ${'a'.repeat(n - 5)}`,
  'words without punctuation': (n) => repeat('sure thing here ', n),
  'spaces between two letters': (n) => `a${' '.repeat(n - 2)}b`,
  'a line of spaces, then a letter': (n) => `x\n${' '.repeat(n - 3)}y`,
  'tabs between two letters': (n) => `a${'\t'.repeat(n - 2)}b`,
  'blank lines': (n) => '\n'.repeat(n),
  'blank lines between two paragraphs': (n) => `a\n${'\n'.repeat(n - 4)}b\n`,
  'lines of whitespace': (n) => repeat(' \t \n', n),
  'indented lines': (n) => `x\n${repeat('    y\n', n - 2)}`,
  'lines indented ever deeper': (n) => lines((i) => `${' '.repeat(i % 400)}x`, n),
  backticks: (n) => '`'.repeat(n),
  'inline code': (n) => repeat('`a ', n),
  fences: (n) => repeat('```\n', n),
  'fences with a language': (n) => repeat('```ts\n', n),
  'an open fence': (n) => `\`\`\`ts\n${repeat('const x = "a";\n', n - 6)}`,
  'nested brackets': (n) => repeat('([{', n),
  'closing brackets': (n) => repeat(')]}', n),
  'an unterminated string': (n) => `"${'a'.repeat(n - 1)}`,
  'an unterminated comment': (n) => `/*${'a'.repeat(n - 2)}`,
  'an unterminated template': (n) => repeat('`${', n),
  'prose lines': (n) => repeat('Here is the code you asked for:\n', n),
  sentences: (n) => repeat('This is a sentence about the code.\n', n),
  bullets: (n) => repeat('- the item is here\n', n),
  'numbered lines': (n) => lines((i) => `${i + 1}: x`, n),
  'diff hunk headers': (n) => repeat('@@ -1 +1 @@\n', n),
  'diff lines': (n) => repeat('+x\n', n),
  'an HTML page': (n) => `<!doctype html><html><head><title>502</title></head><body>${repeat('<div class="x"><p>Bad gateway</p></div>\n', n - 80)}</body></html>`,
  tags: (n) => repeat('<a ', n),
  'a JSON bomb': (n) => '['.repeat(n / 2) + ']'.repeat(n / 2),
  'a JSON bomb of objects': (n) => repeat('{"a":', n),
  '`model` again and again': (n) => repeat('model ', n),
  'colons, then a line break': (n) => `${':'.repeat(n - 2)}\nx`,
  'CR then LFs': (n) => `\r${'\n'.repeat(n - 1)}`,
  CRLFs: (n) => repeat('\r\n', n),
  'zero-width characters': (n) => repeat('\u200b\ufeff', n),
  entities: (n) => repeat('&lt;', n),
  'markdown emphasis': (n) => repeat('**a', n),
  'markdown links': (n) => repeat('[a](', n),
  'table rows': (n) => `| a | b |\n|---|---|\n${repeat('| 1 | 2 |\n', n - 20)}`,
  'quote markers': (n) => repeat('> ', n),
  'a clause keyword, spaces, no colon': (n) => `x\ncase${' '.repeat(n - 8)}x`,
  'slashes and brackets': (n) => `x = ${repeat('(/[', n - 4)}`,
  'a dotted tag name': (n) => `<${repeat('a.', n - 1)}`,
  'random unicode': (n) => new Random(seedFor('random unicode')).unicode(n),
  'random bytes': (n) => new TextDecoder().decode(new Random(seedFor('random bytes')).bytes(n)).slice(0, n),
};

/** What ordinary text of the same size costs: the yardstick for the hostile inputs. */
export function plainCode(bytes: number): string {
  return lines((i) => `  const value${i} = compute(value${i - 1}, ${i}); // step ${i}`, bytes);
}

/** Milliseconds one call of `fn` takes: the best of a few calls, batched when a call is short. */
export function msPerCall(fn: () => unknown): number {
  const first = performance.now();
  fn();
  const once = performance.now() - first;
  // One more sample keeps a pause of the collector, or another process, out of the figure.
  let best = once;
  for (let batch = 0; batch < 2; batch++) {
    let calls = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      fn();
      calls++;
      elapsed = performance.now() - start;
    } while (elapsed < 4);
    best = Math.min(best, elapsed / calls);
    if (once > 20) break;
  }
  return best;
}

export interface Growth {
  small: number;
  large: number;
  ms: [number, number];
}

const size = (bytes: number) => (bytes >= MB ? `${bytes / MB} MB` : `${bytes / KB} KB`);

/**
 * Asserts that `run` does work linear in the size of its input: fed an input 8 times larger
 * (`make(large)` against `make(small)`, by default 128 KB and 1 MB), it may take at most `limit`
 * times longer. Linear work takes 8 times longer, quadratic 64; the limit of 20 leaves a busy
 * machine room on both sides. Quadratic code fails here in seconds rather than running for minutes.
 */
export function assertLinear<T>(label: string, make: (bytes: number) => T, run: (input: T) => unknown, options: { small?: number; large?: number; limit?: number } = {}): Growth {
  const { small = 128 * KB, large = MB, limit = 20 } = options;
  const a = make(small);
  const b = make(large);
  const growth: Growth = { small, large, ms: [msPerCall(() => run(a)), msPerCall(() => run(b))] };
  // One more look before failing: a busy machine can stall any single measurement.
  if (growth.ms[1] / growth.ms[0] > limit) growth.ms = [Math.max(growth.ms[0], msPerCall(() => run(a))), Math.min(growth.ms[1], msPerCall(() => run(b)))];
  check(label, growth, limit);
  return growth;
}

/** `assertLinear` for work that awaits (a stream read to its end): each size is timed twice, the faster counts. */
export async function assertLinearAsync<T>(label: string, make: (bytes: number) => T, run: (input: T) => Promise<unknown>, options: { small?: number; large?: number; limit?: number } = {}): Promise<Growth> {
  const { small = 128 * KB, large = MB, limit = 20 } = options;
  const ms: number[] = [];
  for (const bytes of [small, large]) {
    const input = make(bytes);
    let best = Infinity;
    for (let i = 0; i < 2; i++) {
      const start = performance.now();
      await run(input);
      best = Math.min(best, performance.now() - start);
    }
    ms.push(best);
  }
  const growth: Growth = { small, large, ms: [ms[0], ms[1]] };
  check(label, growth, limit);
  return growth;
}

/**
 * Asserts that `run` on a hostile input takes at most `factor` times what it takes on an ordinary
 * input of the same size (`baseline`, measured in the same test): the work per character may be
 * heavier, but not by the size of the input.
 */
export function assertNoWorseThan<T>(label: string, baseline: T, input: T, run: (input: T) => unknown, factor = 30): void {
  const plain = msPerCall(() => run(baseline));
  let hostile = msPerCall(() => run(input));
  if (hostile > factor * plain) hostile = Math.min(hostile, msPerCall(() => run(input)));
  if (hostile > factor * Math.max(plain, 0.01)) throw new Error(`${label}: ${hostile.toFixed(1)} ms, against ${plain.toFixed(1)} ms for ordinary input of the same size (this test allows ×${factor})`);
}

function check(label: string, growth: Growth, limit: number): void {
  const [a, b] = growth.ms;
  // Below a hundredth of a millisecond a call is too quick to time: the small input counts as that.
  if (b / Math.max(a, 0.01) > limit) {
    const times = growth.large / growth.small;
    throw new Error(`${label}: not linear: ${size(growth.small)} ${a.toFixed(1)} ms, ${size(growth.large)} ${b.toFixed(1)} ms (×${(b / a).toFixed(1)} for ${times} times the input; linear work grows ×${times}, this test allows ×${limit})`);
  }
}
