import type { Hono } from 'hono';
import type { Account } from '../../../../core/accounts/model.ts';
import {
  acceptInvitation,
  inviteMember,
  mailboxesOf,
  mailboxToActFor,
  removeMember,
} from '../../../../core/mailboxes/membership.ts';
import { MINUTE_MS } from '../../../../core/shared/time.ts';
import {
  MailboxesPage,
  MembersPage,
  sharedMailboxPaths,
} from '../../../../views/pages/mailbox/mailboxes.tsx';
import { mailboxPaths } from '../../../../views/pages/mailbox/shared.tsx';
import type { AppEnv } from '../../env.ts';
import { formOf } from '../../form.ts';
import { sharedRateLimiter } from '../../rate-limiters.ts';
import {
  type Ctx,
  MAX_ID_LENGTH,
  notFound,
  pageProps,
  type RecipientAreaDeps,
  render,
  seeOther,
} from './context.ts';

/** An email address is at most 254 characters; a little slack, then cut. */
const MAX_EMAIL_LENGTH = 320;

/**
 * Shared mailboxes, the recipient's side (docs/decisions/0028):
 * - `/mailboxes`: the person's own mailbox and the ones they work from, with "Work from
 *   this mailbox", "Back to your own mailbox", Leave, and invitations to accept or
 *   decline;
 * - `/account/members`: the holder of a generic address invites people by address and
 *   removes them.
 *
 * These are the person's own pages, never a mailbox's: everything here reads `person`,
 * so someone working from a shared mailbox manages their own memberships and their own
 * mailbox's members, never the shared one's. A mailbox id the person may not use is the
 * one 404 page, as a missing message is. Staff have team mailboxes instead (the staff
 * area): these pages are a 404 to them.
 */
/** Invitations one holder may send in a day. */
export const INVITES_PER_DAY = 20;

export function sharedMailboxRoutes(area: Hono<AppEnv>, deps: RecipientAreaDeps): void {
  const core = deps.mailbox;
  const settings = () => deps.app.settings.get();
  // Each invitation is an email to an outside address and maybe a new account: a holder
  // may send a day's worth, not a flood (remove and invite again counts each time).
  const inviteLimiter = sharedRateLimiter(deps.app, {
    name: 'mailbox-invite',
    limit: INVITES_PER_DAY,
    windowMs: 24 * 60 * MINUTE_MS,
  });

  area.get(sharedMailboxPaths.list, async (c) => {
    const person = recipientOf(c);
    if (!person) return notFound(deps, c);
    const genericAllowed = (await settings()).sharedMailboxes;
    const { mailboxes, invitations } = await mailboxesOf(core.storage.repos, {
      person,
      genericAllowed,
    });
    const done = c.req.query('done');
    return render(
      c,
      MailboxesPage({
        ...(await pageProps(deps, c)),
        own: person.email,
        actingForId: c.get('actingFor')?.id ?? null,
        mailboxes: mailboxes.map((m) => ({ id: m.id, email: m.email })),
        invitations: invitations.map((i) => ({
          id: i.mailbox.id,
          email: i.mailbox.email,
          invitedAt: i.invitedAt,
        })),
        switchedOff: !genericAllowed,
        notice:
          done === 'accepted' || done === 'declined' || done === 'left' ? { kind: done } : null,
      }),
    );
  });

  // Chooses the mailbox this session works from; empty is the person's own.
  area.post(sharedMailboxPaths.act, async (c) => {
    const person = recipientOf(c);
    const session = c.get('session');
    if (!person || !session) return notFound(deps, c);
    const mailboxId = await mailboxIdOf(c);
    if (mailboxId === null) return notFound(deps, c);
    if (mailboxId !== '') {
      const mailbox = await mailboxToActFor(core.storage.repos, {
        person,
        mailboxId,
        genericAllowed: (await settings()).sharedMailboxes,
      });
      if (!mailbox) return notFound(deps, c);
    }
    await core.storage.repos.sessions.setActingMailbox({
      id: session.id,
      mailboxId: mailboxId === '' ? null : mailboxId,
    });
    return seeOther(c, mailboxPaths.inbox);
  });

  area.post(sharedMailboxPaths.accept, async (c) => {
    const person = recipientOf(c);
    const mailboxId = await mailboxIdOf(c);
    if (!person || !mailboxId) return notFound(deps, c);
    const accepted = await acceptInvitation(core, {
      person,
      mailboxId,
      genericAllowed: (await settings()).sharedMailboxes,
      ip: c.get('clientIp'),
    });
    if (!accepted) return notFound(deps, c);
    return seeOther(c, `${sharedMailboxPaths.list}?done=accepted`);
  });

  // Declining an invitation and leaving a mailbox are the same: the membership ends.
  area.post(sharedMailboxPaths.leave, async (c) => {
    const person = recipientOf(c);
    const session = c.get('session');
    const mailboxId = await mailboxIdOf(c);
    if (!person || !session || !mailboxId) return notFound(deps, c);
    const membership = await core.storage.repos.mailboxMembers.find({
      mailboxId,
      memberId: person.id,
    });
    if (!membership) return notFound(deps, c);
    const left = await removeMember(core, {
      by: person,
      mailboxId,
      memberId: person.id,
      ip: c.get('clientIp'),
    });
    if (!left) return notFound(deps, c);
    if (session.actingMailboxId === mailboxId) {
      await core.storage.repos.sessions.setActingMailbox({ id: session.id, mailboxId: null });
    }
    const done = membership.acceptedAt ? 'left' : 'declined';
    return seeOther(c, `${sharedMailboxPaths.list}?done=${done}`);
  });

  area.get(sharedMailboxPaths.members, async (c) => {
    const holder = recipientOf(c);
    if (!holder) return notFound(deps, c);
    const done = c.req.query('done');
    return membersPage(c, holder, {
      email: '',
      error: null,
      notice: done === 'invited' || done === 'removed' ? { kind: done } : null,
    });
  });

  area.post(sharedMailboxPaths.members, async (c) => {
    const holder = recipientOf(c);
    if (!holder) return notFound(deps, c);
    const email = (await formOf(c)).get('email').slice(0, MAX_EMAIL_LENGTH);
    const s = await settings();
    const limit = await inviteLimiter.hit(holder.id);
    if (!limit.allowed) {
      c.header('Retry-After', String(Math.ceil(limit.retryAfterMs / 1000)));
      const { strings } = await pageProps(deps, c);
      return membersPage(
        c,
        holder,
        { email, error: strings.mailboxes.members.tooOften(INVITES_PER_DAY), notice: null },
        429,
      );
    }
    const result = await inviteMember(core, {
      holder,
      email,
      domains: { internalDomains: s.internalDomains, allowSubdomains: s.allowSubdomains },
      genericAllowed: s.sharedMailboxes,
      orgName: s.orgName,
      emailLanguage: s.emailLanguage,
      ip: c.get('clientIp'),
    });
    if (result.ok) return seeOther(c, `${sharedMailboxPaths.members}?done=invited`);
    const { strings } = await pageProps(deps, c);
    return membersPage(
      c,
      holder,
      { email, error: strings.mailboxes.members.problems[result.problem], notice: null },
      400,
    );
  });

  area.post(sharedMailboxPaths.removeMember, async (c) => {
    const holder = recipientOf(c);
    if (!holder) return notFound(deps, c);
    const memberId = (await formOf(c)).get('memberId');
    if (memberId === '' || memberId.length > MAX_ID_LENGTH) return notFound(deps, c);
    // Only the holder's own mailbox: `mailboxId` is never taken from the form.
    const removed = await removeMember(core, {
      by: holder,
      mailboxId: holder.id,
      memberId,
      ip: c.get('clientIp'),
    });
    if (!removed) return notFound(deps, c);
    return seeOther(c, `${sharedMailboxPaths.members}?done=removed`);
  });

  /** The members page of `holder`'s own mailbox. */
  async function membersPage(
    c: Ctx,
    holder: Account,
    form: Pick<Parameters<typeof MembersPage>[0], 'email' | 'error' | 'notice'>,
    status: 200 | 400 | 429 = 200,
  ) {
    const switchedOff = !(await settings()).sharedMailboxes;
    const members = [];
    if (!switchedOff) {
      for (const m of await core.storage.repos.mailboxMembers.listForMailbox({
        mailboxId: holder.id,
      })) {
        const member = await core.storage.repos.accounts.findById({ id: m.memberId });
        if (!member) continue;
        members.push({
          id: member.id,
          email: member.email,
          accepted: m.acceptedAt !== null,
          since: m.acceptedAt ?? m.createdAt,
        });
      }
    }
    return render(
      c,
      MembersPage({ ...(await pageProps(deps, c)), switchedOff, members, ...form }),
      status,
    );
  }
}

/**
 * The signed-in person when they are a recipient (these pages are theirs, whatever
 * mailbox they work from), else null: staff have team mailboxes instead.
 */
function recipientOf(c: Ctx): Account | null {
  const person = c.get('person');
  return person && person.kind === 'external' && !person.sharedMailbox ? person : null;
}

/** The posted `mailboxId`: '' for "my own", null when it cannot be an id. */
async function mailboxIdOf(c: Ctx): Promise<string | null> {
  const id = (await formOf(c)).get('mailboxId');
  return id.length <= MAX_ID_LENGTH ? id : null;
}
