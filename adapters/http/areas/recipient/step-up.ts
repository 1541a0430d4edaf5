import type { Hono, MiddlewareHandler } from 'hono';
import { startStepUp } from '../../../../core/auth/second-factor.ts';
import type { MailboxDeps } from '../../../../core/messages/deps.ts';
import { findOwnDelivery } from '../../../../core/messages/read-access.ts';
import { type StepUpRefusal, stepUpForDelivery } from '../../../../core/messages/step-up.ts';
import { type MailboxPageProps, mailboxPaths } from '../../../../views/pages/mailbox/shared.tsx';
import { StepUpPage } from '../../../../views/pages/mailbox/step-up.tsx';
import { accountTwoFactorPaths } from '../../../../views/pages/mailbox/two-factor.tsx';
import { STAFF_PATHS } from '../../../../views/pages/staff/shared.tsx';
import type { AppEnv } from '../../env.ts';
import { safeNextPath } from '../public/paths.ts';
import {
  type Ctx,
  idOf,
  MAX_ID_LENGTH,
  notFound,
  type RecipientAreaDeps,
  seeOther,
  signedIn,
} from './context.ts';

/** Where the second step of signing in asks for the factor (the shared sign-in's page). */
const SECOND_STEP_PATH = STAFF_PATHS.signIn2fa;

/** The pages a step-up may come back to: a recipient's message, or a staff member's copy. */
const MESSAGE_PAGES = /^\/(?:staff\/)?inbox\/[^/?#]+$/;

/** Where a person without a second factor sets one up, with the way back to the message. */
function setUpHref(c: Ctx, back: string): string {
  const person = c.get('person');
  const page = person?.kind === 'staff' ? STAFF_PATHS.twoFactor : accountTwoFactorPaths.page;
  return `${page}?next=${encodeURIComponent(back)}`;
}

/** Whether this request's session must take a second step before the delivery opens. */
async function refusalFor(
  mailbox: MailboxDeps,
  c: Ctx,
  deliveryId: string,
): Promise<StepUpRefusal | null> {
  const account = c.get('account');
  const person = c.get('person');
  const session = c.get('session');
  if (!account || !person || !session) return null;
  return stepUpForDelivery(mailbox, { account, person, session, deliveryId });
}

/**
 * A message marked "second factor required" by its sender opens only in a session that
 * proved one (docs/decisions/0029). This gate stands before every route under a
 * message's path that shows any of it (the page, its inline images and files, reply
 * and forward with the quoted text, their htmx fragments, delete's page): without the
 * second step, each answers the explanation page (403), or, to an htmx request, sends
 * the browser to the message's page, which explains. The id of someone else's delivery
 * passes through untouched, so the route's own check gives it the one 404. The person
 * and their own session count, also when they act for a team mailbox.
 *
 * `pattern` finds the delivery id in the path (its first group), and `messagePath`
 * names the message's own page; the recipient's `/inbox/<id>` and a staff member's
 * `/staff/inbox/<id>` each mount one.
 */
export function stepUpGate(args: {
  mailbox: MailboxDeps;
  props: (c: Ctx) => Promise<MailboxPageProps>;
  pattern: RegExp;
  messagePath: (deliveryId: string) => string;
}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const match = args.pattern.exec(c.req.path);
    const raw = match?.[1];
    if (!raw || match?.[2] === 'step-up') return next();
    let deliveryId: string;
    try {
      deliveryId = decodeURIComponent(raw);
    } catch {
      return next();
    }
    if (deliveryId.length > MAX_ID_LENGTH) return next();
    const refusal = await refusalFor(args.mailbox, c, deliveryId);
    if (!refusal) return next();
    const back = args.messagePath(deliveryId);
    if (c.req.header('HX-Request') === 'true') {
      c.header('HX-Redirect', back);
      return c.body(null, 403);
    }
    return c.html(
      StepUpPage({
        ...(await args.props(c)),
        ...refusal,
        back,
        setUpHref: setUpHref(c, back),
      }),
      403,
    );
  };
}

/**
 * The explanation page's form: for a person who has a second factor this session never
 * used, the session waits for it again (`startStepUp`) and the ordinary second step of
 * signing in asks for it, then returns to the message with the session reissued and
 * marked. A person without one is sent to set one up; a message that no longer needs
 * it simply opens; someone else's id gets the one 404.
 */
export function stepUpRoutes(area: Hono<AppEnv>, deps: RecipientAreaDeps): void {
  area.post('/inbox/:id/step-up', async (c) => {
    const deliveryId = idOf(c);
    const session = c.get('session');
    const person = c.get('person');
    if (!deliveryId || !session || !person) return notFound(deps, c);
    // Someone else's id (or a missing one) gets the one 404, as on every message route.
    const own = await findOwnDelivery(
      deps.mailbox.storage.repos,
      signedIn(c),
      deliveryId,
      deps.mailbox.clock.now(),
    );
    if (!own.ok) return notFound(deps, c);
    // Back to the page the form was on: this message's, for a recipient or for staff.
    const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const typed = safeNextPath(typeof body.next === 'string' ? body.next : null);
    const back =
      typed && MESSAGE_PAGES.test(typed) && typed.endsWith(`/${encodeURIComponent(deliveryId)}`)
        ? typed
        : mailboxPaths.message(deliveryId);
    const refusal = await refusalFor(deps.mailbox, c, deliveryId);
    if (!refusal) return seeOther(c, back);
    if (refusal.need === 'enrol') return seeOther(c, setUpHref(c, back));
    await startStepUp(deps.mailbox, { sessionId: session.id, accountId: person.id });
    return seeOther(c, `${SECOND_STEP_PATH}?next=${encodeURIComponent(back)}`);
  });
}
