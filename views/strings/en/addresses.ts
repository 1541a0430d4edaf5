/**
 * Why typed text is not an email address or a domain (core/accounts/email.ts
 * `EmailProblem`, `DomainProblem`), worded by views/codes.ts. Each is a clause that
 * completes "... is not a valid email address: " or "... is not a domain: ".
 */
export const addresses = {
  emailProblems: {
    'not-one-line': 'it must be on one line.',
    'angle-brackets': 'enter just the address, without < or >.',
    empty: 'it is empty.',
    spaces: 'it cannot contain spaces.',
    'control-character': 'it contains an invisible control character.',
    'too-long': (max: number) => `it is longer than ${max} characters.`,
    'no-at': 'it needs an @, as in name@example.org.',
    'several-at': 'it has more than one @.',
    'local-empty': 'there is nothing before the @.',
    'local-too-long': (max: number) => `the part before the @ is longer than ${max} characters.`,
    'local-dot-at-end': 'the part before the @ cannot start or end with a dot.',
    'local-two-dots': 'the part before the @ has two dots in a row.',
    'local-character': (character: string) => `the part before the @ cannot contain ${character}.`,
  },
  /** A domain problem of the part after the @ of an address. */
  afterAtProblems: {
    empty: 'the part after the @ is empty.',
    'no-dot': 'the part after the @ needs a dot, as in example.org.',
    'too-long': (max: number) => `the part after the @ is longer than ${max} characters.`,
    'numeric-end': 'the part after the @ must end in a name such as .uk, not a number.',
    'label-too-long': (max: number) =>
      `the part after the @ has more than ${max} characters between two dots.`,
    'empty-label': 'the part after the @ has two dots in a row, or starts with a dot.',
    character: (character: string) => `the part after the @ cannot contain ${character}.`,
    hyphen: 'the part after the @ cannot have a hyphen at either end or next to a dot.',
    'not-idn': 'the part after the @ is not a valid international domain name.',
  },
  /** A domain problem of a domain on its own (an allowed-domain entry, say). */
  domainProblems: {
    empty: 'the domain is empty.',
    'no-dot': 'the domain needs a dot, as in example.org.',
    'too-long': (max: number) => `the domain is longer than ${max} characters.`,
    'numeric-end': 'the domain must end in a name such as .uk, not a number.',
    'label-too-long': (max: number) =>
      `the domain has more than ${max} characters between two dots.`,
    'empty-label': 'the domain has two dots in a row, or starts with a dot.',
    character: (character: string) => `the domain cannot contain ${character}.`,
    hyphen: 'the domain cannot have a hyphen at either end or next to a dot.',
    'not-idn': 'the domain is not a valid international domain name.',
  },
  /** How a problem names a character: never echoing an invisible one. */
  characters: {
    space: 'a space',
    invisible: 'an invisible character',
    shown: (char: string) => `"${char}"`,
  },
  /** An admin's list of domains (core/access/allowed-domains.ts `DomainListProblem`). */
  domainList: {
    wildcard: (item: string) =>
      `"${item}": enter the domain without "*." and turn on "allow subdomains" to admit the names under it.`,
    'not-a-domain': (item: string, reason: string) => `"${item}" is not a domain: ${reason}`,
  },
};
