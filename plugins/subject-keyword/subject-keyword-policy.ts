import type { Policy } from '../../core/gateway/ports.ts';
import { ConfigurationError } from '../../core/shared/errors.ts';
import { leadingTagsEnd } from './reply-prefix.ts';

/**
 * How a configured keyword is matched, read from how it is written:
 * - `[secure]` (bracketed): the bracketed text anywhere in the subject;
 * - `secure:` (ends with a colon): at the start, after any `Re:`/`Fwd:` prefixes and
 *   bracketed tags such as `[EXTERNAL]`;
 * - `zixencrypt` (a plain word): a whole word anywhere.
 * All are case-insensitive.
 */
export type KeywordForm = 'bracketed' | 'prefix' | 'word';

/** A keyword ready to match: its configured text, its form, and a pattern for it. */
export type Keyword = { keyword: string; form: KeywordForm; pattern: RegExp };

// A letter or digit on either side would make the keyword part of a longer word. An
// underscore does not: `zixencrypt_Care plan` is the keyword then the subject.
const WORD_CHAR = '[\\p{L}\\p{N}]';

function escapeRegExp(text: string): string {
  // Only syntax characters and `/` may be escaped in a `u` pattern (`\-` is an error there).
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Reads one configured keyword; throws ConfigurationError for one with spaces or without a letter or digit. */
export function parseKeyword(raw: string): Keyword {
  const keyword = raw.normalize('NFKC').trim();
  if (!/[\p{L}\p{N}]/u.test(keyword) || /\s/.test(keyword)) {
    throw new ConfigurationError(
      `subject keyword ${JSON.stringify(raw)} must be one word with letters or digits and no spaces, e.g. zixencrypt, [secure] or secure:.`,
    );
  }
  const literal = escapeRegExp(keyword);
  if (keyword.endsWith(':')) {
    // Sticky: tried only where the subject's own text starts.
    return { keyword, form: 'prefix', pattern: new RegExp(`${literal}[ \\t]*`, 'iuy') };
  }
  if (keyword.startsWith('[') && keyword.endsWith(']')) {
    return { keyword, form: 'bracketed', pattern: new RegExp(literal, 'giu') };
  }
  return {
    keyword,
    form: 'word',
    pattern: new RegExp(`(?<!${WORD_CHAR})${literal}(?!${WORD_CHAR})`, 'giu'),
  };
}

/** The result of looking for keywords in a subject: which matched, and the subject without them. */
export type KeywordMatch = { matched: string[]; subject: string };

/**
 * `subject` in Unicode compatibility form (NFKC: full-width `［ｓｅｃｕｒｅ］` reads
 * `[secure]`, ligatures split), with where each of its code units came from in
 * `subject`, so a match found in the normalised form is cut from the subject as
 * the sender wrote it. Each code point is normalised on its own: that keeps the
 * map simple, and only combining marks after a keyword's letters compose otherwise.
 */
function normalised(subject: string): { text: string; origin: number[] } {
  const parts: string[] = [];
  const origin: number[] = [];
  let at = 0;
  for (const char of subject) {
    const form = char.normalize('NFKC');
    parts.push(form);
    for (let k = 0; k < form.length; k++) origin.push(at);
    at += char.length;
  }
  origin.push(subject.length);
  return { text: parts.join(''), origin };
}

/** The ranges of `subject` (as written) where `keyword` matches. */
function matchRanges(subject: string, { form, pattern }: Keyword): Array<[number, number]> {
  const { text, origin } = normalised(subject);
  const at = (k: number) => origin[k] ?? subject.length;
  if (form === 'prefix') {
    const start = leadingTagsEnd(text);
    pattern.lastIndex = start;
    return pattern.test(text) ? [[at(start), at(pattern.lastIndex)]] : [];
  }
  const ranges: Array<[number, number]> = [];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    ranges.push([at(m.index), at(m.index + m[0].length)]);
  }
  return ranges;
}

/**
 * Finds the configured keywords in `subject` and removes them, tidying the blanks
 * left behind: `[secure] Case notes` -> `Case notes`, `Re: zixencrypt Case` -> `Re: Case`.
 * Matching reads the subject in NFKC form, so `ｚｉｘｅｎｃｒｙｐｔ` counts.
 */
export function matchKeywords(subject: string, keywords: Keyword[]): KeywordMatch {
  const matched: string[] = [];
  let rest = subject;
  for (const keyword of keywords) {
    const ranges = matchRanges(rest, keyword);
    if (ranges.length === 0) continue;
    matched.push(keyword.keyword);
    let cut = '';
    let from = 0;
    for (const [start, end] of ranges) {
      cut += `${rest.slice(from, start)}${keyword.form === 'prefix' ? '' : ' '}`;
      from = end;
    }
    rest = cut + rest.slice(from);
  }
  return { matched, subject: matched.length > 0 ? tidy(rest) : subject };
}

/**
 * True when any of `subjects` (every Subject header a mail carries) holds a
 * configured keyword; the keywords that matched, in configured order.
 */
export function keywordsIn(subjects: string[], keywords: Keyword[]): string[] {
  const found = new Set<string>();
  for (const subject of subjects) {
    for (const keyword of matchKeywords(subject, keywords).matched) found.add(keyword);
  }
  return keywords.map((k) => k.keyword).filter((k) => found.has(k));
}

// Tidies what a removal leaves: runs of blanks, brackets emptied of their keyword
// (`(zixencrypt) Case` -> `Case`), and a colon orphaned at the start of the
// subject's own text (`zixencrypt: Case` -> `Case`, not `: Case`).
function tidy(subject: string): string {
  const collapsed = subject
    .replace(/[([{] *[)\]}]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const start = leadingTagsEnd(collapsed);
  let own = collapsed.slice(start).replace(/^[:_]+\s*/, '');
  // A joining underscore left at the end (`Care_zixencrypt`); a loop, not /_+$/,
  // which would rescan a long run of underscores from every start.
  let end = own.length;
  while (end > 0 && own[end - 1] === '_') end--;
  own = own.slice(0, end).trimEnd();
  return (collapsed.slice(0, start) + own).trim();
}

/**
 * The subject keyword policy: a sender types a keyword in the subject to ask for
 * the mail to go out through Sealpost. On a match it asks for encryption and
 * strips the keyword, so the recipient never sees the instruction.
 */
export function subjectKeywordPolicy(args: { keywords: string[] }): Policy {
  // Bracketed and prefix keywords go first, so a plain `secure` configured beside
  // `[secure]` cannot eat the word out of the brackets and leave `[ ]` behind.
  const rank: Record<KeywordForm, number> = { bracketed: 0, prefix: 1, word: 2 };
  const keywords = args.keywords.map(parseKeyword).sort((a, b) => rank[a.form] - rank[b.form]);
  return {
    name: 'subject-keyword',
    async evaluate({ mail }) {
      // Every Subject header counts (a mail may carry more than one); the one shown
      // to the recipient is the one tidied.
      const { subject } = matchKeywords(mail.subject, keywords);
      const matched = keywordsIn([mail.subject, ...(mail.headers.subject ?? [])], keywords);
      if (matched.length === 0) return { action: 'abstain', reasons: [] };
      return {
        action: 'encrypt',
        reasons: matched.map((k) => `subject keyword ${JSON.stringify(k)}`),
        subject,
      };
    },
  };
}
