import type { Account } from '../accounts/model.ts';
import type { Cipher } from '../crypto/ports.ts';
import type { EmailLanguageSettings } from '../mail/language.ts';
import { chooseMailLanguage } from '../mail/language.ts';
import type { OutboxMail } from '../mail/model.ts';
import { prepareOutboxMail } from '../mail/outbox.ts';
import type { MailTemplates, SecondFactorChange } from '../mail/ports.ts';
import type { Clock, Ids } from '../shared/ports.ts';

/** What changed about an account's second factor (defined with the email that tells of it). */
export type { SecondFactorChange } from '../mail/ports.ts';

/**
 * True when a change to the account's second factor is emailed to its address (ASVS
 * V6.3.7: people hear of changes to how they sign in, so one they did not make is
 * noticed). Every account a person signs in to, staff and recipients alike (issue 21:
 * every change is emailed as well as audited); a team mailbox has no factor and nobody
 * reads its notices as its own.
 */
export function emailsSecondFactorChanges(account: Account): boolean {
  return !account.sharedMailbox;
}

/**
 * The outbox row telling the account's address that its second factor changed, made
 * before the transaction (encryption is slow) for the caller to insert inside it, so
 * the notice commits with the change or not at all; null when none is sent. A plain
 * notice: no link, nothing a copy of it could be used for.
 */
export async function prepareSecondFactorNotice(
  deps: {
    cipher: Cipher;
    ids: Ids;
    clock: Clock;
    templates: MailTemplates;
    publicUrl: string;
    /** The settings, for the council's `emailLanguage` (English without them). */
    settings?: EmailLanguageSettings | undefined;
  },
  args: { account: Account; orgName: string; change: SecondFactorChange },
): Promise<OutboxMail | null> {
  if (!emailsSecondFactorChanges(args.account)) return null;
  const setting =
    args.account.language === null ? (await deps.settings?.get())?.emailLanguage : undefined;
  const rendered = deps.templates.secondFactorChanged(
    {
      orgName: args.orgName,
      change: args.change,
      publicUrl: deps.publicUrl,
    },
    chooseMailLanguage({ account: args.account, setting }),
  );
  return prepareOutboxMail(deps, {
    kind: 'second-factor',
    mail: { to: args.account.email, ...rendered, headers: { 'Auto-Submitted': 'auto-generated' } },
  });
}
