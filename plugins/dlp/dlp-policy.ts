import type { InboundMail, Policy } from '../../core/gateway/ports.ts';
import type { Detector, WhenUnsure } from './detector.ts';

/**
 * Every text of a mail a detector reads: each Subject header, the body (every text
 * part) and the text of each attachment, in Unicode compatibility form (NFKC), so
 * full-width digits and letters read as the ASCII ones they look like.
 */
export function textsOf(mail: InboundMail): string[] {
  const subjects = new Set([mail.subject, ...(mail.headers.subject ?? [])]);
  const texts = [...subjects, mail.text];
  for (const attachment of mail.attachments) {
    if (attachment.text !== null) texts.push(attachment.text);
  }
  return texts.map((text) => text.normalize('NFKC'));
}

/** The number of a mail's files that should hold text but could not be read. */
export function countUnreadable(mail: InboundMail): number {
  return mail.attachments.filter((attachment) => attachment.unreadable).length;
}

function describeUnreadable(count: number): string {
  return `${count} ${count === 1 ? 'file' : 'files'} could not be read`;
}

/**
 * The DLP policy: runs each detector over the mail and asks for encryption when
 * any reaches its threshold. Reasons carry counts and kinds only (`2 NHS numbers`),
 * never the values found, since they are written to the audit log. A detector
 * below its threshold is still named when it abstains, so an admin tuning
 * thresholds can see what nearly triggered.
 *
 * A file that could not be read (damaged, password-protected, a scan without a
 * text layer, too large or too slow to read) might hold anything: with `whenUnsure`
 * `encrypt` (the default) such a mail is encrypted, since sending it in the clear
 * would be a guess; with `ignore` it is judged on what could be read.
 */
export function dlpPolicy(args: { detectors: Detector[]; whenUnsure?: WhenUnsure }): Policy {
  const { detectors } = args;
  const whenUnsure = args.whenUnsure ?? 'encrypt';
  return {
    name: 'dlp',
    async evaluate({ mail }) {
      const texts = textsOf(mail);
      const triggered: string[] = [];
      const below: string[] = [];
      for (const detector of detectors) {
        const count = await detector.count({ texts });
        if (count === 0) continue;
        if (count >= detector.threshold) triggered.push(detector.describe(count));
        else
          below.push(`${detector.describe(count)}, below the threshold of ${detector.threshold}`);
      }
      const unreadable = countUnreadable(mail);
      if (unreadable > 0 && whenUnsure === 'encrypt') {
        triggered.push(describeUnreadable(unreadable));
      } else if (unreadable > 0) {
        below.push(`${describeUnreadable(unreadable)}, ignored (when unsure: ignore)`);
      }
      if (triggered.length > 0) return { action: 'encrypt', reasons: triggered };
      return { action: 'abstain', reasons: below };
    },
  };
}
