/**
 * Reads the `hearth` settings: pulled with `workspace/configuration` when the client supports it,
 * otherwise taken from `initializationOptions` (for editors that can't answer configuration requests).
 */
import { type Connection, DidChangeConfigurationNotification } from "vscode-languageserver";
import type { Logger } from "./logger";
import type { InitializationOptions } from "./shared/protocol";
import { DEFAULT_SETTINGS, type HearthSettings } from "./shared/settings";
import { parseSettings } from "./shared/settingsParser";

export class ConfigurationReader {
  private current: HearthSettings = DEFAULT_SETTINGS;
  private canPull = false;
  private readonly listeners = new Set<(settings: HearthSettings) => void>();
  private registerForChanges = false;
  private markReady: () => void = () => undefined;
  /** Settles once the first settings are known (pulled from the client, or given at initialization). */
  readonly ready = new Promise<void>((resolve) => {
    this.markReady = resolve;
  });

  constructor(
    private readonly connection: Connection,
    private readonly log: Logger,
  ) {}

  get settings(): HearthSettings {
    return this.current;
  }

  /** Goes up by one each time settings are applied, so caches keyed on it forget answers given under old settings. */
  version = 0;

  onChange(listener: (settings: HearthSettings) => void): void {
    this.listeners.add(listener);
  }

  /** Call from `onInitialize`. */
  initialize(options: { canPull: boolean; canRegisterForChanges: boolean; initializationOptions: InitializationOptions }): void {
    this.canPull = options.canPull;
    this.registerForChanges = options.canRegisterForChanges;
    // A pulling client's answer replaces these anyway; applying them first would only flash a wrong state.
    if (!this.canPull) this.apply(options.initializationOptions);
    this.connection.onDidChangeConfiguration((change) => {
      // Push-style clients send the values; pull-style clients only say that something changed.
      if (this.canPull) void this.pull();
      else if (change.settings && typeof change.settings === "object" && "hearth" in change.settings) {
        this.apply((change.settings as { hearth: unknown }).hearth);
      }
    });
  }

  /** Call from `onInitialized`. */
  async start(): Promise<void> {
    if (this.registerForChanges) {
      await this.connection.client.register(DidChangeConfigurationNotification.type, { section: "hearth" });
    }
    if (this.canPull) await this.pull();
    this.markReady();
  }

  private async pull(): Promise<void> {
    try {
      const raw: unknown = await this.connection.workspace.getConfiguration({ section: "hearth" });
      this.apply(raw);
    } catch (error) {
      this.log.error(`Could not read the hearth settings: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private apply(raw: unknown): void {
    const { settings, problems } = parseSettings(raw);
    for (const problem of problems) this.log.warn(`Setting ignored: ${problem}; using the default.`);
    this.current = settings;
    this.version++;
    for (const listener of this.listeners) listener(settings);
  }
}
