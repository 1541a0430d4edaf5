import { domainNames } from '../shared/domain-names.ts';

/** The outcome of normalising an address: the address, or why it cannot be one. */
export type NormalisedEmail = { ok: true; email: string } | { ok: false; reason: string };

/** The outcome of normalising a domain on its own (an allowed-domain entry, say). */
export type NormalisedDomain = { ok: true; domain: string } | { ok: false; reason: string };

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

/** A short way to name a character in a message, without echoing invisible ones. */
function describeChar(c: string): string {
  if (/^\p{Zs}$/u.test(c)) return 'a space';
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(c) ? `"${c}"` : 'an invisible character';
}

/**
 * Normalises a domain to the form Sealpost stores and compares: Unicode NFKC (so
 * full-width letters become ASCII, as UTS #46 maps them), lower case, one trailing
 * dot removed, then the whole name through the `DomainNames` port (UTS #46: mapping,
 * validity, each non-ASCII label as a Punycode A-label, `Bücher.Example` ->
 * `xn--bcher-kva.example`). Refuses anything that is not a host name with at least
 * two labels. `reason` is a plain clause about `name` ("the domain" unless given).
 */
export function normaliseDomain(raw: string, options: { name?: string } = {}): NormalisedDomain {
  const name = options.name ?? 'the domain';
  let domain = raw.normalize('NFKC').toLowerCase().replace(IDEOGRAPHIC_DOTS, '.');
  if (domain.endsWith('.')) domain = domain.slice(0, -1);
  if (domain === '') return { ok: false, reason: `${name} is empty.` };
  if (!domain.includes('.')) {
    return { ok: false, reason: `${name} needs a dot, as in example.org.` };
  }
  const tooLong = {
    ok: false,
    reason: `${name} is longer than ${MAX_DOMAIN} characters.`,
  } as const;
  if (domain.length > MAX_DOMAIN) return tooLong;
  const numericEnd = {
    ok: false,
    reason: `${name} must end in a name such as .uk, not a number.`,
  } as const;
  const labelTooLong = {
    ok: false,
    reason: `${name} has more than ${MAX_LABEL} characters between two dots.`,
  } as const;
  for (const label of domain.split('.')) {
    if (label === '') {
      return { ok: false, reason: `${name} has two dots in a row, or starts with a dot.` };
    }
    for (const c of label) {
      const allowed =
        ASCII_LABEL_CHAR.test(c) || ((c.codePointAt(0) ?? 0) >= 0x80 && LETTER_MARK_DIGIT.test(c));
      if (!allowed) return { ok: false, reason: `${name} cannot contain ${describeChar(c)}.` };
    }
    if (label.startsWith('-') || label.endsWith('-')) {
      return { ok: false, reason: `${name} cannot have a hyphen at either end or next to a dot.` };
    }
    // Checked before encoding too, so the mapping never sees an absurdly long label.
    if (Array.from(label).length > MAX_LABEL) return labelTooLong;
  }
  // An all-digit last label means an IP address or a typo; no top-level domain is
  // numeric. Said before the mapping, which would read such a name as an IPv4 address.
  if (/^[0-9]+$/.test(domain.slice(domain.lastIndexOf('.') + 1))) return numericEnd;
  const mapped = domainNames().toAscii(domain);
  if (mapped === null) {
    return { ok: false, reason: `${name} is not a valid international domain name.` };
  }
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
 * `reason` is a plain clause that completes "... is not a valid email address: ".
 */
export function normaliseEmail(raw: string): NormalisedEmail {
  if (/[\r\n]/.test(raw)) return { ok: false, reason: 'it must be on one line.' };
  if (/[<>]/.test(raw)) {
    return { ok: false, reason: 'enter just the address, without < or >.' };
  }
  const trimmed = raw.trim();
  if (trimmed === '') return { ok: false, reason: 'it is empty.' };
  if (/\s/u.test(trimmed)) return { ok: false, reason: 'it cannot contain spaces.' };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point.
  if (/[\x00-\x1f\x7f]/.test(trimmed)) {
    return { ok: false, reason: 'it contains an invisible control character.' };
  }
  // Measured on the input first so nothing below works on megabytes of text.
  if (trimmed.length > MAX_ADDRESS * 4) {
    return { ok: false, reason: `it is longer than ${MAX_ADDRESS} characters.` };
  }
  const at = trimmed.indexOf('@');
  if (at < 0) return { ok: false, reason: 'it needs an @, as in name@example.org.' };
  if (trimmed.indexOf('@', at + 1) >= 0) return { ok: false, reason: 'it has more than one @.' };

  const local = trimmed.slice(0, at);
  if (local === '') return { ok: false, reason: 'there is nothing before the @.' };
  if (local.length > MAX_LOCAL) {
    return { ok: false, reason: `the part before the @ is longer than ${MAX_LOCAL} characters.` };
  }
  if (local.startsWith('.') || local.endsWith('.')) {
    return { ok: false, reason: 'the part before the @ cannot start or end with a dot.' };
  }
  if (local.includes('..')) {
    return { ok: false, reason: 'the part before the @ has two dots in a row.' };
  }
  for (const c of local) {
    if (c !== '.' && !ATEXT.test(c)) {
      return { ok: false, reason: `the part before the @ cannot contain ${describeChar(c)}.` };
    }
  }

  const domain = normaliseDomain(trimmed.slice(at + 1), { name: 'the part after the @' });
  if (!domain.ok) return domain;
  const email = `${local}@${domain.domain}`;
  if (email.length > MAX_ADDRESS) {
    return { ok: false, reason: `it is longer than ${MAX_ADDRESS} characters.` };
  }
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
