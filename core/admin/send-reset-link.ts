import { RESET_LINK_MINUTES } from '../accounts/reset-password.ts';
import { recordAudit } from '../audit/record.ts';
import { buildLinkToken } from '../auth/one-time-tokens.ts';
import { chooseMailLanguage } from '../mail/language.ts';
import { prepareOutboxMail } from '../mail/outbox.ts';
import { MINUTE_MS } from '../shared/time.ts';
import { type AdminActor, type AdminDeps, auditActor } from './deps.ts';

/** Unused reset links an account may have at once (as for "Forgotten your password?"). */
const MAX_LIVE_RESET_LINKS = 3;

/** The outcome of sending a reset link. */
export type SendResetLinkResult =
  | { ok: true; email: string }
  /** No such account, or a disabled one (enable it first). */
  | { ok: false; reason: 'not-found' | 'disabled' }
  /** The account already has several unused links: the newest is in their mailbox. */
  | { ok: false; reason: 'too-many-links' }
  /** A team mailbox: nobody signs in to it, so it never gets a password (decision 0028). */
  | { ok: false; reason: 'team-mailbox' };

/**
 * Emails the account's owner a one-hour, single-use link to choose a new password, as
 * "Forgotten your password?" does, queued in the outbox with its token in one
 * transaction. The admin never sees the link: only the person who controls the
 * address can use it, so an admin cannot take over an account this way. Records
 * `account.reset-request` with the admin as the actor.
 */
export async function sendResetLink(
  deps: AdminDeps,
  input: { accountId: string; actor: AdminActor },
): Promise<SendResetLinkResult> {
  const account = await deps.storage.repos.accounts.findById({ id: input.accountId });
  if (!account) return { ok: false, reason: 'not-found' };
  if (account.sharedMailbox) return { ok: false, reason: 'team-mailbox' };
  if (account.status !== 'active') return { ok: false, reason: 'disabled' };
  const settings = await deps.settings.get();
  const now = deps.clock.now();
  const { token, value } = buildLinkToken(deps, {
    purpose: 'reset',
    accountId: account.id,
    email: account.email,
    expiresAt: new Date(now.getTime() + RESET_LINK_MINUTES * MINUTE_MS),
  });
  // Sent by an admin: the person's own language, else the council's (not the admin's page).
  const rendered = deps.templates.reset(
    {
      orgName: settings.orgName,
      link: `${deps.publicUrl}/reset/${value}`,
      publicUrl: deps.publicUrl,
      linkMinutes: RESET_LINK_MINUTES,
    },
    chooseMailLanguage({ account, setting: settings.emailLanguage }),
  );
  const mail = await prepareOutboxMail(deps, {
    kind: 'reset',
    mail: { to: account.email, ...rendered, headers: { 'Auto-Submitted': 'auto-generated' } },
  });
  return deps.storage.transaction(async (repos): Promise<SendResetLinkResult> => {
    const live = await repos.tokens.listLive({ accountId: account.id, purpose: 'reset', now });
    if (live.length >= MAX_LIVE_RESET_LINKS) return { ok: false, reason: 'too-many-links' };
    await repos.tokens.insert({ token });
    await repos.outbox.insert({ mail });
    await recordAudit(deps, repos, {
      action: 'account.reset-request',
      ...auditActor(input.actor),
      targetType: 'account',
      targetId: account.id,
      details: { via: 'admin' },
    });
    return { ok: true, email: account.email };
  });
}
