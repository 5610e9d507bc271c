// Answer extraction (src/core/completion/extract.ts; docs/ghost-text-rules.md section 1): from what a
// chat model sent, the code it meant for the hole. Too little taken away puts tags, fences, prose or
// the echoed cursor line into the file; too much takes away code.
import * as assert from 'node:assert/strict';
import { continuationAfterPrefill, dropEchoedPrefix, dropLeadingBlankLines, extractFenced, isBulletProse, isMetaProse, isSentence, mayBeEchoing, proseLines, stripDiffMarkers, stripInlineCode, stripInvisible, stripLabel, stripLineNumbers, stripProse, stripTags, textIsContent, unescapeEntities, type HoleView } from '../../../src/core/completion/extract';
import { CODE, syntaxOf } from '../../../src/core/completion/lexical';

const hole = (over: Partial<HoleView> = {}): HoleView => ({ linePrefix: '', linesBefore: [], syntax: syntaxOf('typescript'), cursorState: CODE, textual: false, markup: false, inExpression: false, ...over });
/** A stand-in for `proseLines`: a line starting with `Here` is prose. */
const hereIsProse = (lines: string[]) => lines.map((l) => /^Here/.test(l));
const fence = '```';

describe('answer extraction', () => {
  describe('stripTags', () => {
    it('drops what comes before an opening tag and ends the answer at a closing tag', () => {
      assert.deepEqual(stripTags('Sure!<fill>a + b</fill> trailing'), { text: 'a + b', closed: true, opened: true });
      assert.deepEqual(stripTags('a + b</fill>'), { text: 'a + b', closed: true, opened: false });
      assert.deepEqual(stripTags('<completion>x</completion>'), { text: 'x', closed: true, opened: true });
      assert.deepEqual(stripTags('a + b'), { text: 'a + b', closed: false, opened: false });
    });

    it('removes the hole marker and the prompt’s wrappers', () => {
      assert.equal(stripTags('foo({{HOLE}})').text, 'foo()');
      assert.equal(stripTags('<file path="a.ts">x</file>').text, 'x');
    });

    it('turns the continuation of a prefill back into the text after the cursor', () => {
      // The prefill `x =` stood for `x = `: the model writing ` b;` means `b;` after the cursor.
      const prefill = { text: 'x =', tail: 'x = ' };
      assert.equal(stripTags(' b;', prefill).text, 'b;');
      assert.equal(stripTags('b;', prefill).text, 'b;', 'the space not written again: the cursor stands after it already');
      // The model opened the tag again and started over: no prefill to continue.
      assert.equal(stripTags('<fill>x = b;', prefill).text, 'x = b;');
      assert.equal(continuationAfterPrefill({ text: 'if (a) {', tail: 'if (a) {\n    ' }, '\n    y();'), 'y();');
      // The next line's indentation written differently: the cursor stands on that line already.
      assert.equal(continuationAfterPrefill({ text: 'if (a) {', tail: 'if (a) {\n    ' }, '\n  y();'), 'y();');
      // Opened again: the answer is what follows the new tag, as written.
      assert.equal(stripTags('<fill>\n    y();', { text: 'if (a) {', tail: 'if (a) {\n    ' }).text, '\n    y();');
    });
  });

  describe('stripInvisible', () => {
    it('drops zero-width characters and a byte-order mark at the start of a line only', () => {
      assert.equal(stripInvisible('\u200bfoo\n\ufeffbar\n\u2060\u200dbaz'), 'foo\nbar\nbaz');
      assert.equal(stripInvisible('a\u200bb'), 'a\u200bb');
    });
  });

  describe('extractFenced', () => {
    it('takes the inside of the first fenced block, without the prose around it', () => {
      assert.deepEqual(extractFenced(`${fence}ts\nconst a = 1;\n${fence}\nThis works.`, hereIsProse), { text: 'const a = 1;', closed: true });
      assert.deepEqual(extractFenced(`Here it is:\n${fence}\nconst a = 1;\n${fence}`, hereIsProse), { text: 'const a = 1;', closed: true });
      assert.deepEqual(extractFenced(`\n${fence}\nconst a = 1;`, hereIsProse), { text: 'const a = 1;', closed: false }, 'not closed yet');
    });

    it('reads a bare fence after code as the end of the answer', () => {
      // `return a + b;` then a lone fence: the model closed a block it never opened.
      assert.deepEqual(extractFenced(`return a + b;\n${fence}\nmore`, hereIsProse), { text: 'return a + b;', closed: true });
      // A fence that names a language opens a block even after code.
      assert.deepEqual(extractFenced(`return a + b;\n${fence}ts\nx();\n${fence}`, hereIsProse), { text: 'x();', closed: true });
    });

    it('closes only on a bare fence of the same kind and at least the same length', () => {
      assert.deepEqual(extractFenced(`${fence}ts\nx\n~~~\ny\n${fence}`, hereIsProse), { text: 'x\n~~~\ny', closed: true });
      assert.deepEqual(extractFenced(`${fence}ts\nx\n${fence}js\ny\n${fence}`, hereIsProse), { text: `x\n${fence}js\ny`, closed: true });
      assert.deepEqual(extractFenced(`${fence}\`md\n${fence}js\nx\n${fence}\n${fence}\`\nafter`, hereIsProse), { text: `${fence}js\nx\n${fence}`, closed: true });
      assert.deepEqual(extractFenced(`${fence}ts\nx\n${fence}\`\ny`, hereIsProse), { text: 'x', closed: true }, 'a longer fence closes too');
    });

    it('takes off the indentation of a fence inside a list item', () => {
      const listed = `1. Add it:\n   ${fence}ts\n   const a = 1;\n     b();\n   ${fence}`;
      assert.deepEqual(extractFenced(listed, () => [true]), { text: 'const a = 1;\n  b();', closed: true });
    });

    it('reads a fence line with trailing spaces as a bare fence', () => {
      assert.deepEqual(extractFenced(`return a + b;\n${fence}  \nmore`, hereIsProse), { text: 'return a + b;', closed: true });
      assert.deepEqual(extractFenced(`${fence}ts\nx\n${fence}  \nafter`, hereIsProse), { text: 'x', closed: true });
    });

    it('opens on a fence with a title after the language', () => {
      assert.deepEqual(extractFenced(`return x;\n${fence}ts title="a.ts"\nconst a = 1;\n${fence}`, hereIsProse), { text: 'const a = 1;', closed: true });
    });

    it('leaves an answer without a fence alone', () => {
      assert.deepEqual(extractFenced('const a = 1;\n`x`', hereIsProse), { text: 'const a = 1;\n`x`', closed: false });
    });
  });

  describe('isMetaProse', () => {
    it('knows the model talking about its answer', () => {
      for (const line of ['Here is the completion:', "Here's the code:", 'Sure, here it is.', 'I will add a check.', 'This completes the code above.', 'Let me help.']) {
        assert.equal(isMetaProse(line), true, line);
      }
      for (const line of ['// Here is the fix', 'here x = 1;', 'Here is {', 'Heretic code runs', 'Sure!', 'Sure, x = 1;']) assert.equal(isMetaProse(line), false, line);
    });

    it('in text, counts a remark only when it names the answer', () => {
      // In a comment `I will add a check.` can be the comment itself.
      assert.equal(isMetaProse('Here is the completion:', true), true);
      assert.equal(isMetaProse('I will add a check.', true), false);
      assert.equal(isMetaProse('Sure, here it is.', true), false);
      // Naming it is not enough: a comment may well be about a completion callback.
      assert.equal(isMetaProse('The completion callback runs once.', true), false);
      assert.equal(isMetaProse('This completes the code above.', true), true);
    });
  });

  describe('isSentence', () => {
    it('is a capitalised word and at least two more, ending in punctuation', () => {
      assert.equal(isSentence('Sum of all.'), true);
      assert.equal(isSentence('Two words.'), false);
      assert.equal(isSentence('This returns the total.'), true);
      assert.equal(isSentence('Is it ok?'), true);
      assert.equal(isSentence('Note: see below:'), true);
      assert.equal(isSentence('Call validate() first.'), true, 'a sentence may name code');
    });

    it('is not code followed by a comment, nor letters that are no words', () => {
      assert.equal(isSentence('Suspended, // Sign-in is blocked.'), false);
      assert.equal(isSentence('A b c.'), false);
    });

    it('is not code', () => {
      for (const line of ['Returns the total', 'This returns the total;', 'return the total.', 'Use {a} for it.', 'THE END IS NEAR.', 'Set x = 1 now.']) {
        assert.equal(isSentence(line), false, line);
      }
    });
  });

  describe('proseLines', () => {
    it('marks remarks and sentences where code is expected', () => {
      assert.deepEqual(proseLines(['Here is the code:', 'total += x;', 'This returns the total.'], hole()), [true, false, true]);
    });

    it('keeps sentences inside a comment, a string or a docstring', () => {
      assert.deepEqual(proseLines(['This returns the total.'], hole({ linePrefix: ' * ', cursorState: { kind: 'comment', close: '*/' } })), [false]);
      assert.deepEqual(proseLines(['This returns the total.'], hole({ linePrefix: '// ', cursorState: { kind: 'line-comment' } })), [false]);
      assert.deepEqual(proseLines(['"""', 'This returns the total.', '"""'], hole({ syntax: syntaxOf('python') })), [false, false, false]);
      assert.deepEqual(proseLines(['/*', 'This returns the total.', '*/'], hole()), [false, false, false]);
    });

    it('ends a line comment with its line', () => {
      // The answer's second line is code again: a sentence there is prose.
      assert.deepEqual(proseLines(['x();', 'This returns the total.'], hole({ linePrefix: '// ', cursorState: { kind: 'line-comment' } })), [false, true]);
      // A blank cursor line after `// note`: the comment ended with its line.
      assert.deepEqual(proseLines(['This returns the total.'], hole({ cursorState: { kind: 'line-comment' } })), [true]);
    });

    it('never takes a line of the language’s own comments for prose', () => {
      // `### Explanation` is a heading of explanation in TypeScript, a comment in Python.
      assert.deepEqual(proseLines(['### Explanation'], hole({ syntax: syntaxOf('python') })), [false]);
      assert.deepEqual(proseLines(['### Explanation'], hole()), [true]);
    });

    it('keeps sentences where text is content, but not remarks about the answer', () => {
      assert.deepEqual(proseLines(['This returns the total.', 'Here is the code:'], hole({ textual: true })), [false, true]);
    });

    it('keeps text between JSX tags', () => {
      const jsx = (linePrefix: string, linesBefore: string[] = []) => hole({ linePrefix, linesBefore, markup: true });
      assert.deepEqual(proseLines(['Welcome to the site.'], jsx('  <p>')), [false]);
      assert.deepEqual(proseLines(['Welcome to the site.'], jsx('  ', ['<p>'])), [false]);
      assert.deepEqual(proseLines(['Welcome to the site.'], jsx('  <Icon name="x" />')), [true], 'a self-closed tag holds no text');
      assert.deepEqual(proseLines(['Welcome to the site.'], jsx('  ', ['const title = 1;'])), [true], 'after a statement: code');
      // Without markup (TypeScript), `<p>` is a comparison or a type argument.
      assert.deepEqual(proseLines(['Welcome to the site.'], hole({ linePrefix: '  <p>' })), [true]);
    });
  });

  describe('textIsContent', () => {
    const yaml = syntaxOf('yaml');
    const html = syntaxOf('html');

    it('never in a code language', () => {
      assert.equal(textIsContent('typescript', syntaxOf('typescript'), 'x', 'x'), false);
    });

    it('in YAML, as a value or inside a block scalar, not where a key belongs', () => {
      assert.equal(textIsContent('yaml', yaml, 'description: ', 'description: '), true);
      assert.equal(textIsContent('yaml', yaml, 'items:\n  - ', '  - '), true);
      assert.equal(textIsContent('yaml', yaml, 'items:\n  ', '  '), false);
      assert.equal(textIsContent('yaml', yaml, 'a: 1\n', ''), false);
      assert.equal(textIsContent('yaml', yaml, 'text: >-\n  ', '  '), true);
      // The block scalar's own lines and blank lines are passed over to find its header.
      assert.equal(textIsContent('yaml', yaml, 'text: |\n  line one\n  ', '  '), true);
      assert.equal(textIsContent('yaml', yaml, 'a:\n  b: |\n\n    ', '    '), true);
    });

    it('in HTML, unless the innermost open element takes only elements', () => {
      assert.equal(textIsContent('html', html, '<html><body><p>', ''), true);
      assert.equal(textIsContent('html', html, '<ul>\n  ', '  '), false);
      assert.equal(textIsContent('html', html, '<ul><li>', ''), true);
      assert.equal(textIsContent('html', html, '<ul><li></li>', ''), false);
      assert.equal(textIsContent('html', html, '<ul><li></LI>', ''), false, 'tag names in any case');
      assert.equal(textIsContent('html', html, '<head><meta charset="utf-8">', ''), false, 'a void element is not open');
      assert.equal(textIsContent('html', html, '<head><br/>', ''), false);
      assert.equal(textIsContent('html', html, '<ul><custom-icon/>', ''), false, 'a self-closed element is not open');
      assert.equal(textIsContent('html', html, '<body><script>', ''), false, 'a script holds code');
    });

    it('always in Markdown', () => {
      assert.equal(textIsContent('markdown', syntaxOf('markdown'), '', ''), true);
    });
  });

  describe('stripProse', () => {
    it('drops prose before the code with its blank lines, and prose after it once the answer is all there', () => {
      const answer = 'Here is the code:\n\ntotal += x;\nThis returns the total.\n';
      assert.equal(stripProse(answer, hole(), true), 'total += x;');
      // While streaming the last sentence may be followed by code: it stays for now.
      assert.equal(stripProse(answer, hole(), false), 'total += x;\nThis returns the total.\n');
      assert.equal(stripProse('\n\nHere is the code:\nx();', hole(), true), 'x();');
    });

    it('keeps prose between code lines, and trailing blank lines', () => {
      assert.equal(stripProse('total += x;\nThis returns the total.\ny();', hole(), true), 'total += x;\nThis returns the total.\ny();');
      assert.equal(stripProse('total += x;\n\n', hole(), true), 'total += x;\n\n');
    });

    it('leaves nothing of an answer that is only prose', () => {
      assert.equal(stripProse('Here is the code:', hole(), true), '');
      assert.equal(stripProse('I cannot see the rest of the file.\nThis is a guess.', hole(), true), '');
    });
  });

  describe('stripDiffMarkers', () => {
    it('drops a `+` before every line of a diff-like answer', () => {
      assert.equal(stripDiffMarkers('+const a = 1;\n+const b = 2;', 'x'), 'const a = 1;\nconst b = 2;');
      assert.equal(stripDiffMarkers('+const a = 1;\n\n+const b = 2;', 'x'), 'const a = 1;\n\nconst b = 2;', 'blank lines aside');
      assert.equal(stripDiffMarkers('@@ -1,2 +1,2 @@\n+a();\n+b();', 'x'), 'a();\nb();', 'after a hunk header');
      assert.equal(stripDiffMarkers('+const a = 1;\nconst b = 2;', 'x'), '+const a = 1;\nconst b = 2;', 'not every line');
      assert.equal(stripDiffMarkers('+const a = 1;', 'x = '), '+const a = 1;', 'one line after code: an operator');
    });

    it('drops a `+` before the first statement on a blank line', () => {
      assert.equal(stripDiffMarkers('+const a = 1;', '  '), 'const a = 1;');
      assert.equal(stripDiffMarkers('  +const a = 1;', '  '), '  const a = 1;');
    });

    it('keeps `+ operand` inside brackets, where an expression goes on over lines', () => {
      // `total = (price` / `+ tax`: Black-style operators at the start of the line.
      assert.equal(stripDiffMarkers('+ tax', '  ', true), '+ tax');
      assert.equal(stripDiffMarkers('+ tax', '  ', false), ' tax');
    });

    it('keeps `+` that is an operator', () => {
      assert.equal(stripDiffMarkers('+ b;', 'x = a '), '+ b;');
      assert.equal(stripDiffMarkers('++i;', '  '), '++i;');
      assert.equal(stripDiffMarkers('+= 2;', '  '), '+= 2;');
      assert.equal(stripDiffMarkers('++i;\n++j;', 'x'), '++i;\n++j;');
      assert.equal(stripDiffMarkers('+= 1;\n+= 2;', 'x'), '+= 1;\n+= 2;');
    });
  });

  describe('dropEchoedPrefix', () => {
    const at = (linePrefix: string, linesBefore: string[] = []) => hole({ linePrefix, linesBefore });

    it('drops the cursor line written out again, from three characters typed', () => {
      assert.equal(dropEchoedPrefix('const total = sum;', at('const total = ')), 'sum;');
      assert.equal(dropEchoedPrefix('  const total = sum;', at('  const total = ')), 'sum;', 'indentation aside');
      assert.equal(dropEchoedPrefix('abc(1);', at('abc')), '(1);');
      // Two characters may be the start of the answer by chance.
      assert.equal(dropEchoedPrefix('ab(1);', at('ab')), 'ab(1);');
    });

    it('drops whole lines before the cursor written out again, then the cursor line', () => {
      assert.equal(dropEchoedPrefix('function f() {\n  return 1;', at('  ', ['function f() {'])), '  return 1;');
      assert.equal(dropEchoedPrefix('function f() {\n  return 1;', at('  ret', ['function f() {'])), 'urn 1;');
      assert.equal(dropEchoedPrefix('a = 1;\nb = 2;\nc = 3;', at('', ['a = 1;', 'b = 2;'])), 'c = 3;');
      // What follows the echoed lines must continue the cursor line.
      assert.equal(dropEchoedPrefix('function f() {\n  return 1;', at('  x', ['function f() {'])), 'function f() {\n  return 1;');
    });

    it('needs six characters of code in the echoed lines', () => {
      // `abc() {` is a line a model may well write anew; `abcd() {` is an echo.
      assert.equal(dropEchoedPrefix('abcd() {\n  return 1;', at('  ', ['abcd() {'])), '  return 1;');
      assert.equal(dropEchoedPrefix('abc() {\n  return 1;', at('  ', ['abc() {'])), 'abc() {\n  return 1;');
      assert.equal(dropEchoedPrefix('}\n}\n  x();', at('  ', ['  }', '}'])), '}\n}\n  x();');
    });

    it('finds an echo of up to eight lines', () => {
      const before = Array.from({ length: 8 }, (_, i) => `line${i} = ${i};`);
      assert.equal(dropEchoedPrefix([...before, 'next = 8;'].join('\n'), at('', before)), 'next = 8;');
    });

    it('leaves an answer that starts on the next line alone', () => {
      assert.equal(dropEchoedPrefix('\nconst total = sum;', at('const total = ')), '\nconst total = sum;');
    });

    it('drops the word being typed written out whole', () => {
      // `calculateSub` + `calculateSubtotal(items)`: only `total(items)` is new.
      assert.equal(dropEchoedPrefix('calculateSubtotal(items)', at('  const t = calculateSub')), 'total(items)');
    });

    it('drops a list or comment marker written again', () => {
      assert.equal(dropEchoedPrefix('- item two', at('- ')), 'item two');
      assert.equal(dropEchoedPrefix('-- x', at('- ')), '-- x');
    });
  });

  describe('dropLeadingBlankLines', () => {
    it('drops all of them on a blank cursor line', () => {
      assert.equal(dropLeadingBlankLines('  \n\t\nx();', ''), 'x();');
      assert.equal(dropLeadingBlankLines('\n\n  x();', '  '), '  x();');
    });

    it('keeps one after a written line: the suggestion goes on the next line', () => {
      assert.equal(dropLeadingBlankLines('\n\n  x();', 'if (a) {'), '\n  x();');
      assert.equal(dropLeadingBlankLines('\n  x();', 'if (a) {'), '\n  x();');
      assert.equal(dropLeadingBlankLines('x();', 'if (a) {'), 'x();');
    });
  });

  describe('mayBeEchoing', () => {
    it('is the lines so far matching lines of the file above the cursor', () => {
      const above = hole({ linesBefore: ['function f() {', '  const a = 1;', '  const b = 2;'] });
      assert.equal(mayBeEchoing('const a = 1;\n', above), true);
      assert.equal(mayBeEchoing('const z = 1;\n', above), false);
      assert.equal(mayBeEchoing('', above), false);
    });
  });

  describe('stripInlineCode', () => {
    it('drops backticks around the whole answer where a backtick is no string', () => {
      assert.equal(stripInlineCode('`self._cache[key]`', syntaxOf('python')), 'self._cache[key]');
      assert.equal(stripInlineCode('`a`', syntaxOf('typescript')), '`a`', 'a template literal');
      assert.equal(stripInlineCode('`a` and `b`', syntaxOf('python')), '`a` and `b`');
    });
  });

  describe('isBulletProse', () => {
    it('is a bullet or heading of explanation, not a statement', () => {
      for (const line of ['- `app.listen` starts the server', '1. First we add it', '**Note:** this is it', '### Explanation']) assert.equal(isBulletProse(line), true, line);
      for (const line of ['- item', '- x = 1;', '- total: number;', '-1 + 2 + 3']) assert.equal(isBulletProse(line), false, line);
    });
  });

  describe('stripLabel', () => {
    it('drops a label before the answer', () => {
      assert.equal(stripLabel('Completion:\nfoo();'), 'foo();');
      assert.equal(stripLabel('**Answer:** foo();'), 'foo();');
      assert.equal(stripLabel('completion: foo'), 'completion: foo', 'a lower-case key is code');
    });
  });

  describe('unescapeEntities', () => {
    it('unescapes code escaped as for a web page, outside markup', () => {
      assert.equal(unescapeEntities('a &lt; b &amp;&amp; c', false), 'a < b && c');
      assert.equal(unescapeEntities('a &lt; b', true), 'a &lt; b', 'in markup an entity is meant');
      assert.equal(unescapeEntities('a &lt; b <', false), 'a &lt; b <', 'a bracket of its own: the entity is meant');
    });
  });

  describe('stripLineNumbers', () => {
    it('drops line numbers copied on every line, rising', () => {
      assert.equal(stripLineNumbers('12: return x;\n13: }'), 'return x;\n}');
      assert.equal(stripLineNumbers('12 | a\n13 | b'), 'a\nb');
      assert.equal(stripLineNumbers('13: a\n12: b'), '13: a\n12: b', 'not rising');
      assert.equal(stripLineNumbers('12: a\nb'), '12: a\nb', 'not on every line');
    });

    it('on one line, only a number set apart by indentation', () => {
      assert.equal(stripLineNumbers('3:     return x'), 'return x');
      assert.equal(stripLineNumbers("3: 'three'"), "3: 'three'");
    });
  });
});
