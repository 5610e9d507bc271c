// The chat page's HTML: a fixed skeleton under a strict Content-Security-Policy (only the bundled
// script with this load's nonce runs; styles, fonts and images come from the extension). The page
// script (src/webview/main.ts) fills it in from the host's messages.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function chatPageHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'chat.css'));
  const csp = [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src ${webview.cspSource}`, `font-src ${webview.cspSource}`, `img-src ${webview.cspSource} data:`].join('; ');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8"><meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0"><link rel="stylesheet" href="${style}"><title>Kestrel Chat</title></head>
<body>
<header><h1 class="visually-hidden">Kestrel Chat</h1><button id="model" title="Change the chat model"></button><span id="usage"></span><span class="spacer"></span>
<button id="history" title="Past chats">History</button><button id="new-chat" title="New chat">New</button></header>
<div id="sessions" hidden></div>
<main><div id="log" role="log" aria-label="Conversation"></div></main>
<footer><div id="chips"></div><div class="composer">
<div class="input-box"><ul id="mentions" role="listbox" aria-label="Workspace files" hidden></ul>
<textarea id="input" rows="2" placeholder="Ask about your code (# to attach a file, Enter to send, Shift+Enter for a new line)" aria-label="Message" aria-autocomplete="list" aria-controls="mentions"></textarea></div>
<button id="attach" title="Add context: an open editor's file or the Problems list" aria-label="Add context">+</button><button id="send">Send</button></div></footer>
<script nonce="${nonce}" src="${script}"></script>
</body></html>`;
}
