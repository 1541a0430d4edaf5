import type { UnretrievedNoticeTemplate } from '../../core/lifecycle/deps.ts';
import { escapeHtml } from '../../views/escape.ts';

const longDate = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/London',
});

/**
 * English wording of the unretrieved notice. It names who did not open the message and
 * when it was sent, never its subject or content: it travels as ordinary email.
 * (Kept here until `MailTemplates` in core/mail/ports.ts grows an `unretrieved` entry
 * and views/mail/templates.ts takes this wording.)
 */
export const englishUnretrievedNotice: UnretrievedNoticeTemplate = ({
  orgName,
  recipients,
  sentAt,
  days,
  deleted,
  link,
}) => {
  const date = longDate.format(sentAt);
  const who = recipients.join(', ');
  const subject = `Not opened: your secure message of ${date}`;
  const opening = `Your secure message sent on ${date} has not been opened after ${days} days by: ${who}.`;
  const outcome = deleted
    ? `As ${orgName} requires, their copies have now been deleted. If they still need it, send it again, perhaps after checking the address with them.`
    : 'They can still open it until their access ends. You may want to check the address with them, or contact them another way.';
  const text = [opening, '', outcome, '', 'To see who has opened it:', link].join('\n');
  const html = [
    '<!doctype html><html lang="en"><body>',
    `<p>${escapeHtml(opening)}</p>`,
    `<p>${escapeHtml(outcome)}</p>`,
    `<p><a href="${escapeHtml(link)}">See who has opened it</a></p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
};
