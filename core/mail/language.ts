import type { Settings } from '../settings/model.ts';
import type { MailLanguage } from './ports.ts';

/** Where a use case without the whole settings reads the council's `emailLanguage`. */
export type EmailLanguageSettings = { get(): Promise<Pick<Settings, 'emailLanguage'>> };

/** The languages an email may be written in alone (codes; the words are the views'). */
const SINGLE = ['en', 'cy'] as const;

function single(code: string | null | undefined): 'en' | 'cy' | null {
  return (SINGLE as readonly string[]).includes(code ?? '') ? (code as 'en' | 'cy') : null;
}

/**
 * The language of an email to one person: the language they chose for their account,
 * if any; else, for mail they asked for on a page (a password reset, a code), the
 * language of that page; else the council's `emailLanguage` setting, where `bilingual`
 * gives Welsh and English in one email (a first notification to a new recipient).
 */
export function chooseMailLanguage(args: {
  /** The addressee's account, when they have one. */
  account?: { language: string | null } | null | undefined;
  /** The language of the page the person asked from, when they asked on one. */
  page?: string | null | undefined;
  /** The council's setting; English when not given. */
  setting?: Settings['emailLanguage'] | undefined;
}): MailLanguage {
  const chosen = single(args.account?.language) ?? single(args.page);
  if (chosen) return chosen;
  return args.setting === 'bilingual' ? 'en+cy' : (args.setting ?? 'en');
}
