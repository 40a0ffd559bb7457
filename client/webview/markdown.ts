/**
 * Renders model output (untrusted) as HTML that is safe to insert: markdown-it with raw HTML disabled, so any HTML
 * the model writes shows as text; then DOMPurify as a second line of defence; code highlighted by highlight.js.
 */
import type { DOMPurify } from "dompurify";
import hljs from "highlight.js/lib/common";
import MarkdownIt from "markdown-it";

export type RenderMarkdown = (markdown: string) => string;

export function createMarkdownRenderer(purify: DOMPurify): RenderMarkdown {
  const markdown = new MarkdownIt({
    html: false,
    linkify: false,
    highlight: (code, language) => {
      if (language && hljs.getLanguage(language)) {
        return hljs.highlight(code, { language, ignoreIllegals: true }).value;
      }
      return ""; // markdown-it escapes the code itself
    },
  });
  return (text) =>
    purify.sanitize(markdown.render(text), {
      USE_PROFILES: { html: true },
      FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select", "iframe", "object", "embed"],
      FORBID_ATTR: ["style"],
      // Links may only be web links; anything else (javascript:, data:, command:…) is dropped.
      ALLOWED_URI_REGEXP: /^https?:\/\//i,
    });
}
