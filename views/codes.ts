import type { DomainListProblem } from '../core/access/allowed-domains.ts';
import type { CreateStaffIssue } from '../core/accounts/create-staff.ts';
import type { CharacterName, DomainProblem, EmailProblem } from '../core/accounts/email.ts';
import type { SendIssue, SendIssues } from '../core/messages/send-message.ts';
import { megabytes } from './pages/compose/shared.tsx';
import type { Strings } from './strings/index.ts';

/**
 * Core's codes in words: every interface (the portal, `sealpost send`, the SMTP
 * gateway) words a code here, from the string tables, so a sentence is written once.
 */

/** One of core's problems with a message to send, in the strings' language. */
export function sendIssueText(strings: Strings, issue: SendIssue): string {
  const s = strings.compose.sendIssues;
  switch (issue.code) {
    case 'recipient-invalid':
      return s['recipient-invalid'](issue.address, emailProblemText(strings, issue.problem));
    case 'too-many-recipients':
    case 'subject-too-long':
    case 'too-many-files':
      return s[issue.code](issue.max);
    case 'access-end-too-late':
      return s['access-end-too-late'](issue.latest);
    case 'too-large':
      return s['too-large'](megabytes(issue.maxBytes));
    case 'infected':
      return s.infected(issue.fileName);
    default:
      return s[issue.code];
  }
}

/** Every problem of a refused message, by field, in the strings' language. */
export function sendIssuesText(strings: Strings, issues: SendIssues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, issue] of Object.entries(issues)) out[field] = sendIssueText(strings, issue);
  return out;
}

/** A character named in a problem, never echoing an invisible one. */
function characterText(strings: Strings, character: CharacterName): string {
  const c = strings.addresses.characters;
  return character.kind === 'shown' ? c.shown(character.char) : c[character.kind];
}

/**
 * Why a domain is not one, in the strings' language: of a domain on its own
 * (`whole`: "the domain ...") or of the part after the @ of an address (`after-at`).
 */
export function domainProblemText(
  strings: Strings,
  problem: DomainProblem,
  of: 'whole' | 'after-at' = 'whole',
): string {
  const s = of === 'whole' ? strings.addresses.domainProblems : strings.addresses.afterAtProblems;
  switch (problem.code) {
    case 'too-long':
    case 'label-too-long':
      return s[problem.code](problem.max);
    case 'character':
      return s.character(characterText(strings, problem.character));
    default:
      return s[problem.code];
  }
}

/** Why typed text is not an email address, as a clause in the strings' language. */
export function emailProblemText(strings: Strings, problem: EmailProblem): string {
  const s = strings.addresses.emailProblems;
  switch (problem.code) {
    case 'too-long':
    case 'local-too-long':
      return s[problem.code](problem.max);
    case 'local-character':
      return s['local-character'](characterText(strings, problem.character));
    case 'domain':
      return domainProblemText(strings, problem.problem, 'after-at');
    default:
      return s[problem.code];
  }
}

/** One entry of an admin's domain list that is not a domain, in the strings' language. */
export function domainListProblemText(strings: Strings, problem: DomainListProblem): string {
  const s = strings.addresses.domainList;
  return problem.code === 'wildcard'
    ? s.wildcard(problem.item)
    : s['not-a-domain'](problem.item, domainProblemText(strings, problem.problem));
}

/** Why a staff account could not be created, in the strings' language. */
export function createStaffIssueText(strings: Strings, issue: CreateStaffIssue): string {
  const s = strings.admin.newStaff.issues;
  switch (issue.code) {
    case 'email-invalid':
      return s['email-invalid'](emailProblemText(strings, issue.problem));
    case 'name-invalid':
      return s['name-invalid'](issue.max);
    default:
      return s[issue.code];
  }
}
