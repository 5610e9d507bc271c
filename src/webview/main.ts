// The chat page. It renders what the host sends and posts typed messages back (protocol.ts); it
// holds no secrets and makes no requests of its own. Enter sends, Shift+Enter adds a line, Esc stops.
import { mentionAt } from '../core/chat/context';
import type { HostMessage, TurnView, WebviewMessage } from '../core/chat/protocol';
import { createMarkdown, StreamingMarkdown } from './render';

declare function acquireVsCodeApi(): { postMessage(message: WebviewMessage): void; setState(state: unknown): void; getState(): unknown };

const vscode = acquireVsCodeApi();
const post = (message: WebviewMessage) => vscode.postMessage(message);
const markdown = createMarkdown(window);
const $ = <T extends HTMLElement>(selector: string) => document.querySelector(selector) as T;

const log = $<HTMLDivElement>('#log');
const input = $<HTMLTextAreaElement>('#input');
const sendButton = $<HTMLButtonElement>('#send');
const chips = $<HTMLDivElement>('#chips');
const modelButton = $<HTMLButtonElement>('#model');
const usageLabel = $<HTMLSpanElement>('#usage');
const sessionsPanel = $<HTMLDivElement>('#sessions');
const mentionList = $<HTMLUListElement>('#mentions');

let busy = false;
const streaming = new Map<string, StreamingMarkdown>();
let pendingFrame = false;

function decorate(root: HTMLElement): void {
  for (const pre of Array.from(root.querySelectorAll('pre'))) {
    if (pre.parentElement?.classList.contains('code-block')) continue;
    const code = pre.querySelector('code');
    const language = /language-([\w#+.-]+)/.exec(code?.className ?? '')?.[1] ?? '';
    const wrapper = document.createElement('div');
    wrapper.className = 'code-block';
    const bar = document.createElement('div');
    bar.className = 'code-actions';
    const label = document.createElement('span');
    label.className = 'code-language';
    label.textContent = language;
    bar.append(label);
    const actions: [string, string, (text: string) => WebviewMessage][] = [
      ['Copy', 'Copy the code', (text) => ({ type: 'copy', code: text })],
      ['Insert', 'Insert at the cursor', (text) => ({ type: 'insert', code: text })],
      ['Apply', 'Apply to the selection (shows a diff first)', (text) => ({ type: 'apply', code: text })],
      ['New File', 'Open in a new file', (text) => ({ type: 'newFile', code: text, language })],
    ];
    for (const [name, title, message] of actions) {
      const button = document.createElement('button');
      button.textContent = name;
      button.title = title;
      button.className = `code-action code-action-${name.toLowerCase().replace(' ', '-')}`;
      button.addEventListener('click', () => post(message((code?.textContent ?? '').replace(/\n$/, ''))));
      bar.append(button);
    }
    // A long line scrolls sideways, so the block must be reachable with Tab (then the arrow keys
    // scroll it) and say what it is to a screen reader.
    pre.tabIndex = 0;
    pre.setAttribute('role', 'region');
    pre.setAttribute('aria-label', language ? `Code (${language})` : 'Code');
    pre.replaceWith(wrapper);
    wrapper.append(bar, pre);
  }
}

function turnElement(turn: TurnView): HTMLElement {
  const el = document.createElement('div');
  el.className = `turn turn-${turn.role}`;
  el.dataset.turnId = turn.id;
  const who = document.createElement('div');
  who.className = 'who';
  who.textContent = turn.role === 'user' ? 'You' : 'Kestrel';
  el.append(who);
  if (turn.attachments?.length) {
    const list = document.createElement('div');
    list.className = 'turn-attachments';
    for (const a of turn.attachments) {
      const chip = document.createElement('span');
      chip.className = a.kind === 'instructions' ? 'chip chip-instructions' : 'chip';
      chip.textContent = a.label;
      list.append(chip);
    }
    el.append(list);
  }
  if (turn.calls?.length) el.append(callList(turn.calls));
  const body = document.createElement('div');
  body.className = 'body';
  el.append(body);
  if (turn.role === 'user') {
    body.textContent = turn.content;
  } else {
    const view = new StreamingMarkdown(body, markdown, decorate);
    view.append(turn.content);
    if (turn.streaming) {
      body.setAttribute('aria-live', 'polite');
      body.setAttribute('aria-busy', 'true');
      view.flush();
      streaming.set(turn.id, view);
    } else {
      view.finish();
    }
  }
  if (turn.error) {
    const error = document.createElement('div');
    error.className = 'error';
    error.setAttribute('role', 'alert');
    error.textContent = turn.error.message;
    const action = turn.error.action;
    if (action) {
      const button = document.createElement('button');
      button.textContent = turn.error.actionLabel ?? 'Show Log';
      button.addEventListener('click', () => post({ type: 'errorAction', action }));
      error.append(' ', button);
    }
    const retry = document.createElement('button');
    retry.textContent = 'Retry';
    retry.className = 'retry';
    retry.addEventListener('click', () => post({ type: 'retry' }));
    error.append(' ', retry);
    el.append(error);
  }
  if (turn.note) {
    const note = document.createElement('div');
    note.className = 'turn-note';
    note.textContent = turn.note;
    el.append(note);
  }
  if (turn.usage) {
    const usage = document.createElement('div');
    usage.className = 'turn-usage';
    usage.textContent = `${turn.steps ? `${turn.steps} steps · ` : ''}${usageText(turn.usage)}`;
    el.append(usage);
  }
  return el;
}

/**
 * The tool calls of an answer: one compact line each (`Read src/cart.ts 1–40`), which opens to show
 * what was sent back to the model. Every piece is text: a path or a query from the model is data.
 */
function callList(calls: NonNullable<TurnView['calls']>): HTMLElement {
  const list = document.createElement('div');
  list.className = 'turn-calls';
  for (const call of calls) {
    const item = document.createElement('details');
    item.className = `call${call.error ? ' call-error' : ''}${call.running ? ' call-running' : ''}`;
    const summary = document.createElement('summary');
    summary.append(...withCode(call.running ? `${call.label}…` : call.label));
    item.append(summary);
    if (call.detail) {
      const detail = document.createElement('pre');
      detail.className = 'call-detail';
      detail.tabIndex = 0;
      detail.setAttribute('role', 'region');
      detail.setAttribute('aria-label', 'What was sent to the model');
      detail.textContent = call.detail;
      item.append(detail);
    }
    list.append(item);
  }
  return list;
}

/** A label's `backticked` parts as code elements, the rest as text. */
function withCode(label: string): Node[] {
  return label.split('`').map((part, i) => {
    if (i % 2 === 0) return document.createTextNode(part);
    const code = document.createElement('code');
    code.textContent = part;
    return code;
  });
}

function usageText(u: { promptTokens: number; completionTokens: number; costUsd?: number; costEstimated?: boolean }): string {
  return `${u.promptTokens.toLocaleString()} in · ${u.completionTokens.toLocaleString()} out${u.costUsd !== undefined ? ` · ${u.costEstimated ? '≈' : ''}$${u.costUsd.toFixed(4)}` : ''}`;
}

function render(state: Extract<HostMessage, { type: 'state' }>): void {
  streaming.clear();
  log.replaceChildren(...state.turns.map(turnElement));
  if (!state.turns.length) {
    const empty = document.createElement('div');
    empty.className = 'empty';
    empty.textContent = 'Ask about your code. Select code in the editor and run "Kestrel: Ask About Selection" to attach it.';
    log.append(empty);
  }
  chips.replaceChildren(
    ...(state.instructions ? [instructionsChip(state.instructions)] : []),
    ...state.attachments.map((a) => {
      const chip = document.createElement('span');
      chip.className = 'chip';
      chip.textContent = [a.label, a.size, a.note].filter(Boolean).join(' · ');
      chip.title = 'Attached to your next question';
      const remove = document.createElement('button');
      remove.className = 'chip-remove';
      remove.textContent = '×';
      remove.setAttribute('aria-label', `Remove ${a.label}`);
      remove.addEventListener('click', () => post({ type: 'removeAttachment', id: a.id }));
      chip.append(remove);
      return chip;
    }),
  );
  modelButton.textContent = state.model || 'Choose a model';
  usageLabel.textContent = state.usage.promptTokens || state.usage.completionTokens ? `Session: ${usageText(state.usage)}` : '';
  setBusy(state.busy);
  log.scrollTop = log.scrollHeight;
}

/** The project instructions the next question carries; × leaves them out of this chat. */
function instructionsChip(instructions: { label: string; title: string }): HTMLElement {
  const chip = document.createElement('span');
  chip.className = 'chip chip-instructions';
  chip.textContent = `Instructions: ${instructions.label}`;
  chip.title = instructions.title;
  const remove = document.createElement('button');
  remove.className = 'chip-remove';
  remove.textContent = '×';
  remove.setAttribute('aria-label', 'Leave the project instructions out of this chat');
  remove.addEventListener('click', () => post({ type: 'removeInstructions' }));
  chip.append(remove);
  return chip;
}

function setBusy(value: boolean): void {
  busy = value;
  sendButton.textContent = busy ? 'Stop' : 'Send';
  sendButton.setAttribute('aria-label', busy ? 'Stop the answer' : 'Send');
  sendButton.classList.toggle('stop', busy);
}

function scheduleFlush(): void {
  if (pendingFrame) return;
  pendingFrame = true;
  requestAnimationFrame(() => {
    pendingFrame = false;
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    for (const view of streaming.values()) view.flush();
    if (atBottom) log.scrollTop = log.scrollHeight;
  });
}

function send(): void {
  if (busy) return post({ type: 'stop' });
  const text = input.value;
  if (!text.trim()) return;
  input.value = '';
  post({ type: 'send', text });
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  switch (message?.type) {
    case 'state':
      render(message);
      break;
    case 'delta': {
      const view = streaming.get(message.turnId);
      if (view) {
        view.append(message.text);
        scheduleFlush();
      }
      break;
    }
    case 'sessions': {
      sessionsPanel.replaceChildren(
        ...message.sessions.map((s) => {
          const row = document.createElement('div');
          row.className = 'session';
          const open = document.createElement('button');
          open.className = 'session-open';
          open.textContent = s.title;
          open.title = new Date(s.updatedAt).toLocaleString();
          open.addEventListener('click', () => {
            sessionsPanel.hidden = true;
            post({ type: 'openSession', id: s.id });
          });
          const remove = document.createElement('button');
          remove.className = 'session-delete';
          remove.textContent = 'Delete';
          remove.setAttribute('aria-label', `Delete ${s.title}`);
          remove.addEventListener('click', () => post({ type: 'deleteSession', id: s.id }));
          row.append(open, remove);
          return row;
        }),
      );
      if (!message.sessions.length) sessionsPanel.textContent = 'No past chats yet.';
      break;
    }
    case 'focus':
      input.focus();
      break;
    case 'mentions':
      showMentions(message.requestId, message.paths);
      break;
  }
});

// `#` mentions: typing `#` and letters asks the host which workspace files match (debounced); the
// list is a listbox the input points into (aria-activedescendant), so the keys stay in the input:
// ArrowUp/Down move, Enter or Tab picks, Escape closes. A picked file becomes a chip.
const MENTION_DEBOUNCE_MS = 120;
let mention: { start: number; query: string } | undefined;
let mentionRequest = 0;
let mentionTimer: ReturnType<typeof setTimeout> | undefined;
let mentionPaths: string[] = [];
let mentionActive = 0;

function closeMentions(): void {
  clearTimeout(mentionTimer);
  mentionRequest++; // an answer still on its way is for a list no longer wanted
  mention = undefined;
  mentionPaths = [];
  mentionList.hidden = true;
  mentionList.replaceChildren();
  input.removeAttribute('aria-activedescendant');
}

function updateMention(): void {
  const found = input.selectionStart === input.selectionEnd ? mentionAt(input.value, input.selectionStart) : undefined;
  if (!found) return closeMentions();
  mention = found;
  clearTimeout(mentionTimer);
  mentionTimer = setTimeout(() => post({ type: 'mentionQuery', requestId: ++mentionRequest, query: found.query }), MENTION_DEBOUNCE_MS);
}

function showMentions(requestId: number, paths: string[]): void {
  if (requestId !== mentionRequest || !mention) return;
  mentionPaths = paths;
  mentionActive = 0;
  mentionList.replaceChildren(
    ...paths.map((path, i) => {
      const option = document.createElement('li');
      option.id = `mention-${i}`;
      option.className = 'mention';
      option.setAttribute('role', 'option');
      const slash = path.lastIndexOf('/');
      const name = document.createElement('span');
      name.textContent = path.slice(slash + 1);
      option.append(name);
      if (slash > 0) {
        const dir = document.createElement('span');
        dir.className = 'mention-dir';
        dir.textContent = ` ${path.slice(0, slash)}`;
        option.append(dir);
      }
      option.title = path;
      // The input keeps the focus: the click picks, the list does not take the keys.
      option.addEventListener('mousedown', (event) => event.preventDefault());
      option.addEventListener('click', () => pickMention(i));
      return option;
    }),
  );
  if (!paths.length) {
    mentionList.hidden = true;
    input.removeAttribute('aria-activedescendant');
    return;
  }
  mentionList.hidden = false;
  markActive();
}

function markActive(): void {
  mentionList.querySelectorAll('[role="option"]').forEach((option, i) => {
    option.setAttribute('aria-selected', String(i === mentionActive));
    option.classList.toggle('active', i === mentionActive);
    if (i === mentionActive) option.scrollIntoView({ block: 'nearest' });
  });
  input.setAttribute('aria-activedescendant', `mention-${mentionActive}`);
}

/** The `#query` typed goes; the file is attached (the host reads it and shows the chip with its size). */
function pickMention(i: number): void {
  const path = mentionPaths[i];
  const found = mention;
  if (!path || !found) return;
  const end = found.start + 1 + found.query.length;
  input.value = input.value.slice(0, found.start) + input.value.slice(end).replace(/^ /, '');
  input.setSelectionRange(found.start, found.start);
  closeMentions();
  post({ type: 'attachPath', path });
}

/** The list's keys, before the input's own; true when the key was the list's. */
function mentionKey(event: KeyboardEvent): boolean {
  if (mentionList.hidden || !mentionPaths.length || event.isComposing) return false;
  const n = mentionPaths.length;
  switch (event.key) {
    case 'ArrowDown':
      mentionActive = (mentionActive + 1) % n;
      markActive();
      return true;
    case 'ArrowUp':
      mentionActive = (mentionActive - 1 + n) % n;
      markActive();
      return true;
    case 'Enter':
    case 'Tab':
      if (event.shiftKey) return false;
      pickMention(mentionActive);
      return true;
    case 'Escape':
      closeMentions();
      return true;
    default:
      return false;
  }
}

input.addEventListener('input', updateMention);
input.addEventListener('blur', () => closeMentions());

// Links open only through the host, which asks VS Code (and so the user) first.
log.addEventListener('click', (event) => {
  const link = (event.target as HTMLElement).closest('a');
  if (!link) return;
  event.preventDefault();
  const href = link.getAttribute('href');
  if (href) post({ type: 'openLink', href });
});

input.addEventListener('keydown', (event) => {
  if (mentionKey(event)) {
    event.preventDefault();
    // Escape closes the list; it does not also stop the answer.
    event.stopPropagation();
    return;
  }
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    send();
  }
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && busy) {
    event.preventDefault();
    post({ type: 'stop' });
  }
});
sendButton.addEventListener('click', send);
modelButton.addEventListener('click', () => post({ type: 'pickModel' }));
$<HTMLButtonElement>('#attach').addEventListener('click', () => post({ type: 'addContext' }));
$<HTMLButtonElement>('#new-chat').addEventListener('click', () => post({ type: 'newChat' }));
$<HTMLButtonElement>('#history').addEventListener('click', () => {
  sessionsPanel.hidden = !sessionsPanel.hidden;
  if (!sessionsPanel.hidden) post({ type: 'listSessions' });
});

post({ type: 'ready' });
