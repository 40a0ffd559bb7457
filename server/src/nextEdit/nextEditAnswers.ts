/**
 * The shapes the next-edit feature passes between its steps, and its one error: an answer for the document asked
 * about (from a prediction or a speculation), and a speculation in flight.
 */
import { LSPErrorCodes, ResponseError } from "vscode-languageserver";
import type { InlineEdit, InlineEditResult, NextEditReport } from "../shared/protocol";
import type { PredictedEdit } from "./predictNextEdit";

/** The answer for the document asked about; `crossFile` when other files may be asked about after it. */
export interface HereResult {
  result: InlineEditResult;
  /** The edits in the document asked about. */
  edits: readonly InlineEdit[];
  crossFile: boolean;
}

/** A prediction for the document as it will be once the shown edits are all accepted. */
export interface Speculated {
  uri: string;
  text: string;
  windowStart: number;
  abort: AbortController;
  result: Promise<{ edits: PredictedEdit[]; report: NextEditReport } | undefined>;
}

/** The document moved on while its edits were predicted, or the client asked about an old version. */
export function staleVersion(asked: number, current: number | undefined): ResponseError<void> {
  return new ResponseError(
    LSPErrorCodes.ContentModified,
    `textDocument/copilotInlineEdit: the document is at version ${current ?? "(closed)"}, not ${asked}; ask again.`,
  );
}
