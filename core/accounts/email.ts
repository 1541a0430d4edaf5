import { domainNames } from '../shared/domain-names.ts';

/**
 * How a problem names a character without echoing an invisible one: a space, an
 * invisible character, or the character itself.
 */
export type CharacterName =
  | { kind: 'space' }
  | { kind: 'invisible' }
  | { kind: 'shown'; char: string };

/**
 * Why a domain is not one, as a code; views word it (views/codes.ts `domainProblemText`)
 * for "the domain" on its own or "the part after the @" of an address.
 */
export type DomainProblem =
  | { code: 'empty' }
  | { code: 'no-dot' }
  | { code: 'too-long'; max: number }
  | { code: 'numeric-end' }
  | { code: 'label-too-long'; max: number }
  | { code: 'empty-label' }
  | { code: 'character'; character: CharacterName }
  | { code: 'hyphen' }
  | { code: 'not-idn' };

/** Every domain problem code, for tests that check each has words. */
export const DOMAIN_PROBLEM_CODES = [
  'empty',
  'no-dot',
  'too-long',
  'numeric-end',
  'label-too-long',
  'empty-label',
  'character',
  'hyphen',
  'not-idn',
] as const satisfies ReadonlyArray<DomainProblem['code']>;

/**
 * Why typed text is not an email address, as a code; views word it
 * (views/codes.ts `emailProblemText`) as a clause that completes
 * "... is not a valid email address: ". `domain` wraps a problem of the part after the @.
 */
export type EmailProblem =
  | { code: 'not-one-line' }
  | { code: 'angle-brackets' }
  | { code: 'empty' }
  | { code: 'spaces' }
  | { code: 'control-character' }
  | { code: 'too-long'; max: number }
  | { code: 'no-at' }
  | { code: 'several-at' }
  | { code: 'local-empty' }
  | { code: 'local-too-long'; max: number }
  | { code: 'local-dot-at-end' }
  | { code: 'local-two-dots' }
  | { code: 'local-character'; character: CharacterName }
  | { code: 'domain'; problem: DomainProblem };

/** Every email problem code, for tests that check each has words. */
export const EMAIL_PROBLEM_CODES = [
  'not-one-line',
  'angle-brackets',
  'empty',
  'spaces',
  'control-character',
  'too-long',
  'no-at',
  'several-at',
  'local-empty',
  'local-too-long',
  'local-dot-at-end',
  'local-two-dots',
  'local-character',
  'domain',
] as const satisfies ReadonlyArray<EmailProblem['code']>;

/** The outcome of normalising an address: the address, or why it cannot be one. */
export type NormalisedEmail = { ok: true; email: string } | { ok: false; problem: EmailProblem };

/** The outcome of normalising a domain on its own (an allowed-domain entry, say). */
export type NormalisedDomain = { ok: true; domain: string } | { ok: false; problem: DomainProblem };

// RFC 5321 limits: 64 octets of local part, 255 of domain, and a path of 256 octets
// including the angle brackets, which leaves 254 for the address itself (RFC 3696 errata).
const MAX_LOCAL = 64;
const MAX_ADDRESS = 254;
const MAX_DOMAIN = 253;
const MAX_LABEL = 63;

// RFC 5322 "atext": what an unquoted (dot-atom) local part may hold. Quoted local
// parts ("a b"@x) are refused on purpose: nobody gives one out, and every quote or
// space is one more way to confuse a mail header or a log line.
const ATEXT = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]$/;
// A domain label may hold ASCII letters, digits and hyphens, and (before Punycode)
// letters, marks and digits of any other script. Everything else (symbols,
// punctuation, control and format characters such as zero-width spaces) is refused.
const ASCII_LABEL_CHAR = /^[a-z0-9-]$/;
const LETTER_MARK_DIGIT = /^[\p{L}\p{M}\p{N}]$/u;
// UTS #46 maps these full stops to '.', so `例え。テスト` means `例え.テスト`.
const IDEOGRAPHIC_DOTS = /[\u3002\uff0e\uff61]/g;

/** How a problem names a character, without echoing invisible ones. */
function nameOf(c: string): CharacterName {
  if (/^\p{Zs}$/u.test(c)) return { kind: 'space' };
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(c)
    ? { kind: 'shown', char: c }
    : { kind: 'invisible' };
}

/**
 * Normalises a domain to the form Sealpost stores and compares: Unicode NFKC (so
 * full-width letters become ASCII, as UTS #46 maps them), lower case, one trailing
 * dot removed, then the whole name through the `DomainNames` port (UTS #46: mapping,
 * validity, each non-ASCII label as a Punycode A-label, `Bücher.Example` ->
 * `xn--bcher-kva.example`). Refuses anything that is not a host name with at least
 * two labels, saying why as a `DomainProblem` code.
 */
export function normaliseDomain(raw: string): NormalisedDomain {
  const refuse = (problem: DomainProblem) => ({ ok: false, problem }) as const;
  let domain = raw.normalize('NFKC').toLowerCase().replace(IDEOGRAPHIC_DOTS, '.');
  if (domain.endsWith('.')) domain = domain.slice(0, -1);
  if (domain === '') return refuse({ code: 'empty' });
  if (!domain.includes('.')) return refuse({ code: 'no-dot' });
  const tooLong = refuse({ code: 'too-long', max: MAX_DOMAIN });
  if (domain.length > MAX_DOMAIN) return tooLong;
  const numericEnd = refuse({ code: 'numeric-end' });
  const labelTooLong = refuse({ code: 'label-too-long', max: MAX_LABEL });
  for (const label of domain.split('.')) {
    if (label === '') return refuse({ code: 'empty-label' });
    for (const c of label) {
      const allowed =
        ASCII_LABEL_CHAR.test(c) || ((c.codePointAt(0) ?? 0) >= 0x80 && LETTER_MARK_DIGIT.test(c));
      if (!allowed) return refuse({ code: 'character', character: nameOf(c) });
    }
    if (label.startsWith('-') || label.endsWith('-')) return refuse({ code: 'hyphen' });
    // Checked before encoding too, so the mapping never sees an absurdly long label.
    if (Array.from(label).length > MAX_LABEL) return labelTooLong;
  }
  // An all-digit last label means an IP address or a typo; no top-level domain is
  // numeric. Said before the mapping, which would read such a name as an IPv4 address.
  if (/^[0-9]+$/.test(domain.slice(domain.lastIndexOf('.') + 1))) return numericEnd;
  const mapped = domainNames().toAscii(domain);
  if (mapped === null) return refuse({ code: 'not-idn' });
  const ascii = mapped.split('.');
  if (ascii.some((label) => label.length > MAX_LABEL)) return labelTooLong;
  const result = ascii.join('.');
  if (result.length > MAX_DOMAIN) return tooLong;
  if (/^[0-9]+$/.test(ascii[ascii.length - 1] ?? '')) return numericEnd;
  return { ok: true, domain: result };
}

/**
 * Checks and normalises an email address as typed: surrounding spaces trimmed, the
 * domain as `normaliseDomain` gives it, the local part exactly as typed (its case
 * too, since a mail server may in theory treat it as significant).
 *
 * The result is safe to put in a mail header: CR, LF, angle brackets, quotes, spaces
 * and control characters are refused anywhere in the input, even at the ends where
 * trimming would have removed them, so header injection cannot start here.
 * `problem` says why not as an `EmailProblem` code.
 */
export function normaliseEmail(raw: string): NormalisedEmail {
  const refuse = (problem: EmailProblem) => ({ ok: false, problem }) as const;
  if (/[\r\n]/.test(raw)) return refuse({ code: 'not-one-line' });
  if (/[<>]/.test(raw)) return refuse({ code: 'angle-brackets' });
  const trimmed = raw.trim();
  if (trimmed === '') return refuse({ code: 'empty' });
  if (/\s/u.test(trimmed)) return refuse({ code: 'spaces' });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point.
  if (/[\x00-\x1f\x7f]/.test(trimmed)) return refuse({ code: 'control-character' });
  // Measured on the input first so nothing below works on megabytes of text.
  if (trimmed.length > MAX_ADDRESS * 4) return refuse({ code: 'too-long', max: MAX_ADDRESS });
  const at = trimmed.indexOf('@');
  if (at < 0) return refuse({ code: 'no-at' });
  if (trimmed.indexOf('@', at + 1) >= 0) return refuse({ code: 'several-at' });

  const local = trimmed.slice(0, at);
  if (local === '') return refuse({ code: 'local-empty' });
  if (local.length > MAX_LOCAL) return refuse({ code: 'local-too-long', max: MAX_LOCAL });
  if (local.startsWith('.') || local.endsWith('.')) return refuse({ code: 'local-dot-at-end' });
  if (local.includes('..')) return refuse({ code: 'local-two-dots' });
  for (const c of local) {
    if (c !== '.' && !ATEXT.test(c)) {
      return refuse({ code: 'local-character', character: nameOf(c) });
    }
  }

  const domain = normaliseDomain(trimmed.slice(at + 1));
  if (!domain.ok) return refuse({ code: 'domain', problem: domain.problem });
  const email = `${local}@${domain.domain}`;
  if (email.length > MAX_ADDRESS) return refuse({ code: 'too-long', max: MAX_ADDRESS });
  return { ok: true, email };
}

/**
 * The unique lookup key for an address: the normalised address in lower case, so
 * `Jo.Bloggs@Barnet.gov.uk` and `jo.bloggs@barnet.gov.uk` are one account. Callers
 * pass a normalised address; anything else is trimmed and lower-cased as it is.
 */
export function emailKey(email: string): string {
  const normalised = normaliseEmail(email);
  return (normalised.ok ? normalised.email : email.trim()).toLowerCase();
}

/** The domain of a normalised address: everything after its `@`. */
export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}

/** The local part of an address: everything before its last `@`. */
export function emailLocalPart(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0 ? email : email.slice(0, at);
}
