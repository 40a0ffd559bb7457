/**
 * "Fix with Hearth" and "Explain with Hearth" as standard code actions. Listing them is free: the model runs only
 * when a fix is resolved (`codeAction/resolve`) or an explanation is asked for (a client command).
 */
import { basename } from "node:path";
import {
  type CodeAction,
  CodeActionKind,
  type Connection,
  type Range,
  type TextDocuments,
  type WorkspaceEdit,
} from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { extractReplacement } from "../core/extractReplacement";
import type { ReasoningDelta } from "../core/reasoning";
import { EngineError } from "../engine/engineError";
import type { ModelEngine } from "../engine/modelEngine";
import { type Feature, withAbortSignal } from "../feature";
import { isCount, isDocument, isRange, isString, optional, requireParams, shaped } from "../paramChecks";
import { fixMessage } from "../shared/codePrompts";
import { COMMANDS } from "../shared/commands";
import { actionableError, HearthErrorCodes } from "../shared/errors";
import { type CodeTargetArguments, type FixParams, FixProgressType, FixRequest } from "../shared/protocol";
import { fitReplacement } from "../shared/replacementFit";
import { isSensitiveDocument } from "../shared/sensitiveOnDisk";
import type { HearthSettings } from "../shared/settings";

/** Lines of surrounding code given to the model with a fix. */
const SURROUNDING_LINES = 20;

interface Dependencies {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  engine: ModelEngine;
  ready: Promise<void>;
  settings(): HearthSettings;
  /** The workspace folders as file system paths: `hearth.privacy.excludedFiles` is relative to them. */
  folders(): readonly string[];
}

/** A secrets file, by the document's name or by where it really is (a link to `.env`), gets no action. */
function isSecret(deps: Dependencies, uri: string): Promise<boolean> {
  return isSensitiveDocument(uri, deps.settings().privacy.excludedFiles, deps.folders());
}

const CODE_ACTION_KINDS = [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite, CodeActionKind.Empty];

function wholeLines(document: TextDocument, range: Range): Range {
  const endLine = range.end.character === 0 && range.end.line > range.start.line ? range.end.line - 1 : range.end.line;
  // The end of the last line's text, before its line break (both characters of a CRLF).
  const lineText = document.getText({ start: { line: endLine, character: 0 }, end: { line: endLine + 1, character: 0 } });
  const length = lineText.replace(/(\r\n|\r|\n)$/, "").length;
  return { start: { line: range.start.line, character: 0 }, end: { line: endLine, character: length } };
}

function isEmpty(range: Range): boolean {
  return range.start.line === range.end.line && range.start.character === range.end.character;
}

export function registerCodeActions(deps: Dependencies): Feature {
  const { connection, documents } = deps;

  connection.onCodeAction(async (params) => {
    requireParams("textDocument/codeAction", params, {
      textDocument: isDocument,
      range: isRange,
      context: shaped({ diagnostics: Array.isArray }),
    });
    if (await isSecret(deps, params.textDocument.uri)) return [];
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    const actions: CodeAction[] = [];
    const several = params.context.diagnostics.length > 1;
    for (const diagnostic of params.context.diagnostics) {
      // LSP 3.18 allows markup in diagnostic messages; the model and the title want plain text.
      const text = typeof diagnostic.message === "string" ? diagnostic.message : diagnostic.message.value;
      const suffix = several ? `: ${text.split("\n")[0].slice(0, 50)}` : "";
      const data: FixParams = { uri: document.uri, version: document.version, range: diagnostic.range, diagnostic: text };
      actions.push({ title: `Fix with Hearth${suffix}`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], data });
      const args: CodeTargetArguments = { uri: document.uri, range: diagnostic.range, diagnostic: text };
      actions.push({
        title: `Explain with Hearth${suffix}`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        command: { title: "Explain with Hearth", command: COMMANDS.explain, arguments: [args] },
      });
    }
    if (params.context.diagnostics.length === 0 && !isEmpty(params.range)) {
      const args: CodeTargetArguments = { uri: document.uri, range: params.range };
      actions.push(
        {
          title: "Explain with Hearth",
          kind: CodeActionKind.Empty,
          command: { title: "Explain with Hearth", command: COMMANDS.explain, arguments: [args] },
        },
        {
          title: "Fix with Hearth…",
          kind: CodeActionKind.RefactorRewrite,
          command: { title: "Fix with Hearth…", command: COMMANDS.fixWithInstruction, arguments: [args] },
        },
      );
    }
    return actions;
  });

  connection.onCodeActionResolve(async (action, token) => {
    const data = action.data as FixParams | undefined;
    if (!data) return action;
    action.edit = await withAbortSignal(token, (signal) => computeFix(deps, data, signal));
    return action;
  });

  connection.onRequest(FixRequest.type, async (params, token) => {
    requireParams(FixRequest.method, params, {
      uri: isString,
      version: isCount,
      range: isRange,
      diagnostic: optional(isString),
      instruction: optional(isString),
      partialResultToken: optional((value) => typeof value === "string" || typeof value === "number"),
    });
    return withAbortSignal(token, (signal) => computeFix(deps, params, signal));
  });

  return { capabilities: { codeActionProvider: { codeActionKinds: CODE_ACTION_KINDS, resolveProvider: true } } };
}

function staleError() {
  return actionableError(
    HearthErrorCodes.staleDocument,
    "The document changed after the fix was asked for, so it was not applied. Run Fix again on the current text.",
  );
}

export async function computeFix(deps: Dependencies, params: FixParams, signal: AbortSignal): Promise<WorkspaceEdit> {
  await deps.ready;
  if (await isSecret(deps, params.uri))
    throw actionableError(HearthErrorCodes.secretsFile, "This is a secrets file, and Hearth never sends one to a model.", {
      fix: "Fix it by hand: Hearth never reads secrets files (see Privacy in the README).",
    });
  const document = deps.documents.get(params.uri);
  if (!document) throw actionableError(HearthErrorCodes.staleDocument, "The document is no longer open.");
  if (document.version !== params.version) throw staleError();
  const range = wholeLines(document, params.range);
  const lines = document.getText().split(/\r?\n/);
  const message = fixMessage({
    path: basename(decodeURIComponent(new URL(params.uri).pathname)),
    languageId: document.languageId,
    code: document.getText(range),
    firstLine: range.start.line + 1,
    lastLine: range.end.line + 1,
    before: lines.slice(Math.max(0, range.start.line - SURROUNDING_LINES), range.start.line).join("\n"),
    after: lines.slice(range.end.line + 1, range.end.line + 1 + SURROUNDING_LINES).join("\n"),
    diagnostic: params.diagnostic,
    instruction: params.instruction,
  });
  let answer: string;
  const original = document.getText(range);
  const progressToken = params.partialResultToken;
  let streamed = "";
  let reported = "";
  // The fix so far, for an editor that shows it streaming, fitted to the original as the final edit is.
  const onDelta = (delta: ReasoningDelta) => {
    if (progressToken === undefined) return;
    if (delta.kind === "reset") streamed = delta.answer;
    else if (delta.kind === "answer") streamed += delta.text;
    else return;
    const sofar = extractReplacement(streamed);
    if (sofar === "" || sofar === reported) return;
    reported = sofar;
    void deps.connection.sendProgress(FixProgressType, progressToken, { range, replacement: fitReplacement(original, sofar) });
  };
  try {
    const reply = await deps.engine.chat(
      { messages: [{ role: "user", content: message.content }], context: message.context },
      { purpose: "fix", temperature: 0, signal, onDelta },
    );
    answer = reply.answer;
  } catch (error) {
    if (error instanceof EngineError) throw actionableError(HearthErrorCodes.chatModel, error.message, error.data);
    throw error;
  }
  const replacement = extractReplacement(answer);
  if (replacement === "")
    throw actionableError(HearthErrorCodes.chatModel, "The model proposed no code for this fix.", {
      fix: "Try again, or pick a stronger chat model.",
    });
  // The user may have typed while the model worked: never hand back a fix computed for older text. A client that
  // streams the fix writes it into the document as it goes (changing the version) and tracks the lines itself; the
  // edit's own version still guards any client that applies it as it is.
  if (progressToken === undefined && deps.documents.get(params.uri)?.version !== params.version) throw staleError();
  return {
    documentChanges: [
      {
        textDocument: { uri: params.uri, version: params.version },
        // In the original's line breaks and indentation, whatever the model's code block had.
        edits: [{ range, newText: fitReplacement(original, replacement), annotationId: "hearth.fix" }],
      },
    ],
    changeAnnotations: {
      "hearth.fix": { label: "Hearth's fix", needsConfirmation: true, description: params.diagnostic ?? params.instruction },
    },
  };
}
