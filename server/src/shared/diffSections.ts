/**
 * A `git diff` split into per-file sections, each with every path it may be about, read the way git writes them
 * whatever the user's configuration: quoted C-style when a name has unusual bytes (core.quotePath: `"d\303\251v/.env"`),
 * with the default `a/` `b/` prefixes, the mnemonic ones (`c/`, `i/`, `w/`, `o/`, `1/`, `2/`), none
 * (diff.noprefix), or any other (diff.srcPrefix). Paths are gathered from the `diff --git` header, the `---` and
 * `+++` lines and the rename and copy lines, with and without a prefix, so a caller that refuses a section when ANY
 * of its paths is a secret fails closed. A section none of whose paths can be read is marked, to be dropped. Pure.
 */

export interface DiffSection {
  text: string;
  /** A name to show for it: the new path without its prefix, when one was read. */
  name: string | undefined;
  /** Every spelling its paths may have (with and without a prefix), for matching; empty when none could be read. */
  paths: string[];
}

/** The prefixes git writes: `a/` `b/` by default, and diff.mnemonicPrefix's commit, index, work tree, object, --no-index. */
const KNOWN_PREFIX = /^[abciwo12]\//;

/** Splits `diff` into sections at each `diff --git`, `diff --cc` or `diff --combined` line (text before the first is one too). */
export function diffSections(diff: string): DiffSection[] {
  return diff
    .split(/^(?=diff (?:--git|--cc|--combined) )/m)
    .filter((text) => text.trim() !== "")
    .map(section);
}

function section(text: string): DiffSection {
  const lines = text.split("\n");
  // The extended header ends where the changes begin; a changed line may itself start with `---`.
  const end = lines.findIndex((line) => /^(@@|Binary files |GIT binary patch)/.test(line));
  const header = end < 0 ? lines : lines.slice(0, end);
  const found: string[] = [];
  let name: string | undefined;
  const first = /^diff (--git|--cc|--combined) (.*)$/.exec(header[0] ?? "");
  if (first) {
    const names = headerNames(first[1] === "--git" ? 2 : 1, first[2]);
    found.push(...names.paths);
    name = names.name;
  }
  for (const line of header.slice(1)) {
    const fromTo = /^(---|\+\+\+) (.*)$/.exec(line);
    if (fromTo) {
      // git ends a name holding a space with a tab (for patch(1)); `/dev/null` is no file.
      const path = unquoted(fromTo[2].replace(/\t$/, ""));
      if (path !== undefined && path !== "/dev/null") {
        found.push(path);
        name ??= withoutPrefix(path);
      }
      continue;
    }
    const moved = /^(?:rename|copy) (?:from|to) (.*)$/.exec(line);
    if (moved) {
      const path = unquoted(moved[1]);
      if (path !== undefined) {
        found.push(path);
        name ??= path;
      }
    }
  }
  const paths = [...new Set(found.flatMap((path) => [path, path.replace(/^[^/]*\//, "")]).filter((path) => path !== ""))];
  return { text, name, paths };
}

/**
 * The names in a header's rest: `count` quoted or bare names. Bare names with spaces are ambiguous (`a/x b/y b/x b/y`),
 * so every split is taken; the display name comes from a split whose two names agree (as `git apply` decides).
 */
function headerNames(count: number, rest: string): { paths: string[]; name: string | undefined } {
  if (count === 1) {
    const path = rest.startsWith('"') ? unquoted(rest) : rest;
    return { paths: path ? [path] : [], name: path };
  }
  if (rest.startsWith('"')) {
    const [left, after] = quotedPrefix(rest);
    if (left === undefined || !after.startsWith(" ")) return { paths: [], name: undefined };
    const right = after.slice(1).startsWith('"') ? unquoted(after.slice(1)) : after.slice(1);
    return { paths: [left, right].filter((path): path is string => !!path), name: right && withoutPrefix(right) };
  }
  const paths: string[] = [];
  let name: string | undefined;
  for (let space = rest.indexOf(" "); space >= 0; space = rest.indexOf(" ", space + 1)) {
    const left = rest.slice(0, space);
    const tail = rest.slice(space + 1);
    const right = tail.startsWith('"') ? unquoted(tail) : tail;
    if (right === undefined) continue;
    paths.push(left, right);
    const same = left === right || left.replace(/^[^/]*\//, "") === right.replace(/^[^/]*\//, "");
    if (same) name ??= withoutPrefix(right);
  }
  return { paths, name };
}

/** `path` without a known prefix (`b/src/x.ts` → `src/x.ts`), for showing; matching uses both spellings. */
function withoutPrefix(path: string): string {
  return path.replace(KNOWN_PREFIX, "");
}

/** A name as git writes it: a C-quoted string decoded (its bytes as UTF-8), or a bare name as it is. */
export function unquoted(text: string): string | undefined {
  if (!text.startsWith('"')) return text;
  const [path, after] = quotedPrefix(text);
  return path !== undefined && after === "" ? path : undefined;
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 };

/** The C-quoted string at the start of `text` (which starts with `"`), and what follows it; undefined when malformed. */
function quotedPrefix(text: string): [string | undefined, string] {
  const bytes: number[] = [];
  let index = 1;
  while (index < text.length) {
    const char = String.fromCodePoint(text.codePointAt(index) ?? 0);
    if (char === '"') return [Buffer.from(bytes).toString("utf8"), text.slice(index + 1)];
    if (char !== "\\") {
      bytes.push(...Buffer.from(char, "utf8"));
      index += char.length;
      continue;
    }
    const next = text[index + 1] ?? "";
    const octal = /^[0-3][0-7]{2}/.exec(text.slice(index + 1));
    if (octal) {
      bytes.push(Number.parseInt(octal[0], 8));
      index += 4;
    } else if (next in ESCAPES) {
      bytes.push(ESCAPES[next]);
      index += 2;
    } else return [undefined, ""];
  }
  return [undefined, ""];
}
