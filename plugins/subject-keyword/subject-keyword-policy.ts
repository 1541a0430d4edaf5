import type { Policy } from '../../core/gateway/ports.ts';
import { ConfigurationError } from '../../core/shared/errors.ts';
import { replyPrefixEnd } from './reply-prefix.ts';

/**
 * How a configured keyword is matched, read from how it is written:
 * - `[secure]` (bracketed): the bracketed text anywhere in the subject;
 * - `secure:` (ends with a colon): at the start, after any `Re:`/`Fwd:` prefixes;
 * - `zixencrypt` (a plain word): a whole word anywhere.
 * All are case-insensitive.
 */
export type KeywordForm = 'bracketed' | 'prefix' | 'word';

/** A keyword ready to match: its configured text, its form, and a pattern for it. */
export type Keyword = { keyword: string; form: KeywordForm; pattern: RegExp };

// A letter, digit or underscore on either side would make the keyword part of a longer word.
const WORD_CHAR = '[\\p{L}\\p{N}_]';

function escapeRegExp(text: string): string {
  // Only syntax characters and `/` may be escaped in a `u` pattern (`\-` is an error there).
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Reads one configured keyword; throws ConfigurationError for one with spaces or without a letter or digit. */
export function parseKeyword(raw: string): Keyword {
  const keyword = raw.trim();
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
 * Finds the configured keywords in `subject` and removes them, tidying the blanks
 * left behind: `[secure] Case notes` -> `Case notes`, `Re: zixencrypt Case` -> `Re: Case`.
 */
export function matchKeywords(subject: string, keywords: Keyword[]): KeywordMatch {
  const matched: string[] = [];
  let rest = subject;
  for (const { keyword, form, pattern } of keywords) {
    const before = rest;
    if (form === 'prefix') {
      const start = replyPrefixEnd(rest);
      pattern.lastIndex = start;
      if (pattern.test(rest)) rest = rest.slice(0, start) + rest.slice(pattern.lastIndex);
    } else {
      rest = rest.replace(pattern, ' ');
    }
    if (rest !== before) matched.push(keyword);
  }
  return { matched, subject: matched.length > 0 ? tidy(rest) : subject };
}

// Tidies what a removal leaves: runs of blanks, brackets emptied of their keyword
// (`(zixencrypt) Case` -> `Case`), and a colon orphaned at the start of the
// subject's own text (`zixencrypt: Case` -> `Case`, not `: Case`).
function tidy(subject: string): string {
  const collapsed = subject
    .replace(/[([{] *[)\]}]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const start = replyPrefixEnd(collapsed);
  const own = collapsed.slice(start).replace(/^:\s*/, '');
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
      const { matched, subject } = matchKeywords(mail.subject, keywords);
      if (matched.length === 0) return { action: 'abstain', reasons: [] };
      return {
        action: 'encrypt',
        reasons: matched.map((k) => `subject keyword ${JSON.stringify(k)}`),
        subject,
      };
    },
  };
}
