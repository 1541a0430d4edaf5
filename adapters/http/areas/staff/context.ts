import type { Context, MiddlewareHandler } from 'hono';
import type { AccountDeps } from '../../../../core/accounts/deps.ts';
import type { Account } from '../../../../core/accounts/model.ts';
import type { RateLimiter } from '../../../../core/auth/rate-limit.ts';
import type { TotpCodes } from '../../../../core/auth/totp.ts';
import type { MailboxDeps } from '../../../../core/messages/deps.ts';
import { NotFoundPage } from '../../../../views/pages/errors.tsx';
import type { StaffPageProps, StaffViewer } from '../../../../views/pages/staff/shared.tsx';
import { type Lang, stringsFor } from '../../../../views/strings/index.ts';
import type { AppEnv } from '../../env.ts';
import { redirectKeepingLang, requestLanguage } from '../../language.ts';

/** Re-exported for the area's handlers (one definition, in adapters/http/form.ts). */
export { formOf } from '../../form.ts';

/** What the staff area needs from the composition root. */
export type StaffAreaDeps = {
  /** The account use cases' dependencies (sessions, settings, cipher, ...). */
  accounts: AccountDeps;
  /** What the mailbox, tracking and sending use cases need. */
  mailbox: MailboxDeps;
  /** TOTP arithmetic (adapters/security/totp.ts). */
  totp: TotpCodes;
  /** Wrong second-factor codes allowed per account before the half-signed-in session ends. */
  twoFactorLimiter: RateLimiter;
  /** True when the public URL is https (cookie names and `Secure`). */
  https: boolean;
};

/** A request context of the web app. */
export type Ctx = Context<AppEnv>;

/** A staff account, as the middleware guarantees it. */
export type StaffAccount = Account & { kind: 'staff'; role: 'sender' | 'admin' | 'auditor' };

/** True for a staff account (any staff role). */
export function isStaff(account: Account | null): account is StaffAccount {
  return account !== null && account.kind === 'staff' && account.role !== 'recipient';
}

/** True for staff who may send and change things: senders and admins, not auditors. */
export function canSend(account: StaffAccount): boolean {
  return account.role === 'sender' || account.role === 'admin';
}

/** The staff account of a request that passed `requireStaff`. */
export function staffOf(c: Ctx): StaffAccount {
  const account = c.get('account');
  if (!isStaff(account)) throw new Error('staff route reached without a staff account');
  return account;
}

/** The language of this request (`requestLanguage`). */
export function langOf(c: Ctx): Lang {
  return requestLanguage(c);
}

/**
 * The signed-in staff member themselves: `person`, never the team mailbox they may be
 * working in (which is `account` on the mailbox routes, docs/decisions/0028). Their
 * role, second factor and name are theirs, not the mailbox's.
 */
export function staffPersonOf(c: Ctx): StaffAccount {
  const person = c.get('person') ?? c.get('account');
  if (!isStaff(person)) throw new Error('staff route reached without a staff person');
  return person;
}

/**
 * The props every staff page gives the layout. The viewer is the person (their role
 * decides the menu, even while working in a team mailbox); the header names the team
 * mailbox they work in, and the menu offers "Team mailboxes" to anyone on a team: one
 * indexed lookup of their memberships, skipped while acting (then they are on one).
 */
export async function staffPageProps(
  deps: Pick<StaffAreaDeps, 'accounts'>,
  c: Ctx,
): Promise<StaffPageProps> {
  const settings = await deps.accounts.settings.get();
  const lang = langOf(c);
  const person = staffPersonOf(c);
  const viewer: StaffViewer = {
    displayName: person.displayName,
    email: person.email,
    role: person.role,
  };
  const actingFor = c.get('actingFor');
  const hasTeams =
    actingFor !== null ||
    (await deps.accounts.storage.repos.mailboxMembers.listForMember({ memberId: person.id }))
      .length > 0;
  return {
    strings: stringsFor(lang),
    lang,
    org: { name: settings.orgName, colour: settings.orgColour },
    csrfToken: c.get('csrfToken'),
    viewer,
    workingIn: actingFor ? { email: actingFor.email, name: actingFor.displayName } : null,
    hasTeams,
  };
}

/**
 * The one "not found" every refusal in the staff area answers with: a missing id,
 * another sender's message, a recipient on a staff page, an auditor trying to change
 * something. One answer for all, so none of them tells what exists.
 */
export async function notFound(deps: Pick<StaffAreaDeps, 'accounts'>, c: Ctx): Promise<Response> {
  const settings = await deps.accounts.settings.get();
  const lang = langOf(c);
  return c.html(
    NotFoundPage({
      strings: stringsFor(lang),
      lang,
      org: { name: settings.orgName, colour: settings.orgColour },
    }),
    404,
  );
}

/** The sign-in page, coming back to `path` afterwards. */
export function signInRedirect(c: Ctx): Response {
  const url = new URL(c.req.url);
  // Only a GET is worth coming back to: a POST's form is gone by then.
  const back = c.req.method === 'GET' ? `${url.pathname}${url.search}` : url.pathname;
  const pending = c.get('session')?.twoFactorPending === true;
  const target = pending ? '/sign-in/two-factor' : '/sign-in';
  return redirectKeepingLang(c, `${target}?next=${encodeURIComponent(back)}`);
}

/**
 * Every /staff route: signed-out people (and sessions still waiting for their second
 * factor) go to sign in; anyone signed in who is not staff gets the same 404 as a
 * page that does not exist.
 *
 * While a person works in a team mailbox, `account` is the mailbox (a sender) and
 * `person` is them: both must be staff, and the person must be one who may send, so an
 * auditor never gains a sender's powers through a team (assigning refuses auditors;
 * this holds even if a member's role changes later).
 */
export function requireStaff(deps: Pick<StaffAreaDeps, 'accounts'>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const account = c.get('account');
    if (!account) return signInRedirect(c);
    if (!isStaff(account)) return notFound(deps, c);
    const person = c.get('person');
    if (person && person.id !== account.id && !(isStaff(person) && canSend(person))) {
      return notFound(deps, c);
    }
    await next();
  };
}
