import type { Storage } from '../../../core/storage/ports.ts';
import {
  ACTING_SLOT,
  ActingLine,
  MAILBOXES_NAV_SLOT,
  MAILBOXES_PATH,
  MailboxesNavItem,
} from '../../../views/components/acting-line.tsx';
import { stringsFor } from '../../../views/strings/index.ts';
import type { SlotFiller } from './page-slots.ts';

/**
 * Fills the layout's `ACTING_SLOT` and `MAILBOXES_NAV_SLOT` on a recipient's page: while
 * the person works from a shared mailbox, "You are working in care.referrals@…" with a
 * link to switch, on every page, so nobody answers from the wrong address; and the menu
 * item "Shared mailboxes" for anyone who has one or an invitation to one.
 *
 * Cost: nothing while acting (the acting middleware already loaded the mailbox); else
 * one prepared, indexed lookup of the person's memberships, and only on a full page
 * whose menu has the slot (`pageSlots` reads each page once for every filler; staff
 * pages' own menu says "Team mailboxes"). A staff member's team line is their pages' own.
 */
export function actingLine(args: { storage: Storage }): SlotFiller {
  return async (c, html, lang) => {
    const person = c.get('person');
    if (!person) return html;
    const lineAt = html.indexOf(ACTING_SLOT);
    const navAt = html.indexOf(MAILBOXES_NAV_SLOT);
    if (lineAt < 0 && navAt < 0) return html;
    const strings = stringsFor(lang);
    const actingFor = c.get('actingFor');
    const mine = actingFor?.kind === 'external' ? actingFor : null;
    const line = mine ? String(ActingLine({ strings, lang, email: mine.email })) : '';
    let nav = '';
    if (navAt >= 0 && person.kind === 'external') {
      const hasMailboxes =
        mine !== null ||
        (await args.storage.repos.mailboxMembers.listForMember({ memberId: person.id })).length > 0;
      const current = c.req.path === MAILBOXES_PATH;
      if (hasMailboxes) nav = String(MailboxesNavItem({ strings, lang, current }));
    }
    // A function, not a string: `$&` in an address must not be read as a pattern.
    return html.replace(ACTING_SLOT, () => line).replace(MAILBOXES_NAV_SLOT, () => nav);
  };
}
