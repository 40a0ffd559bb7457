/**
 * The terms a search in words is made of, bounded: MiniSearch's search is synchronous, so a query of thousands of
 * words (or short words that prefix-match most of the index) would hold the server's only thread for minutes, and
 * Stop could not interrupt it. The query is cut to a length and a number of distinct terms, and short terms match
 * only exactly.
 */

/** The most characters of a query searched in words (and embedded, for search by meaning). */
export const MAX_QUERY_CHARS = 500;
/** The most distinct terms searched; more add nothing to a ranking but time. */
export const MAX_QUERY_TERMS = 32;
/** Terms shorter than this match only whole terms: a prefix of one or two letters matches nearly every term. */
export const MIN_PREFIX_CHARS = 3;

/** Identifiers split the way code is searched: `parseConfigFile` also matches "config" and "parse". */
export function codeTokens(text: string): string[] {
  const words = text.match(/[A-Za-z_][A-Za-z0-9_]*|\d+/g) ?? [];
  return words.flatMap((word) => {
    const parts = word.split(/_|(?<=[a-z0-9])(?=[A-Z])/).filter((part) => part.length > 1);
    return parts.length > 1 ? [word.toLowerCase(), ...parts.map((part) => part.toLowerCase())] : [word.toLowerCase()];
  });
}

export interface SearchTerms {
  /** The query as searched: cut to MAX_QUERY_CHARS at a word's end. */
  text: string;
  /** Its distinct terms, at most MAX_QUERY_TERMS, in the order they first appear. */
  terms: string[];
  /** What was left out, for the result to say; undefined when nothing was. */
  cut?: string;
}

export function searchTerms(query: string): SearchTerms {
  let text = query;
  const cuts: string[] = [];
  if (text.length > MAX_QUERY_CHARS) {
    const head = text.slice(0, MAX_QUERY_CHARS);
    // Cut before a word split in two, unless the whole head is one word.
    const wordEnd = /[A-Za-z0-9_]$/.test(head) && /^[A-Za-z0-9_]/.test(text.slice(MAX_QUERY_CHARS));
    const lastBreak = head.search(/[^A-Za-z0-9_][A-Za-z0-9_]*$/);
    text = wordEnd && lastBreak > 0 ? head.slice(0, lastBreak) : head;
    cuts.push(`only its first ${MAX_QUERY_CHARS} characters`);
  }
  const distinct = [...new Set(codeTokens(text))];
  if (distinct.length > MAX_QUERY_TERMS) cuts.push(`only its first ${MAX_QUERY_TERMS} distinct words`);
  return {
    text,
    terms: distinct.slice(0, MAX_QUERY_TERMS),
    cut: cuts.length > 0 ? `the query was too long to search in words: ${cuts.join(" and ")} were used` : undefined,
  };
}

/** MiniSearch's per-term prefix option: long terms also match longer ones, short terms only themselves. */
export function prefixFor(term: string): boolean {
  return term.length >= MIN_PREFIX_CHARS;
}
