const CR = 0x0d;
const LF = 0x0a;

/** Rewrites a message's line endings while it streams in, chunk by chunk. */
export type LineEndingNormaliser = {
  /** The chunk with every bare CR or bare LF made CRLF (the same Buffer when it had none). */
  push(chunk: Buffer): Buffer;
  /** What is still held back at the end of the message (a final CR), made CRLF. */
  end(): Buffer;
  /** How many bare CRs or LFs were rewritten so far. */
  readonly rewritten: number;
};

/**
 * Makes every line ending CRLF, as RFC 5322 requires of a message: a bare LF or a
 * bare CR becomes CRLF; CRLF is left alone. Mail from Exchange never has bare line
 * endings, so for real mail this changes nothing and copies nothing.
 *
 * Why: SMTP smuggling. smtp-server ends DATA only at CRLF.CRLF, so a payload such as
 * `LF.CRLF MAIL FROM...` stays inside the one message it arrived in. But the relay
 * target may be lenient (some servers also end DATA at `LF.LF`, `LF.CRLF`, `CR.CR`...),
 * and would then read a second, forged message out of the bytes we pass on. After
 * this rewrite every line ending is CRLF, nodemailer dot-stuffs each line starting
 * with a dot, and no variant of the end marker can appear before the real one.
 * See docs/decisions/0011-gateway-durability.md.
 */
export function lineEndingNormaliser(): LineEndingNormaliser {
  // A CR at the end of a chunk may be followed by an LF in the next one.
  let pendingCr = false;
  let rewritten = 0;
  return {
    get rewritten() {
      return rewritten;
    },
    push(input) {
      let chunk = input;
      if (pendingCr) {
        chunk = Buffer.concat([Buffer.from([CR]), chunk]);
        pendingCr = false;
      }
      if (chunk.length > 0 && chunk[chunk.length - 1] === CR) {
        pendingCr = true;
        chunk = chunk.subarray(0, chunk.length - 1);
      }
      if (!hasBareEnding(chunk)) return chunk;
      const out: number[] = [];
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i] as number;
        if (byte === CR) {
          out.push(CR, LF);
          if (chunk[i + 1] === LF) i++;
          else rewritten++;
        } else if (byte === LF) {
          out.push(CR, LF);
          rewritten++;
        } else {
          out.push(byte);
        }
      }
      return Buffer.from(out);
    },
    end() {
      if (!pendingCr) return Buffer.alloc(0);
      pendingCr = false;
      rewritten++;
      return Buffer.from([CR, LF]);
    },
  };
}

/** True when `chunk` (which does not end in CR) has a CR without LF or an LF without CR. */
function hasBareEnding(chunk: Buffer): boolean {
  let at = chunk.indexOf(LF);
  while (at !== -1) {
    if (at === 0 || chunk[at - 1] !== CR) return true;
    at = chunk.indexOf(LF, at + 1);
  }
  at = chunk.indexOf(CR);
  while (at !== -1) {
    if (chunk[at + 1] !== LF) return true;
    at = chunk.indexOf(CR, at + 1);
  }
  return false;
}
