import { strict as assert } from "node:assert";
import createDOMPurify from "dompurify";
import { JSDOM } from "jsdom";
import { createMarkdownRenderer } from "../../client/webview/markdown";

describe("chat markdown rendering (model output is untrusted)", () => {
  const window = new JSDOM("").window;
  const render = createMarkdownRenderer(createDOMPurify(window as unknown as Window & typeof globalThis));

  /** Parses the HTML as the webview would and reports anything that could run code or load from the network. */
  function dangers(html: string): string[] {
    const doc = new JSDOM(`<body>${html}</body>`).window.document;
    const found: string[] = [];
    for (const element of doc.body.querySelectorAll("*")) {
      const tag = element.tagName.toLowerCase();
      if (["script", "iframe", "object", "embed", "svg", "math", "style", "form"].includes(tag)) found.push(`<${tag}>`);
      for (const attribute of element.attributes) {
        if (attribute.name.startsWith("on")) found.push(`${tag}[${attribute.name}]`);
        if (["href", "src", "xlink:href", "action"].includes(attribute.name) && !/^https?:\/\//i.test(attribute.value)) {
          found.push(`${tag}[${attribute.name}=${attribute.value}]`);
        }
        if (attribute.name === "style") found.push(`${tag}[style]`);
      }
    }
    return found;
  }

  const payloads = [
    "<script>window.pwned = 1</script>",
    '<img src=x onerror="window.pwned = 1">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<svg onload="alert(1)"><script>alert(1)</script></svg>',
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<iframe src="https://example.com"></iframe>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "[a](command:workbench.action.terminal.new)",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
  ];
  for (const payload of payloads) {
    it(`renders ${JSON.stringify(payload).slice(0, 60)} inert`, () => {
      assert.deepEqual(dangers(render(payload)), []);
    });
  }

  it("shows HTML the model writes as text, not markup", () => {
    const html = render("Use <b>bold</b> here");
    assert.ok(html.includes("&lt;b&gt;bold&lt;/b&gt;"), html);
  });

  it("keeps ordinary markdown and highlights code by language", () => {
    const html = render("**Note**: see [docs](https://example.com).\n\n```ts\nconst x = 1;\n```");
    assert.match(html, /<strong>Note<\/strong>/);
    assert.match(html, /<a href="https:\/\/example.com">docs<\/a>/);
    assert.match(html, /<pre><code class="language-ts"><span class="hljs-keyword">const<\/span>/);
  });
});
