/**
 * `hearth_searchCode`: Hearth's search by meaning as a tool for VS Code's agent (and any extension, through
 * `vscode.lm.invokeTool`). VS Code's own semantic search needs a GitHub account; this one runs on Hearth's local index
 * and embedder (`hearth/search/meaning`, the index of Hearth's own agent), so it reads the same files Hearth's agent
 * may: never a secrets file or a git-ignored one, which the server keeps out of the index whatever the caller asks.
 * Read-only, so it needs no confirmation; in an untrusted workspace it says it is unavailable instead.
 */
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { LANGUAGE_MODEL_TOOLS } from "../../../server/src/shared/commands";
import { describeError, readResponseError } from "../../../server/src/shared/errors";
import { MEANING_SEARCH_MAX_RESULTS, MeaningSearchRequest } from "../../../server/src/shared/searchProtocol";
import { searchResultText } from "./searchResultText";

/** The tool's input, as `languageModelTools` in package.json declares it. */
export interface SearchCodeInput {
  query: string;
  maxResults?: number;
}

function textResult(text: string): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
}

export class SearchCodeTool implements vscode.LanguageModelTool<SearchCodeInput> {
  constructor(private readonly hearth: { readonly languageClient: LanguageClient | undefined }) {}

  prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<SearchCodeInput>): vscode.PreparedToolInvocation {
    return { invocationMessage: `Searching the workspace for "${options.input.query}" with Hearth` };
  }

  async invoke(
    options: vscode.LanguageModelToolInvocationOptions<SearchCodeInput>,
    token: vscode.CancellationToken,
  ): Promise<vscode.LanguageModelToolResult> {
    // The workspace's files are its author's until the user trusts it: no tool of Hearth's reads them for a model then.
    if (!vscode.workspace.isTrusted)
      return textResult(
        `${LANGUAGE_MODEL_TOOLS.searchCode} is unavailable: this workspace is not trusted (Restricted Mode), and Hearth ` +
          "does not search an untrusted workspace for a model. Trust the workspace to use it.",
      );
    const client = this.hearth.languageClient;
    if (!client?.isRunning())
      return textResult(
        `${LANGUAGE_MODEL_TOOLS.searchCode} is unavailable: Hearth's language server is not running. ` +
          "Run Hearth: Restart Language Server, or see Hearth: Show Log.",
      );
    const query = String(options.input.query ?? "");
    const maxResults =
      typeof options.input.maxResults === "number"
        ? Math.min(Math.max(Math.trunc(options.input.maxResults), 1), MEANING_SEARCH_MAX_RESULTS)
        : undefined;
    try {
      const result = await client.sendRequest(MeaningSearchRequest.type, { query, maxResults }, token);
      return textResult(searchResultText(query, result, options.tokenizationOptions?.tokenBudget));
    } catch (error) {
      if (token.isCancellationRequested) throw new vscode.CancellationError();
      return textResult(`${LANGUAGE_MODEL_TOOLS.searchCode} failed: ${describeError(readResponseError(error))}`);
    }
  }
}
