import { Hono } from 'hono';
import type { AccountDeps } from '../../../core/accounts/deps.ts';
import type { TotpCodes } from '../../../core/auth/totp.ts';
import { MINUTE_MS } from '../../../core/shared/time.ts';
import { STAFF_PATHS } from '../../../views/pages/staff/shared.tsx';
import type { Sealpost } from '../../compose.ts';
import { oslojsTotp } from '../../security/totp.ts';
import type { AppEnv } from '../env.ts';
import { redirectKeepingLang } from '../language.ts';
import { sharedRateLimiter } from '../rate-limiters.ts';
import { mailboxDepsFrom } from './mailbox-deps.ts';
import { stepUpGate } from './recipient/step-up.ts';
import { composeRoutes } from './staff/compose.ts';
import { requireStaff, type StaffAreaDeps, staffPageProps } from './staff/context.ts';
import { draftRoutes, staffSignedOutRoute, staffTimeoutSave } from './staff/drafts.ts';
import { inboxRoutes } from './staff/inbox.ts';
import { mailboxRoutes } from './staff/mailboxes.ts';
import { requestRoutes } from './staff/requests.ts';
import { secondFactorGate } from './staff/second-factor-gate.ts';
import { sentRoutes } from './staff/sent.ts';
import { twoFactorRoutes } from './staff/two-factor.ts';

/** What the staff area may be told besides the composed app (tests inject these). */
export type StaffAreaOptions = {
  accounts: AccountDeps;
  https: boolean;
  totp?: TotpCodes;
  /** Wrong second-factor codes per account in `twoFactorWindowMs` (default 5 in 15 minutes). */
  twoFactorLimit?: number;
  twoFactorWindowMs?: number;
};

/**
 * The staff area: the second step of signing in and setting up an authenticator app,
 * writing secure messages, sent items with tracking and control, access requests, and
 * the staff inbox of replies. Sign-in itself is the shared `/sign-in` (one form, one
 * lockout and rate limit for everyone); a staff member with a second factor goes on to
 * `/sign-in/two-factor`, and `/staff/sign-in` is a bookmarkable way in that lands here.
 *
 * Mount it straight after the session and CSRF middleware: its second-factor gate keeps
 * staff who must have a second factor and have none away from every other page, including other areas'.
 * Every /staff route needs a staff session: signed out goes to sign in, anyone else
 * (recipients) gets the 404 page.
 */
export function staffArea(app: Sealpost, options: StaffAreaOptions): Hono<AppEnv> {
  const area = new Hono<AppEnv>();
  const deps: StaffAreaDeps = {
    accounts: options.accounts,
    https: options.https,
    totp: options.totp ?? oslojsTotp(),
    twoFactorLimiter: sharedRateLimiter(app, {
      name: 'two-factor',
      limit: options.twoFactorLimit ?? 5,
      windowMs: options.twoFactorWindowMs ?? 15 * MINUTE_MS,
    }),
    mailbox: mailboxDepsFrom(app),
  };

  area.use('*', secondFactorGate({ settings: options.accounts.settings }));

  area.get('/staff/sign-in', (c) =>
    redirectKeepingLang(c, `/sign-in?next=${encodeURIComponent(STAFF_PATHS.home)}`),
  );
  // A message being written when the session timed out is saved as a draft, not lost;
  // the page after it is for a signed-out person, so both come before `requireStaff`.
  area.use(STAFF_PATHS.compose, staffTimeoutSave(deps));
  area.use(`${STAFF_PATHS.compose}/*`, staffTimeoutSave(deps));
  staffSignedOutRoute(area, deps);
  area.use(STAFF_PATHS.home, requireStaff(deps));
  area.use(`${STAFF_PATHS.home}/*`, requireStaff(deps));
  twoFactorRoutes(area, deps);
  // A message marked "second factor required" sent to a colleague: their copy, its
  // files and images wait for a session that proved one, as a recipient's do.
  area.use(
    `${STAFF_PATHS.inbox}/*`,
    stepUpGate({
      mailbox: deps.mailbox,
      props: async (c) => {
        const props = await staffPageProps(deps, c);
        return { ...props, account: props.viewer };
      },
      pattern: /^\/staff\/inbox\/([^/]+)(?:\/([^/]+))?/,
      messagePath: (id) => `${STAFF_PATHS.inbox}/${encodeURIComponent(id)}`,
    }),
  );
  area.get(STAFF_PATHS.home, (c) => redirectKeepingLang(c, STAFF_PATHS.inbox));
  inboxRoutes(area, deps);
  composeRoutes(area, deps);
  draftRoutes(area, deps);
  sentRoutes(area, deps);
  requestRoutes(area, deps);
  mailboxRoutes(area, deps);
  return area;
}
