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
