import type { MailTemplates } from '../../core/mail/ports.ts';
import { escapeHtml } from '../escape.ts';
import { englishDeliveryReport } from './delivery-report.ts';

/**
 * English wording of Sealpost's emails. The notification never carries content: a
 * generic subject, who sent it, the link, and how to check the email is genuine.
 */
export const englishMailTemplates: MailTemplates = {
  notification({ orgName, senderName, link, publicUrl }) {
    const subject = `Secure message from ${orgName}`;
    const text = [
      `${senderName} at ${orgName} has sent you a secure message.`,
      '',
      'To read it, open this link:',
      link,
      '',
      `The first time, you will be asked to choose a password. After that, sign in at ${publicUrl}.`,
      '',
      `Is this email genuine? The link must start with ${publicUrl}/ . If it does not, or you were not expecting a message, do not open it: contact ${orgName} using the details on its website.`,
    ].join('\n');
    const html = [
      '<!doctype html><html lang="en"><body>',
      `<p>${escapeHtml(senderName)} at ${escapeHtml(orgName)} has sent you a secure message.</p>`,
      `<p><a href="${escapeHtml(link)}">Read the secure message</a></p>`,
      `<p>The first time, you will be asked to choose a password. After that, sign in at ${escapeHtml(publicUrl)}.</p>`,
      `<p>Is this email genuine? The link must start with ${escapeHtml(publicUrl)}/ . If it does not, or you were not expecting a message, do not open it: contact ${escapeHtml(orgName)} using the details on its website.</p>`,
      '</body></html>',
    ].join('\n');
    return { subject, text, html };
  },

  accessRequested({ orgName, requesterEmail, kind, link }) {
    const what =
      kind === 'extension'
        ? 'more time to read a secure message'
        : kind === 'forward'
          ? 'to forward a secure message'
          : 'access to a secure message, using a link that was passed on to them,';
    const subject = `Request for access to a secure message (${orgName})`;
    const text = [
      `${requesterEmail} has asked for ${what} you sent.`,
      '',
      `Decide here: ${link}`,
    ].join('\n');
    const html = `<p>${escapeHtml(requesterEmail)} has asked for ${escapeHtml(what)} you sent.</p><p><a href="${escapeHtml(link)}">Decide on the request</a></p>`;
    return { subject, text, html };
  },

  mailboxInvitation({ orgName, mailboxEmail, link, registered, publicUrl }) {
    const subject = `You are invited to read ${mailboxEmail}'s secure messages (${orgName})`;
    const lines = [
      `The holder of ${mailboxEmail} has invited you to read and answer the secure messages ${orgName} sends to that address, as yourself, with your own password.`,
      registered
        ? `Sign in at ${publicUrl} with your own account and accept the invitation under "Shared mailboxes".`
        : 'To accept, create your own password with this link. We will email you a code to check that this is your address. The link works for 14 days.',
      'If you were not expecting this, ignore this email: nothing happens unless you accept.',
      `Is this email genuine? The link must start with ${publicUrl}/ .`,
    ];
    const text = [lines[0], '', lines[1], '', link, '', lines[2], '', lines[3]].join('\n');
    const html = page([
      `<p>${escapeHtml(lines[0] ?? '')}</p>`,
      `<p>${escapeHtml(lines[1] ?? '')}</p>`,
      `<p><a href="${escapeHtml(link)}">${registered ? 'Sign in and accept' : 'Accept the invitation'}</a></p>`,
      `<p>${escapeHtml(lines[2] ?? '')}</p>`,
      `<p>${escapeHtml(lines[3] ?? '')}</p>`,
    ]);
    return { subject, text, html };
  },

  accessDecision({ orgName, granted, accessEndsAt, link }) {
    const subject = `Your request to ${orgName}: ${granted ? 'granted' : 'not granted'}`;
    const until = accessEndsAt
      ? ` You can read the message until ${accessEndsAt.toUTCString()}.`
      : '';
    const sentence = granted
      ? `Your request for access to a secure message from ${orgName} was granted.${until}`
      : `Your request for access to a secure message from ${orgName} was not granted. Contact the sender if you need it.`;
    const text = [sentence, '', granted ? `Open it here: ${link}` : ''].join('\n').trim();
    const html = `<p>${escapeHtml(sentence)}</p>${granted ? `<p><a href="${escapeHtml(link)}">Open the message</a></p>` : ''}`;
    return { subject, text, html };
  },

  emailCode({ orgName, code, purpose, minutes, publicUrl }) {
    const subject = `Your ${orgName} secure messages code: ${code}`;
    const why =
      purpose === 'register'
        ? 'Someone, perhaps you, is choosing a password to read secure messages sent to this email address.'
        : 'Someone, perhaps you, is asking for access to a secure message and gave this email address as theirs.';
    const lines = [
      why,
      `Your code is ${code}. It works once, for ${minutes} minutes.`,
      'Nobody from the council will ever ask you for this code. If it was not you, ignore this email: nothing happens without the code.',
    ];
    const text = [...lines.flatMap((line) => [line, '']), genuineCodeText(orgName, publicUrl)].join(
      '\n',
    );
    const html = page([
      ...lines.map((line) => `<p>${escapeHtml(line)}</p>`),
      `<p>${escapeHtml(genuineCodeText(orgName, publicUrl))}</p>`,
    ]);
    return { subject, text, html };
  },

  lockout({ orgName, link, publicUrl, lockedMinutes, linkMinutes }) {
    const subject = `Your ${orgName} secure messages account is locked`;
    const text = [
      `Someone, perhaps you, entered the wrong password for your ${orgName} secure messages account too many times, so we have locked it for ${lockedMinutes} minutes.`,
      '',
      `If it was you, you can wait, or choose a new password now. This link works once, for ${linkMinutes} minutes, and also unlocks your account:`,
      link,
      '',
      'If it was not you, your messages are safe: nobody can sign in while the account is locked. You can still choose a new password to be sure.',
      '',
      genuineText(orgName, publicUrl),
    ].join('\n');
    const html = page([
      `<p>Someone, perhaps you, entered the wrong password for your ${escapeHtml(orgName)} secure messages account too many times, so we have locked it for ${lockedMinutes} minutes.</p>`,
      `<p>If it was you, you can wait, or choose a new password now. This link works once, for ${linkMinutes} minutes, and also unlocks your account:</p>`,
      `<p><a href="${escapeHtml(link)}">Choose a new password</a></p>`,
      '<p>If it was not you, your messages are safe: nobody can sign in while the account is locked. You can still choose a new password to be sure.</p>',
      `<p>${escapeHtml(genuineText(orgName, publicUrl))}</p>`,
    ]);
    return { subject, text, html };
  },

  reset({ orgName, link, publicUrl, linkMinutes }) {
    const subject = `Choose a new password (${orgName} secure messages)`;
    const text = [
      `Someone asked to reset the password of your ${orgName} secure messages account.`,
      '',
      `To choose a new password, open this link. It works once, for ${linkMinutes} minutes:`,
      link,
      '',
      'If you did not ask, you can ignore this email: your password has not changed.',
      '',
      genuineText(orgName, publicUrl),
    ].join('\n');
    const html = page([
      `<p>Someone asked to reset the password of your ${escapeHtml(orgName)} secure messages account.</p>`,
      `<p>To choose a new password, open this link. It works once, for ${linkMinutes} minutes:</p>`,
      `<p><a href="${escapeHtml(link)}">Choose a new password</a></p>`,
      '<p>If you did not ask, you can ignore this email: your password has not changed.</p>',
      `<p>${escapeHtml(genuineText(orgName, publicUrl))}</p>`,
    ]);
    return { subject, text, html };
  },

  secondFactorChanged({ orgName, change, publicUrl }) {
    const what = {
      removed: 'Two-step verification has been turned off',
      replaced: 'Two-step verification has been moved to a new authenticator app',
      enrolled: 'Two-step verification has been turned on',
      'passkey-added': 'A passkey has been added',
      'passkey-removed': 'A passkey has been removed',
      'passkey-renamed': 'A passkey has been renamed',
      reset: 'Your second factor has been reset by an administrator',
    }[change];
    const subject = `${what} (${orgName} secure messages)`;
    const lines = [
      `${what} for your ${orgName} secure messages account.`,
      {
        removed: 'From now on you sign in with your password only.',
        replaced:
          'From now on you sign in with your password and a code from your authenticator app.',
        enrolled:
          'From now on you sign in with your password and a code from your authenticator app.',
        'passkey-added': 'From now on that passkey can be used to sign in to your account.',
        'passkey-removed': 'That passkey can no longer be used to sign in to your account.',
        'passkey-renamed': 'It can still be used to sign in to your account, under its new name.',
        reset:
          'Your authenticator app, recovery codes and passkeys no longer work for your account, and you have been signed out everywhere. Sign in with your password to set up a new one.',
      }[change],
      change === 'reset'
        ? `If you did not ask for this, tell ${orgName} using the details on its website.`
        : `If this was not you, someone may know your password. Go to ${publicUrl}/sign-in now, choose "Forgotten your password?" to set a new one, and tell ${orgName} using the details on its website.`,
      'This email has no link on purpose. If you did not expect it, do not reply to it.',
    ];
    const text = lines.join('\n\n');
    const html = page(lines.map((line) => `<p>${escapeHtml(line)}</p>`));
    return { subject, text, html };
  },

  setPassword({ orgName, name, link, publicUrl, linkDays }) {
    const subject = `Set your password for ${orgName} secure messages`;
    const text = [
      `Hello ${name},`,
      '',
      `An administrator has made you an account on ${orgName} secure messages.`,
      '',
      `To set your password, open this link. It works once, for ${linkDays} days:`,
      link,
      '',
      genuineText(orgName, publicUrl),
    ].join('\n');
    const html = page([
      `<p>Hello ${escapeHtml(name)},</p>`,
      `<p>An administrator has made you an account on ${escapeHtml(orgName)} secure messages.</p>`,
      `<p>To set your password, open this link. It works once, for ${linkDays} days:</p>`,
      `<p><a href="${escapeHtml(link)}">Set your password</a></p>`,
      `<p>${escapeHtml(genuineText(orgName, publicUrl))}</p>`,
    ]);
    return { subject, text, html };
  },

  internalDelivery({ orgName, senderName, senderEmail, subject, body, attachmentNames, link }) {
    const from = `${senderName} <${senderEmail}>`;
    const files =
      attachmentNames.length === 0
        ? []
        : ['', `Attachments, in the portal only: ${attachmentNames.join(', ')}`];
    const text = [
      `Secure reply from ${from}, delivered by ${orgName} secure messages.`,
      '',
      body,
      ...files,
      '',
      `The message in the portal: ${link}`,
    ].join('\n');
    const html = page([
      `<p>Secure reply from ${escapeHtml(from)}, delivered by ${escapeHtml(orgName)} secure messages.</p>`,
      // The reply is shown as text whatever its format: nothing in it runs or loads.
      `<pre>${escapeHtml(body)}</pre>`,
      ...(attachmentNames.length === 0
        ? []
        : [`<p>Attachments, in the portal only: ${escapeHtml(attachmentNames.join(', '))}</p>`]),
      `<p><a href="${escapeHtml(link)}">Open the message in the portal</a></p>`,
    ]);
    return { subject: `Secure reply: ${subject}`, text, html };
  },

  deliveryReport: englishDeliveryReport,
};

/** The line every account email ends with: how to tell it from a phishing copy. */
function genuineText(orgName: string, publicUrl: string): string {
  return `Is this email genuine? The link must start with ${publicUrl}/ . If it does not, or you did not expect this email, do not open it: contact ${orgName} using the details on its website.`;
}

/** How to tell a code email from a phishing copy: it carries no link at all. */
function genuineCodeText(orgName: string, publicUrl: string): string {
  return `Type the code only on ${publicUrl} . This email has no link on purpose; if you did not expect it, contact ${orgName} using the details on its website.`;
}

/** A minimal HTML email body around `paragraphs` (already escaped). */
function page(paragraphs: string[]): string {
  return ['<!doctype html><html lang="en"><body>', ...paragraphs, '</body></html>'].join('\n');
}
