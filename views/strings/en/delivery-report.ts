/**
 * The readable part of the delivery report the SMTP gateway sends when the council's
 * mail server refused some recipients of a mail it passed on. Read by staff, often in
 * Outlook next to the mail they sent: say what happened, to whom, and what to do.
 */
export const deliveryReport = {
  subject: (subject: string) => `Not delivered to everyone: ${subject}`,
  /** The subject when the mail had none. */
  subjectNone: 'Not delivered to everyone',
  /** `arrived` is a date and time ("3 March 2025, 14:30"), written for the language. */
  intro: (arrived: string) =>
    `Your email sent on ${arrived} was delivered to its other recipients, but not to the people below. The council's mail server refused them.`,
  permanent: 'Not delivered. Check the address, or contact the person another way.',
  temporary:
    'Not delivered: the mail server could not take it just then. Send the email to this person again later.',
  reply: (reply: string) => `The mail server said: ${reply}`,
  footer:
    'This is an automatic report from the secure mail gateway. Everyone not listed here was sent your email as normal.',
};
