// Markdown for the chat page: markdown-it with raw HTML off, highlight.js for fenced code, and
// DOMPurify over every result, so nothing the model writes reaches the page as markup. Streaming
// is incremental: completed blocks are rendered once and frozen; only the open last block is
// rendered again as text arrives.
import DOMPurifyFactory from 'dompurify';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import kotlin from 'highlight.js/lib/languages/kotlin';
import markdown from 'highlight.js/lib/languages/markdown';
import php from 'highlight.js/lib/languages/php';
import python from 'highlight.js/lib/languages/python';
import ruby from 'highlight.js/lib/languages/ruby';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import swift from 'highlight.js/lib/languages/swift';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import MarkdownIt from 'markdown-it';
import { StableBlocks } from '../core/chat/blocks';
import { safeLink } from '../core/chat/protocol';

const LANGUAGES = { bash, c, cpp, csharp, css, diff, go, java, javascript, json, kotlin, markdown, php, python, ruby, rust, sql, swift, typescript, xml, yaml };
for (const [name, language] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, language);
hljs.registerAliases(['ts', 'tsx', 'typescriptreact'], { languageName: 'typescript' });
hljs.registerAliases(['js', 'jsx', 'javascriptreact'], { languageName: 'javascript' });
hljs.registerAliases(['py'], { languageName: 'python' });
hljs.registerAliases(['sh', 'shell', 'shellscript', 'zsh'], { languageName: 'bash' });
hljs.registerAliases(['html', 'svg'], { languageName: 'xml' });
hljs.registerAliases(['rs'], { languageName: 'rust' });
hljs.registerAliases(['cs'], { languageName: 'csharp' });
hljs.registerAliases(['yml'], { languageName: 'yaml' });

export interface Markdown {
  /** Sanitised HTML for `source`. `highlight: false` while a code fence is still open. */
  html(source: string, highlight?: boolean): string;
}

export function createMarkdown(window: Window): Markdown {
  const purify = DOMPurifyFactory(window as unknown as Parameters<typeof DOMPurifyFactory>[0]);
  const escape = (s: string) => s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);
  const make = (highlight: boolean) =>
    new MarkdownIt({
      html: false,
      linkify: true,
      typographer: false,
      highlight: (code, lang) => {
        if (highlight && lang && hljs.getLanguage(lang)) {
          try {
            return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
          } catch {
            // Fall through to plain text.
          }
        }
        return escape(code);
      },
    });
  const withHighlight = make(true);
  const plain = make(false);
  const doc = window.document;
  return {
    html(source, highlight = true) {
      const raw = (highlight ? withHighlight : plain).render(wellFormed(source));
      const fragment = purify.sanitize(raw, { FORBID_TAGS: ['style', 'img', 'form', 'input', 'button', 'iframe', 'svg', 'math'], FORBID_ATTR: ['style', 'class-name'], ALLOW_DATA_ATTR: false, RETURN_DOM_FRAGMENT: true });
      // A link the host would refuse to open (relative, `jav%09ascript:`, mailto:, file:) is shown
      // as the text it is, not as a link that does nothing when clicked.
      for (const link of Array.from(fragment.querySelectorAll('a'))) {
        if (safeLink(link.getAttribute('href') ?? '')) continue;
        const text = doc.createElement('span');
        text.append(...Array.from(link.childNodes));
        link.replaceWith(text);
      }
      const box = doc.createElement('div');
      box.append(fragment);
      return box.innerHTML;
    },
  };
}

/**
 * `text` with each lone surrogate half (half of a character, a model's or a cut's doing) as U+FFFD,
 * the replacement character a page shows for it anyway. An HTML parser may fail on it instead: a
 * page that cannot be parsed renders no answer at all.
 */
function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** Whether `source` ends inside an unclosed code fence. */
export function openFence(source: string): boolean {
  let fence: string | undefined;
  for (const line of source.split('\n')) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (!marker) continue;
    if (!fence) fence = marker;
    else if (marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = undefined;
  }
  return fence !== undefined;
}

/**
 * An answer that grows: `append` text as it streams, `flush` to update the DOM (once per frame),
 * `finish` at the end. Completed blocks are rendered once; the open tail is re-rendered. A frame
 * reads the text that arrived since the one before and the open tail, never the frozen part.
 */
export class StreamingMarkdown {
  /** The text of the frozen blocks, and of the open tail after them. */
  private frozenText = '';
  private tailText = '';
  /** Finds where the tail can be cut, reading each line of the answer once. */
  private readonly blocks = new StableBlocks();
  readonly frozen: HTMLElement;
  readonly tail: HTMLElement;

  constructor(
    readonly container: HTMLElement,
    private readonly markdown: Markdown,
    private readonly decorate: (root: HTMLElement) => void = () => {},
  ) {
    const doc = container.ownerDocument;
    this.frozen = doc.createElement('div');
    this.tail = doc.createElement('div');
    this.frozen.className = 'md-frozen';
    this.tail.className = 'md-tail';
    container.append(this.frozen, this.tail);
  }

  get text(): string {
    return this.frozenText + this.tailText;
  }

  append(text: string): void {
    this.tailText += text;
    this.blocks.append(text);
  }

  flush(): void {
    const cut = this.blocks.length - this.frozenText.length;
    if (cut > 0) this.freeze(this.tailText.slice(0, cut));
    this.tail.innerHTML = this.markdown.html(this.tailText, !openFence(this.tailText));
    this.decorate(this.tail);
  }

  finish(): void {
    this.freeze(this.tailText);
    this.tail.replaceChildren();
  }

  /** Renders the start of the tail once, into the frozen blocks. */
  private freeze(text: string): void {
    const part = this.container.ownerDocument.createElement('div');
    part.innerHTML = this.markdown.html(text);
    this.decorate(part);
    this.frozen.append(...Array.from(part.childNodes));
    this.frozenText += text;
    this.tailText = this.tailText.slice(text.length);
  }
}
