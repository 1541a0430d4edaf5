import {
  type DomainProblem,
  emailDomain,
  normaliseDomain,
  normaliseEmail,
} from '../accounts/email.ts';

/**
 * One entry of a typed domain list that is not a domain, as a code (worded by
 * views/codes.ts `domainListProblemText`): a `*.` wildcard, or not a domain at all.
 */
export type DomainListProblem =
  | { code: 'wildcard'; item: string }
  | { code: 'not-a-domain'; item: string; problem: DomainProblem };

/** The outcome of reading a list of domains an admin typed. */
export type DomainListResult =
  | { ok: true; domains: string[] }
  | { ok: false; problems: DomainListProblem[]; domains: string[] };

/**
 * True when `email` is at one of `allowedDomains`: the council's own domains, the
 * only ones a recipient may forward or reply to freely.
 *
 * The comparison is on whole labels, never on string suffixes: `barnet.gov.uk`
 * admits `a@barnet.gov.uk` but not `a@evilbarnet.gov.uk` (a different registrable
 * domain anyone could buy) nor `a@barnet.gov.uk.evil.example`. With `allowSubdomains`,
 * `a@hr.barnet.gov.uk` is admitted too, because only the owner of `barnet.gov.uk` can
 * create names under it. Both sides are normalised first (case, trailing dot,
 * Unicode to Punycode), so `Bücher.example` and `xn--bcher-kva.example` are one
 * domain. An address that is not valid is never allowed: an allow-list must fail
 * closed. An allowed-domain entry that is not a valid domain matches nothing.
 */
export function isAllowedAddress(args: {
  email: string;
  allowedDomains: readonly string[];
  allowSubdomains: boolean;
}): boolean {
  const address = normaliseEmail(args.email);
  if (!address.ok) return false;
  const domain = emailDomain(address.email);
  for (const entry of args.allowedDomains) {
    const allowed = normaliseDomain(entry.trim());
    if (!allowed.ok) continue;
    if (domain === allowed.domain) return true;
    // The leading dot makes this a whole-label match: `hr.barnet.gov.uk` ends with
    // `.barnet.gov.uk`; `evilbarnet.gov.uk` does not.
    if (args.allowSubdomains && domain.endsWith(`.${allowed.domain}`)) return true;
  }
  return false;
}

/**
 * Reads a list of domains as an admin types it (separated by commas, spaces or new
 * lines; a leading `@` forgiven) into normalised, de-duplicated domains. Every entry
 * that is not a domain is reported in `problems`, as codes, so the admin
 * can fix them all at once; `domains` holds the valid ones either way.
 */
export function parseDomainList(raw: string): DomainListResult {
  const problems: DomainListProblem[] = [];
  const domains: string[] = [];
  for (const item of raw.split(/[\s,;]+/u)) {
    if (item === '') continue;
    if (item.startsWith('*.')) {
      problems.push({ code: 'wildcard', item });
      continue;
    }
    const entry = item.startsWith('@') ? item.slice(1) : item;
    const result = normaliseDomain(entry);
    if (!result.ok) {
      problems.push({ code: 'not-a-domain', item, problem: result.problem });
      continue;
    }
    if (!domains.includes(result.domain)) domains.push(result.domain);
  }
  return problems.length === 0 ? { ok: true, domains } : { ok: false, problems, domains };
}
