/** Where the engine writes its log lines (the language server's console, which the client shows in "Hearth"). */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
