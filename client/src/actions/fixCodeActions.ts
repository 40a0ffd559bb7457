/**
 * Language-client middleware for the server's "Fix with Hearth" quick fixes. Over plain LSP the fix arrives when
 * the action is resolved, as a WorkspaceEdit; in VS Code the action runs the Fix command instead, so the fix
 * streams into the in-editor review (review/) rather than appearing all at once in the refactor preview.
 */
import * as vscode from "vscode";
import type { Middleware } from "vscode-languageclient/node";
import { COMMANDS } from "../../../server/src/shared/commands";
import type { CodeTargetArguments, FixParams } from "../../../server/src/shared/protocol";

/** The FixParams the server puts in a fix action's `data` (the language client keeps it on the action). */
function fixData(action: vscode.CodeAction): FixParams | undefined {
  const data = (action as { data?: Partial<FixParams> }).data;
  return data && typeof data.uri === "string" && typeof data.version === "number" && data.range ? (data as FixParams) : undefined;
}

export function createFixCodeActionMiddleware(): Pick<Middleware, "provideCodeActions" | "resolveCodeAction"> {
  const commands = new WeakSet<vscode.CodeAction>();
  return {
    async provideCodeActions(document, range, context, token, next) {
      const actions = await next(document, range, context, token);
      return actions?.map((action) => {
        if (!(action instanceof vscode.CodeAction) || action.edit || action.command) return action;
        const data = fixData(action);
        if (!data) return action;
        const args: CodeTargetArguments = { uri: data.uri, range: data.range, diagnostic: data.diagnostic };
        const command = new vscode.CodeAction(action.title, action.kind);
        command.diagnostics = action.diagnostics;
        command.isPreferred = action.isPreferred;
        command.command = { title: action.title, command: COMMANDS.fix, arguments: [args] };
        commands.add(command);
        return command;
      });
    },
    // A fix that runs as a command has nothing to resolve.
    resolveCodeAction: (item, token, next) => (commands.has(item) ? item : next(item, token)),
  };
}
