// `Re:`, `RE:`, `Fw:`, `Fwd:` and the numbered `Re[2]:` some clients write. Sticky
// and anchored at one position, with only a short run of blanks to give back, so
// peeling prefixes off a long subject stays linear.
const REPLY_PREFIX = /[ \t]*(?:re|fwd?)(?:\[\d{1,4}\])?[ \t]*:/iy;
const BLANKS = /[ \t]*/y;

/**
 * Where a subject's own text starts, after any reply and forward prefixes and the
 * blanks that follow them: 4 for `Re: Secure: notes`, 0 for `Secure: notes`.
 */
export function replyPrefixEnd(subject: string): number {
  let at = 0;
  for (;;) {
    REPLY_PREFIX.lastIndex = at;
    if (!REPLY_PREFIX.test(subject)) break;
    at = REPLY_PREFIX.lastIndex;
  }
  BLANKS.lastIndex = at;
  BLANKS.test(subject);
  return BLANKS.lastIndex;
}

// A tag a gateway or a mailing list puts in front of the subject: `[EXTERNAL]`,
// `[Ext]`, `[list-name]`. Bounded and without a nested bracket, so it stays linear.
const TAG = /[ \t]*\[[^[\]\n]{1,40}\][ \t]*:?/y;

/**
 * Where a subject's own text starts, after any run of reply and forward prefixes
 * and bracketed tags, in any order: 15 for `RE: [EXTERNAL] secure: notes`. A tag
 * such as `[EXTERNAL]`, added by a gateway between the sender's `RE:` and their
 * keyword, does not move the keyword from the start of what they wrote.
 */
export function leadingTagsEnd(subject: string): number {
  let at = 0;
  for (;;) {
    REPLY_PREFIX.lastIndex = at;
    if (REPLY_PREFIX.test(subject)) {
      at = REPLY_PREFIX.lastIndex;
      continue;
    }
    TAG.lastIndex = at;
    if (!TAG.test(subject)) break;
    at = TAG.lastIndex;
  }
  BLANKS.lastIndex = at;
  BLANKS.test(subject);
  return BLANKS.lastIndex;
}
