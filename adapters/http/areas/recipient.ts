import { Hono } from 'hono';
import type { SessionPolicy } from '../../../core/auth/sessions.ts';
import { AccountPage } from '../../../views/pages/mailbox/account.tsx';
import { mailboxPaths } from '../../../views/pages/mailbox/shared.tsx';
import type { Sealpost } from '../../compose.ts';
import type { AppEnv } from '../env.ts';
import { mailboxDepsFrom } from './mailbox-deps.ts';
import { forwardRoutes } from './recipient/answer-forward.ts';
import { replyRoutes } from './recipient/answer-reply.ts';
import { attachmentRoutes } from './recipient/attachments.ts';
import { composeRoutes } from './recipient/compose.ts';
import { addressBookRoutes, contactRoutes } from './recipient/contacts.ts';
import { pageProps, type RecipientAreaDeps, render, requireAccount } from './recipient/context.ts';
import { deleteRoutes } from './recipient/delete.ts';
import { draftRoutes } from './recipient/drafts.ts';
import { groupRoutes } from './recipient/groups.ts';
import { helpRoutes } from './recipient/help.ts';
import { inboxRoutes } from './recipient/inbox.ts';
import { sharedMailboxRoutes } from './recipient/mailboxes.ts';
import { messageRoutes } from './recipient/message.ts';
import { requestAccessRoutes } from './recipient/request-access.ts';
import { sentRoutes } from './recipient/sent.ts';
import { stepUpGate, stepUpRoutes } from './recipient/step-up.ts';
import { signedOutRoute } from './recipient/timeout.ts';
import { recipientTwoFactorRoutes } from './recipient/two-factor.ts';

/** What the recipient area may be told besides the composed app. */
export type RecipientAreaOptions = {
  /** True when the public URL is https (the session cookie's name and flags). */
  https: boolean;
  /** Idle timeouts, to tell a timed-out person how long they were away. */
  policy: SessionPolicy;
};

/**
 * The recipient's side of the portal: the inbox (and the expired list), one message,
 * its files, reply, reply all, forward, delete, asking for more time, the account page,
 * shared mailboxes, the help pages; then writing to council staff, drafts, sent messages and the address
 * book.
 *
 * Every route reads top to bottom: check the session, validate, call a use case, render
 * (or redirect 303 after a change). Every id in a path is checked by the use case to
 * belong to the signed-in person; anything else (missing, another person's, deleted) gets
 * the one 404 page, so ids cannot be probed. Every form is a POST with the CSRF token
 * (checked by the middleware before these handlers run) and answers a problem with 400
 * and the page as typed.
 *
 * Registration order matters where paths overlap: a fixed path (`/contacts/groups`,
 * `/contacts/suggest`) comes before the `/:id` that would take it.
 */
export function recipientArea(app: Sealpost, options: RecipientAreaOptions): Hono<AppEnv> {
  const area = new Hono<AppEnv>();
  const storeDeps = { storage: app.storage, cipher: app.cipher, ids: app.ids, clock: app.clock };
  const deps: RecipientAreaDeps = {
    app,
    https: options.https,
    policy: options.policy,
    mailbox: mailboxDepsFrom(app),
    drafts: storeDeps,
    contacts: storeDeps,
  };

  // The mailbox: pages with someone's messages need a full session.
  const gate = requireAccount(deps);
  area.use('/inbox', gate);
  area.use('/inbox/*', gate);
  area.use('/account', gate);
  area.use('/account/two-factor', gate);
  area.use('/account/two-factor/*', gate);
  area.use('/account/members', gate);
  area.use('/account/members/*', gate);
  area.use('/mailboxes', gate);
  area.use('/mailboxes/*', gate);
  // A message its sender marked "second factor required": every route that shows any of
  // it waits for a session that proved one (the explanation page says why).
  area.use(
    '/inbox/*',
    stepUpGate({
      mailbox: deps.mailbox,
      props: (c) => pageProps(deps, c),
      pattern: /^\/inbox\/([^/]+)(?:\/([^/]+))?/,
      messagePath: mailboxPaths.message,
    }),
  );
  stepUpRoutes(area, deps);
  inboxRoutes(area, deps);
  messageRoutes(area, deps);
  attachmentRoutes(area, deps);
  // Reply, reply all and forward (with files; saved as a draft on timeout).
  replyRoutes(area, deps);
  forwardRoutes(area, deps);
  deleteRoutes(area, deps);
  requestAccessRoutes(area, deps);
  area.get('/account', async (c) => {
    // The person's own page: a second factor is theirs, never a shared mailbox's.
    const person = c.get('person');
    const secondFactor =
      person?.kind === 'external' && !person.sharedMailbox
        ? { app: person.totpKeyEnc !== null, passkeys: person.passkeyCount }
        : undefined;
    return render(c, AccountPage({ ...(await pageProps(deps, c)), secondFactor }));
  });
  recipientTwoFactorRoutes(area, deps);
  // Shared mailboxes: the ones the person works from, and who works from theirs.
  sharedMailboxRoutes(area, deps);
  helpRoutes(area, deps);

  // Writing, drafts, sent and contacts: each route says "sign in" itself when signed out.
  composeRoutes(area, deps);
  signedOutRoute(area, deps);
  draftRoutes(area, deps);
  sentRoutes(area, deps);
  addressBookRoutes(area, deps);
  groupRoutes(area, deps);
  contactRoutes(area, deps);
  return area;
}
