// Outside text (a provider's error, a model id from `/models`, a file name from a cloned
// repository) shown where VS Code reads markup in plain strings. A notification turns
// `[label](command:…)` into a link that runs the command on click, and labels, quick picks and the
// status bar turn `$(name)` into an icon. `inertText` breaks both syntaxes with an invisible
// character, so the user reads exactly the text that arrived and nothing in it can be clicked.
// Markdown strings (tooltips, the usage document) use `MarkdownString.appendText` or
// `escapeMarkdown` instead. See docs/security.md.

const ZERO_WIDTH_SPACE = '\u200b';

/**
 * Bidirectional overrides and isolates can make a file name read backwards ("yp.tpecca" shown as
 * "accept.py"), and other control characters (a newline, a bell) have no place in a one-line
 * message: each becomes a visible replacement character rather than vanishing.
 */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with no link, icon or control syntax VS Code would act on; linear in its length. */
export function inertText(text: string): string {
  return visibleControls(text)
    .replace(/\]\(/g, `]${ZERO_WIDTH_SPACE}(`)
    .replace(/\$\(/g, `$${ZERO_WIDTH_SPACE}(`);
}

/**
 * `text` as literal markdown inside a line (a table cell of the usage document, a tooltip): every
 * character markdown could read there as emphasis, a link, an image, HTML, a code span, math or a
 * cell break is escaped, and a line break becomes a visible replacement character, so nothing
 * leaves the cell. Line-start syntax (`#`, `-`, `1.`) needs no escape: the text never starts a line.
 */
export function escapeMarkdown(text: string): string {
  return visibleControls(text)
    .replace(/[\\`*_[\]()<>|~&:$]/g, (c) => `\\${c}`)
    .replace(/[\r\n]/g, '\ufffd');
}

function visibleControls(text: string): string {
  return text.replace(CONTROL, '\ufffd');
}
