// Ghost-text fidelity: the share of corpus cases (test/fixtures/inline/) whose file after Tab is
// exactly right, per failure class, per answer style and per language, each case streamed in three
// chunkings through the real inline engine. `npm run bench -- fidelity`.
import { CHUNKINGS, CLASSES, loadCorpus, replay, ROUTES, STYLES, type AnswerStyle, type LoadedCase } from '../test/support/fidelity';
import { percentile, table } from './stats';

interface Outcome {
  c: LoadedCase;
  style: AnswerStyle;
  right: boolean;
}

const pct = (right: number, all: number) => (all === 0 ? '–' : `${((100 * right) / all).toFixed(1)}%`);

export async function run(): Promise<string> {
  const corpus = loadCorpus();
  const outcomes: Outcome[] = [];
  const perCase: number[] = [];
  for (const c of corpus) {
    for (const style of c.styles ?? STYLES) {
      let right = true;
      for (const chunk of CHUNKINGS) {
        const started = performance.now();
        const { file } = await replay(c, style, chunk);
        perCase.push(performance.now() - started);
        right &&= file === c.expected;
      }
      outcomes.push({ c, style, right });
    }
  }
  const rate = (pick: (o: Outcome) => boolean) => {
    const chosen = outcomes.filter(pick);
    return pct(chosen.filter((o) => o.right).length, chosen.length);
  };
  const cases = (pick: (c: LoadedCase) => boolean) => corpus.filter(pick).length;

  const byClass = table(
    ['class', 'cases', 'near misses', ...STYLES, 'all styles'],
    CLASSES.map((k) => [k, String(cases((c) => c.class === k)), String(cases((c) => c.class === k && c.nearMiss === true)), ...STYLES.map((s) => rate((o) => o.c.class === k && o.style === s)), rate((o) => o.c.class === k)]),
  );
  const languages = [...new Set(corpus.map((c) => c.language))].sort();
  const byLanguage = table(
    ['language', 'cases', 'right (every style and chunking)'],
    languages.map((l) => [l, String(cases((c) => c.language === l)), rate((o) => o.c.language === l)]),
  );
  const total = table(
    ['cases', 'replays (case × style × chunking)', 'right', 'engine time per replay p50 / p99'],
    [[String(corpus.length), String(perCase.length), rate(() => true), `${percentile(perCase, 50).toFixed(2)} / ${percentile(perCase, 99).toFixed(2)} ms`]],
  );
  // Each zero-wait lever serves the suggestion its own way (test/support/fidelity.ts, `ROUTES`).
  const routeRows: string[][] = [];
  for (const route of ROUTES) {
    let replays = 0;
    let right = 0;
    let served = 0;
    let suggested = 0;
    for (const c of corpus) {
      for (const style of c.styles ?? STYLES) {
        const result = await replay(c, style, 3, route);
        replays++;
        if (result.file === c.expected) right++;
        if (c.expected !== null) {
          suggested++;
          if (result.served) served++;
        }
      }
    }
    routeRows.push([route, String(replays), pct(right, replays), `${served} of ${suggested} (${pct(served, suggested)})`]);
  }
  const byRoute = table(['route to the user (zero-wait lever)', 'replays (case × style, 3-character chunks)', 'right', 'suggestions the lever served'], routeRows);
  return [
    'A replay is right when the file after Tab equals the expected file exactly (no suggestion where none is expected). A case counts as right in a style only if all three chunkings (1, 3 and all characters per delta) are right.',
    total,
    byClass,
    byLanguage,
    'Through each zero-wait lever: its own request with every lever off; riding a request in flight; a prefetch; typing the first two characters (typing-through); typing the first line and Enter (hot streak). "Served" counts the suggestions the lever delivered (typing-through needs a first line of 3 or more characters, the hot streak a second line).',
    byRoute,
  ].join('\n\n');
}
