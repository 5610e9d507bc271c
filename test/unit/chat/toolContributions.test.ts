// The language model tools package.json contributes (`contributes.languageModelTools`) are the chat's
// tools one to one: same names (prefixed `kestrel_`), the spec's description for the model, the
// spec's parameters as the input schema. src/vscode/chatTools.ts registers each under that name.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOOL_SPECS } from '../../../src/core/chat/tools';

const root = join(__dirname, '..', '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;

interface Contributed {
  name: string;
  displayName: string;
  toolReferenceName: string;
  userDescription: string;
  modelDescription: string;
  canBeReferencedInPrompt: boolean;
  tags: string[];
  inputSchema: unknown;
}

describe('package.json language model tools', () => {
  const contributed = pkg.contributes.languageModelTools as Contributed[];

  it('contributes exactly the chat tools, in the same order, each named kestrel_<tool>', () => {
    assert.deepEqual(
      contributed.map((t) => t.name),
      TOOL_SPECS.map((s) => `kestrel_${s.name}`),
    );
  });

  it("gives each the spec's description and parameters, read-only tags and a reference name", () => {
    const references = new Set<string>();
    for (const spec of TOOL_SPECS) {
      const tool = contributed.find((t) => t.name === `kestrel_${spec.name}`)!;
      assert.equal(tool.modelDescription, spec.description, spec.name);
      assert.deepEqual(tool.inputSchema, spec.parameters, spec.name);
      assert.deepEqual(tool.tags, ['kestrel', 'read-only'], spec.name);
      assert.equal(tool.canBeReferencedInPrompt, true, spec.name);
      assert.match(tool.toolReferenceName, /^kestrel[A-Z][A-Za-z]+$/, spec.name);
      references.add(tool.toolReferenceName);
    }
    assert.equal(references.size, TOOL_SPECS.length, 'every reference name is different');
  });

  it('has a display name and a user description for each, in package.nls.json', () => {
    for (const tool of contributed) {
      for (const text of [tool.displayName, tool.userDescription]) {
        const key = /^%(.+)%$/.exec(text)?.[1];
        assert.ok(key, `${tool.name}: ${text} is localised`);
        assert.ok(nls[key]?.trim(), `${tool.name}: ${key} is in package.nls.json`);
      }
    }
  });
});
