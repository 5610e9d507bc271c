// Tool calls as they stream (docs/providers.md, "Tool calling"): the first delta of a call carries
// its `index`, `id` and `name`, later ones only the `index` and a piece of `arguments`, a JSON text
// split anywhere; several calls in one turn have distinct indexes. Servers differ: some leave the
// index out (one call at a time, told apart by a new id), AI/ML API sends empty ids, and a local
// server may send a whole call in one delta, arguments as an object. What comes out is one call per
// index, in order, its arguments as sent: reading them is the tool loop's job (src/core/chat/toolLoop.ts).
import type { ToolCall } from './types';

/** One `tool_calls` entry of a delta, as read from the wire (every field may be missing). */
export interface ToolCallDelta {
  index?: number;
  id?: string;
  name?: string;
  arguments?: string;
}

/** Calls per turn kept; a server that numbers beyond this is not followed. */
export const MAX_CALLS_PER_TURN = 16;
/** Characters of one call's arguments kept; the rest is dropped and the call marked as cut. */
export const MAX_ARGUMENT_CHARS = 64 * 1024;

interface Slot {
  index: number;
  id: string;
  name: string;
  arguments: string;
  /** The arguments went past MAX_ARGUMENT_CHARS. */
  cut: boolean;
}

export class ToolCallAccumulator {
  private readonly slots: Slot[] = [];

  add(delta: ToolCallDelta): void {
    const slot = this.slotFor(delta);
    if (!slot) return;
    if (delta.id && !slot.id) slot.id = delta.id;
    if (delta.name && !slot.name) slot.name = delta.name;
    if (delta.arguments && !slot.cut) {
      const room = MAX_ARGUMENT_CHARS - slot.arguments.length;
      slot.arguments += delta.arguments.slice(0, Math.max(0, room));
      if (delta.arguments.length > room) slot.cut = true;
    }
  }

  /** The calls so far, by index; a call without an id gets one (`call_<index>`), as the answer must name it. */
  calls(): ToolCall[] {
    return [...this.slots]
      .sort((a, b) => a.index - b.index)
      .filter((s) => s.name || s.arguments)
      .map((s) => ({ id: s.id || `call_${s.index}`, name: s.name, arguments: s.arguments, ...(s.cut ? { cut: true } : {}) }));
  }

  private slotFor(delta: ToolCallDelta): Slot | undefined {
    const index = Number.isSafeInteger(delta.index) && delta.index! >= 0 ? delta.index! : undefined;
    if (index !== undefined) {
      const found = this.slots.find((s) => s.index === index);
      if (found) return found;
      return this.open(index);
    }
    // No index: a new id (or the first delta) opens the next call, anything else continues the last.
    const last = this.slots.at(-1);
    if (!last || (delta.id && last.id && delta.id !== last.id)) return this.open(last ? last.index + 1 : 0);
    return last;
  }

  private open(index: number): Slot | undefined {
    if (this.slots.length >= MAX_CALLS_PER_TURN) return undefined;
    const slot: Slot = { index, id: '', name: '', arguments: '', cut: false };
    this.slots.push(slot);
    return slot;
  }
}

/** The `tool_calls` entries of one delta or message, read defensively. */
export function toolCallDeltas(raw: unknown): ToolCallDelta[] {
  if (!Array.isArray(raw)) return [];
  const out: ToolCallDelta[] = [];
  raw.forEach((entry, position) => {
    if (!entry || typeof entry !== 'object') return;
    const e = entry as Record<string, unknown>;
    const fn = (e.function && typeof e.function === 'object' ? e.function : {}) as Record<string, unknown>;
    const args = fn.arguments;
    out.push({
      // A whole message (non-streaming) has no index: its position is the index.
      index: typeof e.index === 'number' ? e.index : raw.length > 1 ? position : undefined,
      id: typeof e.id === 'string' ? e.id : undefined,
      name: typeof fn.name === 'string' ? fn.name : undefined,
      arguments: typeof args === 'string' ? args : args && typeof args === 'object' ? JSON.stringify(args) : undefined,
    });
  });
  return out;
}
