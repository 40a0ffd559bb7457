/**
 * What an agent turn changed, file by file, with each file's text before the turn first touched it (null: the
 * turn created it), so "Undo this turn's edits" restores every file exactly.
 */
export class Checkpoint {
  private readonly before = new Map<string, string | null>();

  /** Called before an accepted edit is applied; only the first edit of a file in the turn is remembered. */
  record(uri: string, text: string | null): void {
    if (!this.before.has(uri)) this.before.set(uri, text);
  }

  get entries(): Array<{ uri: string; before: string | null }> {
    return [...this.before].map(([uri, before]) => ({ uri, before }));
  }
}
