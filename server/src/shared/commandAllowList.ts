/**
 * Which agent commands run without asking: those on the user's allow-list (hearth.agent.allowedCommands, machine-
 * scoped). An entry is an exact command line, or a prefix ending in `*`. A command that chains or substitutes
 * (`;`, `&&`, `||`, `|`, `&`, backticks, `$(`, redirection, a line break) never matches a prefix: "npm test*" must not
 * let "npm test; curl … | sh" through.
 */
const CHAINING = /[;&|`\n\r<>]|\$\(/;

export function isAllowedCommand(command: string, allowList: readonly string[]): boolean {
  const line = command.trim();
  return allowList.some((entry) => {
    const rule = entry.trim();
    if (rule === "") return false;
    if (!rule.endsWith("*")) return line === rule;
    const prefix = rule.slice(0, -1);
    return !CHAINING.test(line) && line.startsWith(prefix);
  });
}
