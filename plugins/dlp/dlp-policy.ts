import type { InboundMail, Policy } from '../../core/gateway/ports.ts';
import type { Detector } from './detector.ts';

/** Every text of a mail a detector reads: subject, body and the text of each attachment. */
export function textsOf(mail: InboundMail): string[] {
  const texts = [mail.subject, mail.text];
  for (const attachment of mail.attachments) {
    if (attachment.text !== null) texts.push(attachment.text);
  }
  return texts;
}

/**
 * The DLP policy: runs each detector over the mail and asks for encryption when
 * any reaches its threshold. Reasons carry counts and kinds only (`2 NHS numbers`),
 * never the values found, since they are written to the audit log. A detector
 * below its threshold is still named when it abstains, so an admin tuning
 * thresholds can see what nearly triggered.
 */
export function dlpPolicy(args: { detectors: Detector[] }): Policy {
  const { detectors } = args;
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
      if (triggered.length > 0) return { action: 'encrypt', reasons: triggered };
      return { action: 'abstain', reasons: below };
    },
  };
}
