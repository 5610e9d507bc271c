// The model picker on AI/ML API's /models shape (`info.name`, `info.contextLength`).
import * as assert from 'node:assert/strict';
import type { FakeServerOptions } from '../support/fake-server';
import { pickModel } from './models.check';
import type { Check } from './run';

export const server: FakeServerOptions = { flavour: 'aimlapi' };

export const checks: Check[] = [
  {
    name: "Select Model lists AI/ML API's models with names and context length, and sets kestrel.model",
    async run(ctx) {
      const model = await pickModel(ctx, 'claude-haiku-4-5', [/claude-3-5-haiku-20241022/, /Claude 3\.5 Haiku/, /200K/], 'picker-aimlapi');
      assert.equal(model, 'claude-haiku-4-5');
    },
  },
];
