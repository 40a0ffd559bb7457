/**
 * Which documents next edits must keep out: secrets files by their name (and `hearth.privacy.excludedFiles`), and
 * open documents found to be secrets where their file really is (a link to `.env`), until closed. Verdicts on disk
 * take a realpath (nothing is read) and come after the edits they judge are recorded, so none is lost; a prompt waits
 * for every verdict not in yet (`judged`), so no secrets file's edits are in it.
 */
import type { TextDocuments } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { isSensitiveFile, uriPath } from "../shared/sensitiveFiles";
import { isSensitiveDocument } from "../shared/sensitiveOnDisk";

export class SecretDocuments {
  private readonly onDisk = new Set<string>();
  private readonly judging = new Set<Promise<boolean>>();

  constructor(
    private readonly documents: TextDocuments<TextDocument>,
    private readonly excludedFiles: () => readonly string[],
    private readonly folders: () => readonly string[],
    /** Called with a document found to be a secrets file on disk: what was recorded of it is forgotten. */
    private readonly forget: (uri: string) => void,
  ) {}

  /** A secrets file by its name, or one already found to be one on disk. */
  excluded(uri: string): boolean {
    return this.onDisk.has(uri) || isSensitiveFile(uriPath(uri), this.excludedFiles(), this.folders());
  }

  /** Looks where the document's file really is (links followed); resolves true for a secrets file. */
  judge(uri: string): Promise<boolean> {
    const verdict = isSensitiveDocument(uri, this.excludedFiles(), this.folders()).then((secret) => {
      if (secret && this.documents.get(uri)) this.onDisk.add(uri);
      if (secret) this.forget(uri);
      return secret;
    });
    this.judging.add(verdict);
    void verdict.finally(() => this.judging.delete(verdict));
    return verdict;
  }

  /** Resolves once every verdict asked for so far is in. */
  async judged(): Promise<void> {
    while (this.judging.size > 0) await Promise.all(this.judging);
  }

  closed(uri: string): void {
    this.onDisk.delete(uri);
  }
}
