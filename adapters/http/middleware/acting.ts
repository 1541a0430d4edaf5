import type { MiddlewareHandler } from 'hono';
import type { SettingsReader } from '../../../core/accounts/deps.ts';
import { mailboxToActFor } from '../../../core/mailboxes/membership.ts';
import type { Storage } from '../../../core/storage/ports.ts';
import { actingContext } from '../acting-context.ts';
import type { AppEnv } from '../env.ts';

/**
 * The routes that work on a mailbox rather than on the person: reading, answering,
 * writing, drafts, sent items, the address book, and staff's requests. Everything else
 * (the account page, password, second factor, sign-out, admin) is the person's own.
 */
export const MAILBOX_ROUTES =
  /^\/(?:inbox|compose|drafts|sent|contacts)(?:\/|$)|^\/staff(?:\/(?:inbox|compose|sent|drafts|requests)(?:\/|$)|\/?$)/;

/**
 * After the session middleware: when the person has chosen a shared mailbox, checks
 * their membership again (a removed member is back in their own mailbox at their next
 * click) and, on the mailbox routes, makes the mailbox the request's `account` and runs
 * the rest of the request with the person recorded as acting for it, so the audit trail
 * names them (docs/decisions/0028).
 */
export function actingForMailbox(args: {
  storage: Storage;
  settings: SettingsReader;
}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const person = c.get('person');
    const session = c.get('session');
    if (!person || !session?.actingMailboxId) return next();
    const mailbox = await mailboxToActFor(args.storage.repos, {
      person,
      mailboxId: session.actingMailboxId,
      genericAllowed: (await args.settings.get()).sharedMailboxes,
    });
    if (!mailbox) {
      await args.storage.repos.sessions.setActingMailbox({ id: session.id, mailboxId: null });
      return next();
    }
    c.set('actingFor', mailbox);
    if (!MAILBOX_ROUTES.test(c.req.path)) return next();
    c.set('account', mailbox);
    const delegate = {
      mailboxId: mailbox.id,
      mailboxLabel: mailbox.email,
      memberId: person.id,
      memberLabel: person.email,
    };
    return actingContext.run(delegate, () => next());
  };
}
