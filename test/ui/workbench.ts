/**
 * Driving the VS Code workbench in the browser, with selectors and waits measured to be reliable
 * (../shared/ENGINEERING.md §3).
 */
import { strict as assert } from "node:assert";
import type { FrameLocator, Locator, Page } from "playwright-core";

export class Workbench {
  constructor(readonly page: Page) {}

  async openFile(name: string): Promise<void> {
    await this.page.keyboard.press("Control+P");
    const input = this.page.locator(".quick-input-widget input");
    await input.waitFor();
    await input.fill(name);
    // The list first shows recent files; wait for the filtered row, or Enter opens the wrong one.
    await this.page.locator(".quick-input-list .monaco-list-row.focused", { hasText: name }).first().waitFor();
    await this.page.keyboard.press("Enter");
    await this.page.locator(`.tab.active[data-resource-name="${name}"]`).waitFor();
    await this.page.locator(".monaco-editor .view-lines").first().waitFor();
  }

  /** Puts the cursor at the end of a 1-based line, through Go to Line. */
  async goToLineEnd(line: number): Promise<void> {
    await this.page.locator(".monaco-editor .view-lines").first().click();
    await this.page.keyboard.press("Control+G");
    const input = this.page.locator(".quick-input-widget input");
    await input.waitFor();
    await input.fill(`:${line}`);
    await this.page.keyboard.press("Enter");
    await this.page.keyboard.press("End");
  }

  /** Puts the cursor at a 1-based line and column, through Go to Line, and waits until the status bar says so. */
  async goTo(line: number, column: number): Promise<void> {
    await this.page.locator(".monaco-editor .view-lines").first().click();
    await this.page.keyboard.press("Control+G");
    const input = this.page.locator(".quick-input-widget input");
    await input.waitFor();
    await input.fill(`:${line}:${column}`);
    await this.page.keyboard.press("Enter");
    await this.cursorAt(line, column);
  }

  /** Waits until the status bar shows the cursor at a 1-based line and column. */
  async cursorAt(line: number, column: number): Promise<void> {
    await this.page
      .locator("#status\\.editor\\.selection", { hasText: `Ln ${line}, Col ${column}` })
      .waitFor({ timeout: 10_000 });
  }

  /** Hearth's status bar item; its accessible label says the state ("Hearth ready …", "Hearth error …"). */
  hearthStatus(): Locator {
    return this.page.locator('.statusbar-item[aria-label^="Hearth"]').first();
  }

  async waitForHearthState(state: string, timeoutMs = 60_000): Promise<string> {
    const item = this.page.locator(`.statusbar-item[aria-label^="Hearth ${state}"]`).first();
    await item.waitFor({ timeout: timeoutMs });
    return (await item.getAttribute("aria-label")) ?? "";
  }

  async type(text: string, delayMs = 60): Promise<void> {
    await this.page.keyboard.type(text, { delay: delayMs });
  }

  /** The ghost text on screen, first line and following lines, or "" when none is shown. */
  async ghostText(): Promise<string> {
    return this.page.evaluate(READ_GHOST_TEXT);
  }

  /** Waits until the ghost text equals `expected`; fails with what was on screen. */
  async waitForGhostText(expected: string, timeoutMs = 15_000): Promise<void> {
    try {
      await this.page.waitForFunction(`(${READ_GHOST_TEXT}) === ${JSON.stringify(expected)}`, undefined, { timeout: timeoutMs });
    } catch {
      throw new Error(`ghost text was ${JSON.stringify(await this.ghostText())}, expected ${JSON.stringify(expected)}`);
    }
  }

  /** The editor's text as rendered, lines in document order (Monaco may keep its line elements out of order). */
  async editorText(): Promise<string> {
    return this.page.evaluate(READ_EDITOR_TEXT);
  }

  /** Waits until the editor reads exactly `expected`; fails with what it read instead. */
  async waitForEditorText(expected: string, timeoutMs = 15_000): Promise<void> {
    try {
      await this.page.waitForFunction(`(${READ_EDITOR_TEXT}) === ${JSON.stringify(expected)}`, undefined, { timeout: timeoutMs });
    } catch {
      assert.equal(await this.editorText(), expected);
    }
  }

  /** Waits until an editor line on screen matches `pattern`; fails with the editors' text. */
  async waitForLine(pattern: RegExp, timeoutMs = 15_000): Promise<void> {
    try {
      await this.page.waitForFunction(
        `[...document.querySelectorAll(".monaco-editor .view-line")].some((line) => ${pattern}.test(line.textContent.replace(/\\u00a0/g, " ")))`,
        undefined,
        { timeout: timeoutMs },
      );
    } catch {
      assert.fail(`no line on screen matches ${pattern}:\n${await this.editorText()}`);
    }
  }

  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press("F1");
    const input = this.page.locator(".quick-input-widget input");
    await input.waitFor();
    await input.fill(`>${title}`);
    await this.page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first().waitFor();
    await this.page.keyboard.press("Enter");
  }

  /** The chat view's page: a webview is an iframe holding another iframe, outside the sidebar's DOM. */
  chatFrame(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready[src*="extensionId=hearth.hearth"]').frameLocator("#active-frame");
  }

  notification(text: string | RegExp): Locator {
    return this.page.locator(".notifications-toasts .notification-toast", { hasText: text }).first();
  }
}

// In-page code is passed as strings: the TypeScript loader may wrap functions in helpers the page doesn't have.

/** The text of Monaco's ghost-text decorations (Monaco renders spaces as NBSP). */
const READ_GHOST_TEXT = `[...document.querySelectorAll(".monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text")]
  .map((element) => element.innerText).join("").replace(/\\u00a0/g, " ")`;

/** The rendered lines in document order: Monaco may keep its line elements out of order. */
const READ_EDITOR_TEXT = `[...document.querySelectorAll(".monaco-editor .view-lines .view-line")]
  .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
  .map((line) => line.innerText.replace(/\\u00a0/g, " ")).join("\\n")`;
