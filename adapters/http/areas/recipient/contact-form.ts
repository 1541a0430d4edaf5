import type { ContactIssues, ContactProblem } from '../../../../core/contacts/rules.ts';
import { emailProblemText } from '../../../../views/codes.ts';
import type { Strings } from '../../../../views/strings/index.ts';
import type { FormFields } from '../compose/compose-form.ts';

/** What was typed into a contact's form. */
export function contactValues(form: FormFields): { name: string; email: string; note: string } {
  return { name: form.get('name'), email: form.get('email'), note: form.get('note') };
}

/** The address book's problem codes as sentences in the reader's language. */
export function contactIssueText(strings: Strings, issues: ContactIssues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, problem] of Object.entries(issues) as Array<[string, ContactProblem]>) {
    out[field] = contactProblemText(strings, problem);
  }
  return out;
}

function contactProblemText(strings: Strings, problem: ContactProblem): string {
  const p = strings.compose.contacts.problems;
  switch (problem.code) {
    case 'name-too-long':
    case 'note-too-long':
    case 'too-many':
      return p[problem.code](problem.max);
    case 'email-invalid':
      return p['email-invalid'](emailProblemText(strings, problem.problem));
    default:
      return p[problem.code];
  }
}
