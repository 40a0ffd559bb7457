/**
 * WCAG 2 contrast of every text a page draws, from the browser's computed colours: the text's colour composited
 * over the backgrounds beneath it (translucent layers and `opacity` included), against that background. AA asks
 * 4.5:1 for normal text and 3:1 for large text (24px, or 18.66px bold). Used by the UI tests on Hearth's webview
 * in light, dark and high-contrast themes.
 */
import type { FrameLocator } from "playwright-core";

export interface ContrastFailure {
  /** A short CSS-ish path of the element, e.g. `span.chip.read-only`. */
  element: string;
  text: string;
  ratio: number;
  required: number;
  color: string;
  background: string;
}

/** The themes every readable-text check runs in: VS Code's defaults for each kind. */
export const DEFAULT_THEMES = [
  { name: "Default Light Modern", bodyClass: "vscode-light" },
  { name: "Default Dark Modern", bodyClass: "vscode-dark" },
  { name: "Default High Contrast", bodyClass: "vscode-high-contrast" },
  { name: "Default High Contrast Light", bodyClass: "vscode-high-contrast-light" },
] as const;

/** Every visible text in the frame whose contrast is below AA. */
export async function contrastFailures(frame: FrameLocator): Promise<ContrastFailure[]> {
  // A string is evaluated as an expression in the frame (not called), so it calls the function itself.
  return (await frame.locator("body").evaluate(`(${FIND_LOW_CONTRAST})(document.body)`)) as ContrastFailure[];
}

// In-page code is passed as a string: the TypeScript loader may wrap functions in helpers the page doesn't have.
const FIND_LOW_CONTRAST = `(body) => {
  const parse = (value) => {
    let match = /^rgba?\\(([^)]+)\\)$/.exec(value);
    if (match) {
      const parts = match[1].split(/[\\s,/]+/).filter(Boolean).map(Number);
      return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
    }
    match = /^color\\(srgb ([^)]+)\\)$/.exec(value);
    if (match) {
      const parts = match[1].split(/[\\s/]+/).filter(Boolean).map(Number);
      return { r: parts[0] * 255, g: parts[1] * 255, b: parts[2] * 255, a: parts.length > 3 ? parts[3] : 1 };
    }
    return undefined;
  };
  const over = (top, bottom, alpha = top.a) => ({
    r: top.r * alpha + bottom.r * (1 - alpha),
    g: top.g * alpha + bottom.g * (1 - alpha),
    b: top.b * alpha + bottom.b * (1 - alpha),
    a: 1,
  });
  const luminance = (c) => {
    const channel = (v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  };
  const ratioOf = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const hex = (c) => "#" + [c.r, c.g, c.b].map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
  const describe = (element) => {
    const classes = [...element.classList].map((name) => "." + name).join("");
    const parent = element.parentElement;
    const parentClasses = parent ? [...parent.classList].map((name) => "." + name).join("") : "";
    return (parent ? parent.tagName.toLowerCase() + parentClasses + " > " : "") + element.tagName.toLowerCase() + classes;
  };
  // The colours an element's text and background end up as on screen, from the page's root down to it.
  const onScreen = (element, textColor) => {
    const chain = [];
    for (let node = element; node; node = node.parentElement) chain.unshift(node);
    let below = { r: 255, g: 255, b: 255, a: 1 };
    let groupBase;
    let groupOpacity = 1;
    let local;
    for (const node of chain) {
      const style = getComputedStyle(node);
      const opacity = Number(style.opacity);
      if (opacity < 1) {
        if (groupBase === undefined) {
          groupBase = local ?? below;
          local = local ?? below;
        }
        groupOpacity *= opacity;
      }
      const background = parse(style.backgroundColor);
      if (background && background.a > 0) {
        if (groupBase === undefined) below = over(background, below);
        else local = over(background, local);
      }
    }
    const fg = parse(textColor) ?? { r: 0, g: 0, b: 0, a: 1 };
    if (groupBase === undefined) return { fg: over(fg, below), bg: below };
    const localFg = over(fg, local);
    return { fg: over(localFg, groupBase, groupOpacity), bg: over(local, groupBase, groupOpacity) };
  };
  const required = (style) => {
    const size = parseFloat(style.fontSize);
    const bold = Number(style.fontWeight) >= 700;
    return size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
  };
  const failures = [];
  const check = (element, text, color) => {
    const style = getComputedStyle(element);
    if (style.visibility === "hidden") return;
    const { fg, bg } = onScreen(element, color);
    const ratio = ratioOf(fg, bg);
    const need = required(style);
    if (ratio < need)
      failures.push({ element: describe(element), text: text.slice(0, 60), ratio: Math.round(ratio * 100) / 100, required: need, color: hex(fg), background: hex(bg) });
  };
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const element = node.parentElement;
    if (!text || !element || element.closest("select, textarea, script, style")) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    if (range.getClientRects().length === 0) continue; // not drawn (a closed <details>, display: none)
    check(element, text, getComputedStyle(element).color);
  }
  for (const control of body.querySelectorAll("textarea, input, select")) {
    if (control.getClientRects().length === 0) continue;
    const value = control instanceof HTMLSelectElement ? control.selectedOptions[0]?.textContent ?? "" : control.value;
    if (value.trim() !== "") check(control, value, getComputedStyle(control).color);
    else if (control.placeholder) check(control, control.placeholder, getComputedStyle(control, "::placeholder").color);
  }
  return failures;
}`;
