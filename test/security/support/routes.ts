import type { Actor } from './world.ts';

/** The kinds of object a route can name by id. */
export type Resource =
  | 'delivery'
  | 'attachment'
  | 'staff-delivery'
  | 'message'
  | 'access-request'
  | 'draft'
  | 'contact'
  | 'group'
  | 'link-token'
  | 'account'
  | 'mailbox'
  | 'outbox-mail'
  | 'passkey';

/** Where a route takes an id from. */
export type IdSource = { name: string; in: 'path' | 'query' | 'body'; resource: Resource };

/**
 * One route of the portal, as the security suites know it. Every route the app has
 * must be here (test/security/route-inventory.test.ts fails otherwise), so a new route
 * cannot skip the access-control, CSRF and header checks.
 */
export type RouteSpec = {
  /** Who the route is for; `as` is who the header and CSRF suites use to reach it. */
  area: 'public' | 'recipient' | 'staff' | 'admin' | 'static' | 'metrics';
  as: Actor;
  /** The ids the route takes; each is covered by the access-control matrix. */
  ids: IdSource[];
  /** A path parameter that is not an id of anything a person owns, and why. */
  notAnId?: string;
  /** A concrete path for the header suite when the pattern has parameters. */
  sample?: string;
  /** For admin pages without an id: who may read them (everyone else gets the 404). */
  readers?: Actor[];
};

/** `METHOD /pattern` -> what the suites know about it. */
export const ROUTES: Record<string, RouteSpec> = {
  // ---- No session needed --------------------------------------------------------
  'GET /healthz': { area: 'public', as: 'anonymous', ids: [] },
  'GET /static/:file': {
    area: 'static',
    as: 'anonymous',
    ids: [],
    notAnId: 'an asset name, looked up in a fixed table',
    sample: '/static/app.css',
  },
  'GET /': { area: 'public', as: 'anonymous', ids: [] },
  'GET /sign-in': { area: 'public', as: 'anonymous', ids: [] },
  'POST /sign-in': { area: 'public', as: 'anonymous', ids: [] },
  // Staff single sign-on (docs/decisions/0029). Both are GETs because the provider's
  // redirect is one; the callback's CSRF defence is the single-use state bound to the
  // browser by an HttpOnly cookie (test/e2e/sso.test.ts replays it, and carries it to
  // another browser). The world configures a provider that cannot be reached.
  'GET /sign-in/sso': { area: 'public', as: 'anonymous', ids: [] },
  'GET /sign-in/sso/callback': { area: 'public', as: 'anonymous', ids: [] },
  'POST /sign-out': { area: 'public', as: 'ann', ids: [] },
  'POST /sign-out-everywhere': { area: 'public', as: 'ann', ids: [] },
  // The idle sign-out warning's script: answers anyone, about their own session only.
  'GET /session/status': { area: 'public', as: 'ann', ids: [] },
  'POST /session/extend': { area: 'public', as: 'ann', ids: [] },
  // The same as a plain form (the session line on every signed-in page); `next` is a
  // local path only (test/http/session-end.test.ts).
  'POST /session/stay': { area: 'public', as: 'ann', ids: [] },
  // The language switch: sets the preference cookie and, signed in, the account's
  // language; `back` is a local path only (test/http/language.test.ts).
  'POST /language': { area: 'public', as: 'ann', ids: [] },
  'GET /r/:token': {
    area: 'public',
    as: 'anonymous',
    ids: [{ name: 'token', in: 'path', resource: 'link-token' }],
  },
  'POST /r/:token': {
    area: 'public',
    as: 'anonymous',
    ids: [{ name: 'token', in: 'path', resource: 'link-token' }],
  },
  'GET /open/:token': {
    area: 'public',
    as: 'anonymous',
    ids: [{ name: 'token', in: 'path', resource: 'link-token' }],
  },
  'POST /open/:token': {
    area: 'public',
    as: 'anonymous',
    ids: [{ name: 'token', in: 'path', resource: 'link-token' }],
  },
  'GET /register/:token': {
    area: 'public',
    as: 'anonymous',
    ids: [{ name: 'token', in: 'path', resource: 'link-token' }],
  },
  'POST /register/:token': {
    area: 'public',
    as: 'anonymous',
    ids: [{ name: 'token', in: 'path', resource: 'link-token' }],
  },
  // Proof of mailbox: the code emailed before a first password can be chosen.
  'POST /register/:token/code': {
    area: 'public',
    as: 'anonymous',
    ids: [{ name: 'token', in: 'path', resource: 'link-token' }],
  },
  // "This message was sent to someone else": asking the sender for access from a link.
  'GET /r/:token/ask': {
    area: 'public',
    as: 'anonymous',
    ids: [{ name: 'token', in: 'path', resource: 'link-token' }],
  },
  'POST /r/:token/ask': {
    area: 'public',
    as: 'anonymous',
    ids: [{ name: 'token', in: 'path', resource: 'link-token' }],
  },
  'POST /r/:token/ask/confirm': {
    area: 'public',
    as: 'anonymous',
    ids: [{ name: 'token', in: 'path', resource: 'link-token' }],
  },
  'GET /reset': { area: 'public', as: 'anonymous', ids: [] },
  'POST /reset': { area: 'public', as: 'anonymous', ids: [] },
  'GET /reset/:token': {
    area: 'public',
    as: 'anonymous',
    ids: [{ name: 'token', in: 'path', resource: 'link-token' }],
  },
  'POST /reset/:token': {
    area: 'public',
    as: 'anonymous',
    ids: [{ name: 'token', in: 'path', resource: 'link-token' }],
  },
  'GET /set-password/:token': {
    area: 'public',
    as: 'anonymous',
    ids: [{ name: 'token', in: 'path', resource: 'link-token' }],
  },
  'POST /set-password/:token': {
    area: 'public',
    as: 'anonymous',
    ids: [{ name: 'token', in: 'path', resource: 'link-token' }],
  },
  'GET /help': { area: 'public', as: 'anonymous', ids: [] },
  'GET /help/:topic': {
    area: 'public',
    as: 'anonymous',
    ids: [],
    notAnId: 'a help topic, checked against a fixed list',
    sample: '/help/passwords',
  },
  'GET /compose/signed-out': { area: 'public', as: 'anonymous', ids: [] },
  'GET /privacy': { area: 'public', as: 'anonymous', ids: [] },
  'GET /accessibility': { area: 'public', as: 'anonymous', ids: [] },

  // ---- The recipient's mailbox --------------------------------------------------
  'GET /inbox': { area: 'recipient', as: 'ann', ids: [] },
  'GET /inbox/:id': {
    area: 'recipient',
    as: 'ann',
    ids: [{ name: 'id', in: 'path', resource: 'delivery' }],
  },
  'GET /inbox/:id/attachments/:attachmentId': {
    area: 'recipient',
    as: 'ann',
    ids: [
      { name: 'id', in: 'path', resource: 'delivery' },
      { name: 'attachmentId', in: 'path', resource: 'attachment' },
    ],
  },
  'GET /inbox/:id/images/:attachmentId': {
    area: 'recipient',
    as: 'ann',
    ids: [
      { name: 'id', in: 'path', resource: 'delivery' },
      { name: 'attachmentId', in: 'path', resource: 'attachment' },
    ],
  },
  'GET /inbox/:id/reply': {
    area: 'recipient',
    as: 'ann',
    ids: [{ name: 'id', in: 'path', resource: 'delivery' }],
  },
  // Save as draft (`?save=1`) and Remove beside a kept file (`?remove=`) post here too.
  'POST /inbox/:id/reply': {
    area: 'recipient',
    as: 'ann',
    ids: [
      { name: 'id', in: 'path', resource: 'delivery' },
      { name: 'draftId', in: 'body', resource: 'draft' },
      { name: 'remove', in: 'query', resource: 'attachment' },
    ],
  },
  'GET /inbox/:id/forward': {
    area: 'recipient',
    as: 'ann',
    ids: [{ name: 'id', in: 'path', resource: 'delivery' }],
  },
  // Save as draft (`?save=1`) and Remove beside a kept file (`?remove=`) post here too.
  'POST /inbox/:id/forward': {
    area: 'recipient',
    as: 'ann',
    ids: [
      { name: 'id', in: 'path', resource: 'delivery' },
      { name: 'draftId', in: 'body', resource: 'draft' },
      { name: 'remove', in: 'query', resource: 'attachment' },
    ],
  },
  'GET /inbox/:id/delete': {
    area: 'recipient',
    as: 'ann',
    ids: [{ name: 'id', in: 'path', resource: 'delivery' }],
  },
  'POST /inbox/:id/delete': {
    area: 'recipient',
    as: 'ann',
    ids: [{ name: 'id', in: 'path', resource: 'delivery' }],
  },
  'POST /inbox/:id/request-access': {
    area: 'recipient',
    as: 'ann',
    ids: [{ name: 'id', in: 'path', resource: 'delivery' }],
  },
  // A message marked "second factor required": asks this session for its second factor.
  'POST /inbox/:id/step-up': {
    area: 'recipient',
    as: 'ann',
    ids: [{ name: 'id', in: 'path', resource: 'delivery' }],
  },
  'GET /account': { area: 'recipient', as: 'ann', ids: [] },
  'GET /account/export': { area: 'recipient', as: 'ann', ids: [] },
  // A recipient's own second factor: personal routes (the person, never a shared
  // mailbox); the enrolment token is bound to the session by a MAC, not an owned id.
  'GET /account/two-factor': { area: 'recipient', as: 'ann', ids: [] },
  'POST /account/two-factor': { area: 'recipient', as: 'ann', ids: [] },
  'POST /account/two-factor/remove': { area: 'recipient', as: 'ann', ids: [] },
  // Passkeys, staff and recipients alike: personal routes (the person). The JSON
  // ceremony's challenge is a one-time token bound to the session; the removal form's
  // passkey id is checked against the person's own (test/http/passkeys.test.ts).
  'GET /account/passkeys': { area: 'recipient', as: 'ann', ids: [] },
  'POST /account/passkeys/register': { area: 'recipient', as: 'ann', ids: [] },
  'POST /account/passkeys/remove': { area: 'recipient', as: 'ann', ids: [] },
  'POST /account/passkeys/:id/rename': {
    area: 'recipient',
    as: 'ann',
    ids: [{ name: 'id', in: 'path', resource: 'passkey' }],
  },
  // Signing in with a passkey (JSON): the second step of a half-signed-in session, or
  // alone from a signed-out browser when the setting allows it.
  'POST /sign-in/passkey': { area: 'public', as: 'anonymous', ids: [] },
  // Shared mailboxes (docs/decisions/0028): the holder's members page works on the
  // person's own mailbox only; every mailbox id in a form is checked against the
  // person's own membership.
  'GET /account/members': { area: 'recipient', as: 'ann', ids: [] },
  'POST /account/members': { area: 'recipient', as: 'ann', ids: [] },
  'POST /account/members/remove': {
    area: 'recipient',
    as: 'ann',
    ids: [{ name: 'memberId', in: 'body', resource: 'account' }],
  },
  'GET /mailboxes': { area: 'recipient', as: 'ann', ids: [] },
  'POST /mailboxes/act': {
    area: 'recipient',
    as: 'ann',
    ids: [{ name: 'mailboxId', in: 'body', resource: 'mailbox' }],
  },
  'POST /mailboxes/accept': {
    area: 'recipient',
    as: 'ann',
    ids: [{ name: 'mailboxId', in: 'body', resource: 'mailbox' }],
  },
  'POST /mailboxes/leave': {
    area: 'recipient',
    as: 'ann',
    ids: [{ name: 'mailboxId', in: 'body', resource: 'mailbox' }],
  },

  // ---- Writing, drafts, sent, address book ---------------------------------------
  'GET /compose': {
    area: 'recipient',
    as: 'ann',
    ids: [
      { name: 'contact', in: 'query', resource: 'contact' },
      { name: 'group', in: 'query', resource: 'group' },
    ],
  },
  'POST /compose': {
    area: 'recipient',
    as: 'ann',
    ids: [
      { name: 'draftId', in: 'body', resource: 'draft' },
      { name: 'contact', in: 'body', resource: 'contact' },
      { name: 'group', in: 'body', resource: 'group' },
    ],
  },
  'POST /compose/save': {
    area: 'recipient',
    as: 'ann',
    ids: [
      { name: 'draftId', in: 'body', resource: 'draft' },
      { name: 'contact', in: 'body', resource: 'contact' },
      { name: 'group', in: 'body', resource: 'group' },
    ],
  },
  'POST /compose/autosave': {
    area: 'recipient',
    as: 'ann',
    ids: [{ name: 'draftId', in: 'body', resource: 'draft' }],
  },
  'GET /drafts': { area: 'recipient', as: 'ann', ids: [] },
  'GET /drafts/:id': {
    area: 'recipient',
    as: 'ann',
    ids: [{ name: 'id', in: 'path', resource: 'draft' }],
  },
  'POST /drafts/:id/delete': {
    area: 'recipient',
    as: 'ann',
    ids: [{ name: 'id', in: 'path', resource: 'draft' }],
  },
  // Remove beside a file waiting in a draft (the whole compose form posts here).
  'POST /drafts/:id/files/:fileId/remove': {
    area: 'recipient',
    as: 'ann',
    ids: [
      { name: 'id', in: 'path', resource: 'draft' },
      { name: 'fileId', in: 'path', resource: 'attachment' },
    ],
  },
  'GET /sent': { area: 'recipient', as: 'ann', ids: [] },
  'GET /sent/:id': {
    area: 'recipient',
    as: 'ann',
    ids: [{ name: 'id', in: 'path', resource: 'message' }],
  },
  'GET /sent/:id/attachments/:attachmentId': {
    area: 'recipient',
    as: 'ann',
    ids: [
      { name: 'id', in: 'path', resource: 'message' },
      { name: 'attachmentId', in: 'path', resource: 'attachment' },
    ],
  },
  'GET /contacts': { area: 'recipient', as: 'ann', ids: [] },
  'POST /contacts': { area: 'recipient', as: 'ann', ids: [] },
  'GET /contacts/suggest': { area: 'recipient', as: 'ann', ids: [] },
  'GET /contacts/groups': { area: 'recipient', as: 'ann', ids: [] },
  'POST /contacts/groups': {
    area: 'recipient',
    as: 'ann',
    ids: [{ name: 'members', in: 'body', resource: 'contact' }],
  },
  'GET /contacts/groups/:id': {
    area: 'recipient',
    as: 'ann',
    ids: [{ name: 'id', in: 'path', resource: 'group' }],
  },
  'POST /contacts/groups/:id': {
    area: 'recipient',
    as: 'ann',
    ids: [
      { name: 'id', in: 'path', resource: 'group' },
      { name: 'members', in: 'body', resource: 'contact' },
    ],
  },
  'POST /contacts/groups/:id/delete': {
    area: 'recipient',
    as: 'ann',
    ids: [{ name: 'id', in: 'path', resource: 'group' }],
  },
  'GET /contacts/:id': {
    area: 'recipient',
    as: 'ann',
    ids: [{ name: 'id', in: 'path', resource: 'contact' }],
  },
  'POST /contacts/:id': {
    area: 'recipient',
    as: 'ann',
    ids: [{ name: 'id', in: 'path', resource: 'contact' }],
  },
  'POST /contacts/:id/delete': {
    area: 'recipient',
    as: 'ann',
    ids: [{ name: 'id', in: 'path', resource: 'contact' }],
  },

  // ---- Staff ----------------------------------------------------------------------
  'GET /staff/sign-in': { area: 'public', as: 'anonymous', ids: [] },
  'GET /sign-in/two-factor': { area: 'public', as: 'anonymous', ids: [] },
  'POST /sign-in/two-factor': { area: 'public', as: 'anonymous', ids: [] },
  'GET /staff/two-factor': { area: 'staff', as: 'olive', ids: [] },
  'POST /staff/two-factor': { area: 'staff', as: 'olive', ids: [] },
  'GET /staff': { area: 'staff', as: 'olive', ids: [] },
  'GET /staff/inbox': { area: 'staff', as: 'olive', ids: [] },
  'GET /staff/inbox/:deliveryId': {
    area: 'staff',
    as: 'olive',
    ids: [{ name: 'deliveryId', in: 'path', resource: 'staff-delivery' }],
  },
  'GET /staff/inbox/:deliveryId/attachments/:attachmentId': {
    area: 'staff',
    as: 'olive',
    ids: [
      { name: 'deliveryId', in: 'path', resource: 'staff-delivery' },
      { name: 'attachmentId', in: 'path', resource: 'attachment' },
    ],
  },
  'GET /staff/inbox/:deliveryId/images/:attachmentId': {
    area: 'staff',
    as: 'olive',
    ids: [
      { name: 'deliveryId', in: 'path', resource: 'staff-delivery' },
      { name: 'attachmentId', in: 'path', resource: 'attachment' },
    ],
  },
  'GET /staff/compose': {
    area: 'staff',
    as: 'olive',
    ids: [{ name: 'replyTo', in: 'query', resource: 'staff-delivery' }],
  },
  'POST /staff/compose/edit': {
    area: 'staff',
    as: 'olive',
    ids: [
      { name: 'replyTo', in: 'body', resource: 'staff-delivery' },
      { name: 'draftId', in: 'body', resource: 'draft' },
    ],
  },
  'POST /staff/compose': {
    area: 'staff',
    as: 'olive',
    ids: [
      { name: 'replyTo', in: 'body', resource: 'staff-delivery' },
      { name: 'draftId', in: 'body', resource: 'draft' },
    ],
  },
  'POST /staff/compose/send': {
    area: 'staff',
    as: 'olive',
    ids: [
      { name: 'replyTo', in: 'body', resource: 'staff-delivery' },
      { name: 'draftId', in: 'body', resource: 'draft' },
    ],
  },
  // After a timed-out save: for a signed-out person, names nothing of the draft.
  'GET /staff/signed-out': { area: 'public', as: 'anonymous', ids: [] },
  'GET /staff/drafts': { area: 'staff', as: 'olive', ids: [] },
  'GET /staff/drafts/:draftId': {
    area: 'staff',
    as: 'olive',
    ids: [{ name: 'draftId', in: 'path', resource: 'draft' }],
  },
  'POST /staff/drafts/:draftId/delete': {
    area: 'staff',
    as: 'olive',
    ids: [{ name: 'draftId', in: 'path', resource: 'draft' }],
  },
  'GET /staff/sent/:messageId/attachments/:attachmentId': {
    area: 'staff',
    as: 'olive',
    ids: [
      { name: 'messageId', in: 'path', resource: 'message' },
      { name: 'attachmentId', in: 'path', resource: 'attachment' },
    ],
  },
  'GET /staff/compose/sent/:messageId': {
    area: 'staff',
    as: 'olive',
    ids: [{ name: 'messageId', in: 'path', resource: 'message' }],
  },
  'GET /staff/sent': { area: 'staff', as: 'olive', ids: [] },
  'GET /staff/sent/:messageId': {
    area: 'staff',
    as: 'olive',
    ids: [{ name: 'messageId', in: 'path', resource: 'message' }],
  },
  'POST /staff/sent/:messageId/revoke': {
    area: 'staff',
    as: 'olive',
    ids: [
      { name: 'messageId', in: 'path', resource: 'message' },
      { name: 'deliveryId', in: 'body', resource: 'delivery' },
    ],
  },
  'POST /staff/sent/:messageId/restore': {
    area: 'staff',
    as: 'olive',
    ids: [
      { name: 'messageId', in: 'path', resource: 'message' },
      { name: 'deliveryId', in: 'body', resource: 'delivery' },
    ],
  },
  'POST /staff/sent/:messageId/access-end': {
    area: 'staff',
    as: 'olive',
    ids: [{ name: 'messageId', in: 'path', resource: 'message' }],
  },
  'GET /staff/requests': { area: 'staff', as: 'olive', ids: [] },
  'GET /staff/requests/:requestId': {
    area: 'staff',
    as: 'olive',
    ids: [{ name: 'requestId', in: 'path', resource: 'access-request' }],
  },
  'POST /staff/requests/:requestId': {
    area: 'staff',
    as: 'olive',
    ids: [{ name: 'requestId', in: 'path', resource: 'access-request' }],
  },

  // Team mailboxes (docs/decisions/0028): the switcher, and working from one. The id in
  // the form is a team the person is on, else the 404 of a missing one.
  'GET /staff/mailboxes': { area: 'staff', as: 'olive', ids: [] },
  'POST /staff/mailboxes/act': {
    area: 'staff',
    as: 'olive',
    ids: [{ name: 'mailboxId', in: 'body', resource: 'account' }],
  },

  // ---- Admin (auditors read the dashboard and the audit log) ------------------------
  'GET /admin': { area: 'admin', as: 'adam', ids: [], readers: ['adam', 'audrey'] },
  'GET /admin/jobs': { area: 'admin', as: 'adam', ids: [] },
  'GET /admin/settings': { area: 'admin', as: 'adam', ids: [] },
  'POST /admin/settings': { area: 'admin', as: 'adam', ids: [] },
  // "Use the configured value": names a setting, not anything a person owns.
  'POST /admin/settings/reset': { area: 'admin', as: 'adam', ids: [] },
  'GET /admin/accounts': { area: 'admin', as: 'adam', ids: [] },
  'POST /admin/accounts': { area: 'admin', as: 'adam', ids: [] },
  'GET /admin/accounts/new': { area: 'admin', as: 'adam', ids: [] },
  'GET /admin/accounts/:id': {
    area: 'admin',
    as: 'adam',
    ids: [{ name: 'id', in: 'path', resource: 'account' }],
  },
  'GET /admin/accounts/:id/delete': {
    area: 'admin',
    as: 'adam',
    ids: [{ name: 'id', in: 'path', resource: 'account' }],
  },
  'POST /admin/accounts/:id/delete': {
    area: 'admin',
    as: 'adam',
    ids: [{ name: 'id', in: 'path', resource: 'account' }],
  },
  'POST /admin/accounts/:id/disable': {
    area: 'admin',
    as: 'adam',
    ids: [{ name: 'id', in: 'path', resource: 'account' }],
  },
  'POST /admin/accounts/:id/enable': {
    area: 'admin',
    as: 'adam',
    ids: [{ name: 'id', in: 'path', resource: 'account' }],
  },
  'POST /admin/accounts/:id/reset': {
    area: 'admin',
    as: 'adam',
    ids: [{ name: 'id', in: 'path', resource: 'account' }],
  },
  'POST /admin/accounts/:id/reset-second-factor': {
    area: 'admin',
    as: 'adam',
    ids: [{ name: 'id', in: 'path', resource: 'account' }],
  },
  'POST /admin/accounts/:id/unlock': {
    area: 'admin',
    as: 'adam',
    ids: [{ name: 'id', in: 'path', resource: 'account' }],
  },
  'GET /admin/teams': { area: 'admin', as: 'adam', ids: [] },
  'POST /admin/teams': { area: 'admin', as: 'adam', ids: [] },
  'POST /admin/teams/:id/members': {
    area: 'admin',
    as: 'adam',
    ids: [{ name: 'id', in: 'path', resource: 'account' }],
  },
  'POST /admin/teams/:id/members/:memberId/remove': {
    area: 'admin',
    as: 'adam',
    ids: [
      { name: 'id', in: 'path', resource: 'account' },
      { name: 'memberId', in: 'path', resource: 'account' },
    ],
  },
  'GET /admin/mail': { area: 'admin', as: 'adam', ids: [] },
  'POST /admin/mail/:id/retry': {
    area: 'admin',
    as: 'adam',
    ids: [{ name: 'id', in: 'path', resource: 'outbox-mail' }],
  },
  'GET /admin/keys': { area: 'admin', as: 'adam', ids: [] },
  'POST /admin/keys/rotate': { area: 'admin', as: 'adam', ids: [] },
  'GET /admin/audit': { area: 'admin', as: 'adam', ids: [], readers: ['adam', 'audrey'] },
  // The audit export: the whole trail as CSV, for admins and auditors only.
  'GET /admin/audit.csv': { area: 'admin', as: 'adam', ids: [], readers: ['adam', 'audrey'] },

  // ---- Monitoring (only with METRICS_TOKEN, behind a bearer token) --------------------
  'GET /metrics': { area: 'metrics', as: 'anonymous', ids: [] },
};

/** A Hono app's route table, as `app.routes` gives it. */
export type RouteTable = {
  routes: ReadonlyArray<{ method: string; path: string; handler: unknown }>;
};

/**
 * Every `METHOD /pattern` the app answers, from Hono's route table. Middleware (`use()`)
 * is registered as ALL with a handler that takes `next`; it is left out. A real `.all()`
 * route (a handler without `next`) stays in, and the inventory test reports it.
 */
export function appRoutes(app: RouteTable): string[] {
  const seen = new Set<string>();
  for (const route of app.routes) {
    const isMiddleware =
      route.method === 'ALL' &&
      typeof route.handler === 'function' &&
      (route.handler as (...args: unknown[]) => unknown).length >= 2;
    if (!isMiddleware) seen.add(`${route.method} ${route.path}`);
  }
  return [...seen].sort();
}

/** The routes of the catalogue that change state (every POST). */
export function stateChangingRoutes(): string[] {
  return Object.keys(ROUTES).filter((key) => key.startsWith('POST '));
}
