/**
 * Which agent commands run without asking: those on the user's allow-list (hearth.agent.allowedCommands, machine-
 * scoped). An entry is an exact command line, or a prefix of whole words ending in `*`.
 *
 * A prefix match is decided on words this module splits itself, never by what a shell might make of the line: the
 * line must consist only of plain words (ASCII letters, digits and `-_./:=@+,`, separated by ASCII spaces), so
 * nothing in it is interpreted by bash, dash, zsh or cmd.exe: no expansion (`$`, backquote, `~`, globs, braces),
 * no quoting or escaping, no separators, redirections, comments or control characters. A deny-list of characters
 * can't keep up with a shell's grammar (`${x@P}` and `${PWD:…}` run commands in bash without `$(`), an allow-list can.
 *
 * Options are a program's grammar as expansions are the shell's, and no list of dangerous options is complete
 * (`git log --output=FILE` writes any file, `npm test --script-shell=./x` and `--node-options=--require=./x.js` run
 * any code, and whatever follows `--` goes to the test runner): so a prefix entry allows no option after its own
 * words. An option is allowed only where the user spelled it: in an exact entry, or before the `*` of a prefix entry.
 */

/** A plain word: no character any common shell gives a meaning to. `%` is left out for cmd.exe (`%VAR%`). */
const PLAIN_WORD = /^[A-Za-z0-9_\-./:=@+,]+$/;

/**
 * The words of a line that holds nothing but plain words separated by ASCII spaces, or undefined when anything in it
 * could be interpreted by a shell (or is not ASCII). A word may not start with `=` (zsh expands `=cmd` to a path).
 */
export function plainWords(line: string): string[] | undefined {
  const words = line.split(" ").filter((word) => word !== "");
  if (words.length === 0) return undefined;
  return words.every((word) => PLAIN_WORD.test(word) && !word.startsWith("=")) ? words : undefined;
}

/** Trims ASCII spaces only: JavaScript's trim() also drops Unicode spaces and line separators a shell would keep. */
function trimSpaces(text: string): string {
  return text.replace(/^ +| +$/g, "");
}

/** An option, or the `--` that ends options: any word starting with `-`. */
function isOption(word: string): boolean {
  return word.startsWith("-");
}

/**
 * Whether a command may run without asking. An exact entry matches the same line (spaces at either end aside). A
 * prefix entry (`npm test*`) matches a line of plain words whose first words are the entry's words, each whole, and
 * whose further words are not options (none starts with `-`, `--` included): `npx tsc*` allows `npx tsc src/a.ts`
 * and `npx tsc` but not `npx tsc-evil` or `npx tsc --outDir x`; `npx tsc --noEmit*` allows `npx tsc --noEmit src/a.ts`;
 * `npm te*` allows nothing longer than the word `te`. An entry that is not plain words itself (`npm run "lint"*`)
 * never matches as a prefix; a bare `*` allows any line of plain words with no options.
 */
export function isAllowedCommand(command: string, allowList: readonly string[]): boolean {
  const line = trimSpaces(command);
  if (line === "") return false;
  const lineWords = plainWords(line);
  return allowList.some((entry) => {
    const rule = trimSpaces(entry);
    if (rule === "") return false;
    if (!rule.endsWith("*")) return line === rule;
    if (!lineWords) return false;
    const prefix = trimSpaces(rule.slice(0, -1));
    if (prefix === "") return !lineWords.some(isOption);
    const prefixWords = plainWords(prefix);
    return (
      prefixWords !== undefined &&
      prefixWords.length <= lineWords.length &&
      prefixWords.every((word, index) => lineWords[index] === word) &&
      !lineWords.slice(prefixWords.length).some(isOption)
    );
  });
}
