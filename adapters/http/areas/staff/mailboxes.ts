import type { Hono } from 'hono';
import { mailboxesOf, mailboxToActFor } from '../../../../core/mailboxes/membership.ts';
import { StaffMailboxesPage } from '../../../../views/pages/staff/mailboxes.tsx';
import { STAFF_PATHS } from '../../../../views/pages/staff/shared.tsx';
import type { AppEnv } from '../../env.ts';
import { redirectKeepingLang } from '../../language.ts';
import {
  canSend,
  formOf,
  notFound,
  type StaffAreaDeps,
  staffPageProps,
  staffPersonOf,
} from './context.ts';

/** Ids are random and short; anything longer is not one, and is not looked up. */
const MAX_ID_LENGTH = 128;

/**
 * The team mailbox switcher (docs/decisions/0028): the staff member's own mailbox and
 * every team mailbox they are on, and the POST that makes the session work in one.
 * Neither is a mailbox route, so `account` here is always the person. A team they are
 * not on is answered with the same 404 as an id that names nothing; auditors, who
 * never work from a team, get the 404 for the page itself.
 */
export function mailboxRoutes(area: Hono<AppEnv>, deps: StaffAreaDeps): void {
  const repos = () => deps.accounts.storage.repos;

  area.get(STAFF_PATHS.mailboxes, async (c) => {
    const person = staffPersonOf(c);
    if (!canSend(person)) return notFound(deps, c);
    // Staff act only for team mailboxes (the same kind as themselves): the council's
    // switch for generic addresses plays no part here.
    const { mailboxes } = await mailboxesOf(repos(), { person, genericAllowed: false });
    const acting = c.get('actingFor');
    return c.html(
      StaffMailboxesPage({
        ...(await staffPageProps(deps, c)),
        choices: [
          {
            id: person.id,
            email: person.email,
            name: person.displayName,
            own: true,
            current: acting === null,
          },
          ...mailboxes.map((m) => ({
            id: m.id,
            email: m.email,
            name: m.displayName,
            own: false,
            current: acting?.id === m.id,
          })),
        ],
      }),
    );
  });

  area.post(STAFF_PATHS.actAs, async (c) => {
    const person = staffPersonOf(c);
    const session = c.get('session');
    if (!session || !canSend(person)) return notFound(deps, c);
    const mailboxId = (await formOf(c)).get('mailboxId');
    if (mailboxId === person.id) {
      await repos().sessions.setActingMailbox({ id: session.id, mailboxId: null });
      return redirectKeepingLang(c, STAFF_PATHS.inbox);
    }
    if (mailboxId === '' || mailboxId.length > MAX_ID_LENGTH) return notFound(deps, c);
    // Membership is checked here and again on every request (a removed member is back
    // in their own mailbox at their next click).
    const mailbox = await mailboxToActFor(repos(), { person, mailboxId, genericAllowed: false });
    if (!mailbox) return notFound(deps, c);
    await repos().sessions.setActingMailbox({ id: session.id, mailboxId: mailbox.id });
    return redirectKeepingLang(c, STAFF_PATHS.inbox);
  });
}
