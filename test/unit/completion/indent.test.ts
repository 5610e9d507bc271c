// Indentation (src/core/completion/indent.ts): the suggestion written in the file's own unit, and the
// detection of that unit. A wrong width puts accepted code at the wrong depth, or mixes tabs and spaces.
import * as assert from 'node:assert/strict';
import { detectIndentUnit, guessSpaceUnit, rebase, reindent } from '../../../src/core/completion/indent';

describe('indentation', () => {
  describe('reindent', () => {
    it('writes tabs as the file’s spaces', () => {
      assert.equal(reindent('\tb();\n\t\tc();', '  ', 0), '  b();\n    c();');
      assert.equal(reindent('a\n\tb();', '    ', 1), 'a\n    b();');
    });

    it('leaves the first line alone when it continues the cursor line', () => {
      // `fromLine` 1: the first line is the rest of the cursor line, its whitespace is not indentation.
      assert.equal(reindent('\tb();', '  ', 1), '\tb();');
      assert.equal(reindent('\tb();\n\tc();', '  ', 1), '\tb();\n  c();');
      assert.equal(reindent('\tb();', '  ', 0), '  b();');
    });

    it('leaves lines inside a string that spans lines as they are', () => {
      // The template literal's `\ta` is the string's text, not indentation.
      assert.equal(reindent('x = `\n\ta\n`;\n\ty();', '  ', 1, 0, [false, true, true, false]), 'x = `\n\ta\n`;\n  y();');
      assert.equal(reindent('x = `\n    a\n`;\n    y();', '\t', 1, 0, [false, true, true, false]), 'x = `\n    a\n`;\n\ty();');
    });

    it('leaves the answer as it is when the file shows no unit', () => {
      assert.equal(reindent('a\n\tb();\n    c();', '', 1), 'a\n\tb();\n    c();');
    });

    it('turns 4-space levels into tabs in a tab-indented file', () => {
      assert.equal(reindent('if (a) {\n    b();\n        c();\n}', '\t', 0), 'if (a) {\n\tb();\n\t\tc();\n}');
    });

    it('turns 2-space levels into tabs when a line is indented by two', () => {
      // One width for the whole answer: 2 here, or `c();` would become a tab and two spaces.
      assert.equal(reindent('if (a) {\n  b();\n    c();\n}', '\t', 0), 'if (a) {\n\tb();\n\t\tc();\n}');
      assert.equal(reindent('x\n  b();\n    c();', '\t', 1), 'x\n\tb();\n\t\tc();');
    });

    it('reads the width of the answer’s levels from the cursor’s depth', () => {
      // The least indented line sits at the cursor's level (or one deeper): 2 spaces at one tab is a 2-wide level.
      assert.equal(reindent('x\n  b();', '\t', 1, 1), 'x\n\tb();');
      assert.equal(reindent('x\n    b();', '\t', 1, 1), 'x\n\tb();');
      // Eight spaces at two tabs: 4-wide levels, not one 8-wide level.
      assert.equal(reindent('x\n        b();', '\t', 1, 2), 'x\n\t\tb();');
      assert.equal(reindent('x\n      b();', '\t', 1, 3), 'x\n\t\t\tb();');
      // Eight spaces at three tabs is the next level in 2-wide steps (guessing would say 4-wide, two tabs).
      assert.equal(reindent('x\n        b();', '\t', 1, 3), 'x\n\t\t\t\tb();');
      // Sixteen spaces at two tabs: 8-wide levels (an editor that shows tabs as 8), not four 4-wide ones.
      assert.equal(reindent('x\n                b();', '\t', 1, 2), 'x\n\t\tb();');
    });

    it('guesses the width from the answer alone at the file’s first level', () => {
      // Cursor at column 0: no level to go by, so eight spaces are two 4-wide levels.
      assert.equal(reindent('x\n        b();', '\t', 1, 0), 'x\n\t\tb();');
      assert.equal(reindent('x\n   b();', '\t', 1, 0), 'x\n\t b();', 'spaces left over stay as alignment');
    });
  });

  describe('guessSpaceUnit', () => {
    it('is 4 when every indentation is a multiple of 4, else 2', () => {
      assert.equal(guessSpaceUnit(['    a', '        b']), 4);
      assert.equal(guessSpaceUnit(['    a', '      b']), 2);
      assert.equal(guessSpaceUnit(['  a', '    b']), 2);
      assert.equal(guessSpaceUnit(['a', 'b']), 4, 'nothing indented');
    });
  });

  describe('detectIndentUnit', () => {
    it('picks tabs only when tab-indented lines outnumber space-indented ones', () => {
      assert.equal(detectIndentUnit(['\ta', '\tb', '  c']), '\t');
      assert.equal(detectIndentUnit(['\ta', '  b']), '  ', 'a tie goes to spaces');
    });

    it('finds no unit in a file with nothing indented', () => {
      assert.equal(detectIndentUnit(['a', 'b']), '');
    });

    it('picks four spaces only when the smallest is at least four and all are multiples of four', () => {
      assert.equal(detectIndentUnit(['    a', '        b']), '    ');
      assert.equal(detectIndentUnit(['        a', '            b']), '    ', 'deeper lines only: still 4');
      assert.equal(detectIndentUnit(['    a', '      b']), '  ', 'a 6-space line: the unit is 2');
      assert.equal(detectIndentUnit(['  a', '    b']), '  ');
    });

    it('keeps a one-space unit', () => {
      assert.equal(detectIndentUnit([' a', '  b']), ' ');
      assert.equal(detectIndentUnit(['  a', '   b']), '  ');
    });

    it('counts a blank line’s own whitespace', () => {
      assert.equal(detectIndentUnit(['a', '\t', '\tb']), '\t');
      assert.equal(detectIndentUnit(['a', '    ']), '    ');
    });
  });

  describe('rebase', () => {
    it('moves an answer written from column 0 with 2-space levels into a 4-space file at the cursor', () => {
      // The body lands one level (4) below the cursor, the closer at the cursor.
      assert.equal(rebase('if (x) {\n  a();\n}', '    ', '    '), 'if (x) {\n        a();\n    }');
    });

    it('scales 4-space levels down in a 2-space file', () => {
      assert.equal(rebase('if (x) {\n        a();\n        b();\n    }', '    ', '  '), 'if (x) {\n      a();\n      b();\n    }');
    });

    it('moves a block written from column 0 in the file’s own unit', () => {
      // The body at 4 is the cursor's column: the model wrote the block from 0.
      assert.equal(rebase('if (x) {\n    a();\n}', '    ', '    '), 'if (x) {\n        a();\n    }');
    });

    it('moves an answer whose first line is indented less than the cursor', () => {
      assert.equal(rebase('    a();\n    b();', '        ', '    '), 'a();\n        b();');
    });

    it('leaves an answer in the file’s own frame as written', () => {
      assert.equal(rebase('    if (x) {\n        a();\n    }', '    ', '    '), '    if (x) {\n        a();\n    }');
      assert.equal(rebase('a();\n        b();', '        ', '    '), 'a();\n        b();');
      // The body's column cannot tell the frame (it is at or past the cursor, nothing comes back).
      assert.equal(rebase('if (x) {\n        a();\n}', '    ', '  '), 'if (x) {\n        a();\n}');
      // A closer after the last statement closes the enclosing block where it was written.
      assert.equal(rebase('a();\n    }', '        ', '    '), 'a();\n    }');
      // A body deeper than the cursor that never comes back: its columns are the file's.
      assert.equal(rebase('if (x) {\n      a();\n        b();', '    ', '    '), 'if (x) {\n      a();\n        b();');
    });

    it('leaves a single line, a tab-indented file and an answer with tabs alone', () => {
      assert.equal(rebase('if (x) {', '    ', '    '), 'if (x) {');
      assert.equal(rebase('if (x) {\n  a();\n}', '    ', '\t'), 'if (x) {\n  a();\n}');
      assert.equal(rebase('if (x) {\n\ta();\n}', '    ', '    '), 'if (x) {\n\ta();\n}');
      assert.equal(rebase('    a();\n\tb();', '        ', '    '), '    a();\n\tb();', 'tab columns cannot be measured in spaces');
    });
  });
});
