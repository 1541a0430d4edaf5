import type { GatewayRefusal } from '../../core/gateway/accept-mail.ts';
import { sendIssuesText } from '../../views/codes.ts';
import { stringsFor } from '../../views/strings/index.ts';

/**
 * Every sentence the SMTP gateway says, in one place (issue 22). SMTP reply text is
 * protocol, not a page: it stays English and plain ASCII (the reply line is cleaned to
 * ASCII anyway), because the client's mail server, not Sealpost, shows it to the
 * sender, quoting it in its own delivery report (Exchange's NDR) whatever the staff
 * member's language. Core returns codes (`GatewayRefusal`); they are worded here.
 */
export const SMTP_REPLIES = {
  banner: (maxRecipients: number, mb: number) =>
    `Sealpost secure mail gateway: at most ${maxRecipients} recipients and ${mb} MB per message`,
  outsideNetworks: "This gateway takes mail only from the council's own mail servers.",
  loginFailed: 'Login failed: wrong address or password, or too many attempts (try again later).',
  startTlsFirst: 'Must issue a STARTTLS command first.',
  loginUnavailable: 'Login is not possible just now; try again later.',
  logInFirst: "Log in first: this client is not one of the council's mail servers.",
  senderUnchecked: 'The sender cannot be checked just now; try again later.',
  recipientInvalid: (reason: string) =>
    `That recipient is not an address Sealpost can deliver to: ${reason}`,
  incomplete: 'The message was not received completely; please send it again.',
  tooLarge: (mb: number) => `The message is larger than the ${mb} MB this gateway accepts.`,
  unreadable: (reason: string) => `This mail cannot be read: ${reason}`,
  brokenMime: (detail: string) => `its MIME structure is broken (${detail}).`,
  notDealtWith: 'Sealpost could not deal with the mail just now; it will be tried again.',

  /** MAIL FROM refusals (start-gateway.ts `checkSender`). */
  sender: {
    nullFromUser: 'Send from your own address.',
    invalid: (reason: string) => `The sender address is not valid: ${reason}`,
    noDomains:
      "The gateway does not know the council's domains yet (INTERNAL_DOMAINS); try again later.",
    notInternal: "This gateway takes mail only from addresses in the council's domains.",
    someoneElse: 'You are logged in as someone else: send from your own address.',
  },

  /** The relay's answer when it refused every recipient (smtp-relay.ts). */
  everyRecipientRefused: (first: string | null) =>
    first === null ? 'It refused every recipient.' : `It refused every recipient (${first}).`,

  /** The 250 to a mail dealt with (see `acceptedReply` in smtp-gateway.ts). */
  accepted: {
    relayed: 'Accepted: passed on to the council mail server.',
    duplicate: 'Accepted: this mail was already stored as a secure message.',
    stored: 'Accepted: stored as a secure message.',
    recipients: (count: number) => (count === 1 ? '1 recipient' : `${count} recipients`),
    unreachedReported: (done: string, who: string) =>
      `${done} But the council mail server refused ${who}: a delivery report was sent to the sender.`,
    unreachedUnreported: (done: string, who: string) =>
      `${done} But the council mail server refused ${who}, and the mail has no return address for a report.`,
  },
};

/** The words of core's refusals (accept-mail.ts, relay-mail.ts). */
const REFUSALS = {
  'sender-not-internal': "A secure message needs a sender address in the council's domains.",
  'sender-cannot-send':
    'Your Sealpost account cannot send secure messages (it is disabled or not a sender account). Ask your IT team.',
  'not-sendable': 'This mail could not be sent as a secure message:',
  'policy-rejected': 'The council does not allow this mail to be sent.',
  'no-relay':
    'The secure mail gateway is not set up to pass on ordinary mail (no onward mail server). Ask your IT team.',
  'relay-unavailable':
    'The council mail server could not take the mail just now; it will be tried again.',
  'relay-refused': 'The council mail server refused the mail:',
  'relay-refused-after-secure':
    'The secure message to recipients outside the council was sent, but the council mail server refused the copy for recipients inside it:',
} as const;

/**
 * The SMTP reply text of core's refusal: its sentence, then what it carries (the
 * relay's own answer, the policy's sentence, or sendMessage's problems in English).
 */
export function refusalReply(refusal: GatewayRefusal): string {
  switch (refusal.reason) {
    case 'not-sendable': {
      const words = Object.values(sendIssuesText(stringsFor('en'), refusal.issues));
      return [REFUSALS['not-sendable'], ...words].join(' ');
    }
    case 'policy-rejected':
      return refusal.message || REFUSALS['policy-rejected'];
    case 'relay-unavailable':
      return `${REFUSALS['relay-unavailable']} ${refusal.detail}`.trim();
    case 'relay-refused': {
      const prefix = refusal.afterSecure
        ? REFUSALS['relay-refused-after-secure']
        : REFUSALS['relay-refused'];
      return `${prefix} ${refusal.detail}`.trim();
    }
    default:
      return REFUSALS[refusal.reason];
  }
}
