import type { HttpBindings } from '@hono/node-server';
import type { Account } from '../../core/accounts/model.ts';
import type { Session } from '../../core/auth/model.ts';
import type { TimedOutSession } from '../../core/auth/sessions.ts';

/** The typed context every route sees; set once by middleware, read anywhere. */
export type AppEnv = {
  Bindings: HttpBindings;
  Variables: {
    /** A random id per request, echoed in `X-Request-Id` and in every log line. */
    requestId: string;
    /** The signed-in session, or null. Set by the session middleware. */
    session: Session | null;
    /**
     * Whose mailbox the request works on, or null: the signed-in person, or, on the
     * mailbox routes while they act for a shared mailbox, that mailbox's account
     * (docs/decisions/0028). Queries, checks and senders follow it.
     */
    account: Account | null;
    /** The signed-in human, whatever mailbox they act for; null when signed out. */
    person: Account | null;
    /** The shared mailbox the person acts for (on every page, for the banner), or null. */
    actingFor: Account | null;
    /**
     * When the cookie names a session that ended by inactivity moments ago: whose it
     * was. Not a sign-in; it lets a form that was open save its text as a draft.
     */
    timedOut: TimedOutSession | null;
    /** The anti-CSRF token for forms on this page (bound to the session). */
    csrfToken: string;
    /** The client address, from the socket or, behind a trusted proxy, X-Forwarded-For. */
    clientIp: string;
  };
};
