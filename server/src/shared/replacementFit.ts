/**
 * Fitting a model's code to the text it replaces, as a careful human would paste it: the original's line breaks
 * (CRLF stays CRLF), its final line break (a code block never carries one, so replacing a whole file must not
 * delete it), and its indentation (small models often drop or change the indentation of the lines they rewrite).
 * Pure; shared by Fix (server) and the chat's Apply (client).
 */

/** The line break a text uses most ("\n" when it has none). */
export function lineBreakOf(text: string): "\n" | "\r\n" | "\r" {
  const crlf = text.split("\r\n").length - 1;
  const lf = text.split("\n").length - 1 - crlf;
  const cr = text.split("\r").length - 1 - crlf;
  if (crlf > lf && crlf >= cr) return "\r\n";
  if (cr > lf) return "\r";
  return "\n";
}

/** The leading whitespace of the first line that has more than whitespace. */
function baseIndent(lines: readonly string[]): string | undefined {
  const first = lines.find((line) => line.trim() !== "");
  return first === undefined ? undefined : (/^[ \t]*/.exec(first)?.[0] ?? "");
}

/** `replacement` shaped to stand where `original` stands. */
export function fitReplacement(original: string, replacement: string): string {
  const lineBreak = lineBreakOf(original);
  const originalTrailing = /(\r\n|\r|\n)*$/.exec(original)?.[0] ?? "";
  let lines = replacement.replace(/(\r\n|\r|\n)+$/, "").split(/\r\n|\r|\n/);
  const from = baseIndent(lines);
  const to = baseIndent(original.split(/\r\n|\r|\n/));
  if (from !== undefined && to !== undefined && from !== to) {
    lines = lines.map((line) => {
      if (line.trim() === "") return "";
      let common = 0;
      while (common < from.length && line[common] === from[common]) common++;
      return to + line.slice(common);
    });
  }
  return lines.join(lineBreak) + originalTrailing;
}
