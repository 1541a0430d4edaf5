import type { Hono } from 'hono';
import type { Account } from '../../../../core/accounts/model.ts';
import {
  type ContactEntry,
  deleteContact,
  findContact,
  listContacts,
  saveContact,
  suggestContacts,
} from '../../../../core/contacts/address-book.ts';
import type { Settings } from '../../../../core/settings/model.ts';
import { ContactPage } from '../../../../views/pages/contacts/contact.tsx';
import { type ContactsNotice, ContactsPage } from '../../../../views/pages/contacts/contacts.tsx';
import { SuggestionList } from '../../../../views/pages/contacts/suggest.tsx';
import type { AppEnv } from '../../env.ts';
import { redirectKeepingLang } from '../../language.ts';
import { urlencodedFields } from '../compose/compose-form.ts';
import { isCouncilAddress, splitAddresses } from '../compose/recipients.ts';
import { contactIssueText, contactValues } from './contact-form.ts';
import {
  basics,
  type Ctx,
  composePageProps,
  notFoundFor,
  type RecipientAreaDeps,
  render,
  signInRequired,
} from './context.ts';

/** Suggestions offered while an address is typed. */
const SUGGESTIONS = 8;

/**
 * The address book: the list with its "add a contact" form, and the suggestions htmx
 * offers while an address is typed (only addresses the person may write to).
 */
export function addressBookRoutes(area: Hono<AppEnv>, deps: RecipientAreaDeps): void {
  const { app } = deps;

  const contactsPage = async (
    c: Ctx,
    account: Account,
    args: {
      values?: { name: string; email: string; note: string };
      issues?: Record<string, string>;
    },
  ) => {
    const { props, settings } = await composePageProps(deps, c, account);
    const notice = c.req.query('notice');
    return ContactsPage({
      ...props,
      contacts: contactItems(settings, await listContacts(deps.contacts, { ownerId: account.id })),
      values: args.values ?? { name: '', email: '', note: '' },
      issues: args.issues ?? {},
      notice: c.req.method === 'GET' && isContactsNotice(notice) ? notice : null,
    });
  };

  area.get('/contacts', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(deps, c);
    return render(c, await contactsPage(c, account, {}));
  });

  area.post('/contacts', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(deps, c);
    const { strings } = await basics(deps, c);
    const form = await urlencodedFields(c);
    const values = contactValues(form);
    const result = await saveContact(deps.contacts, { ownerId: account.id, ...values });
    if (result.ok) return redirectKeepingLang(c, '/contacts?notice=added');
    if (result.reason === 'not-found') return notFoundFor(deps, c, account);
    const issues = contactIssueText(strings, result.issues);
    return render(c, await contactsPage(c, account, { values, issues }), 400);
  });

  area.get('/contacts/suggest', async (c) => {
    const account = c.get('account');
    if (!account) return c.body(null, 204);
    const settings = await app.settings.get();
    const field = c.req.query('cc') !== undefined ? 'cc' : 'to';
    const typed = (c.req.query('q') ?? c.req.query(field) ?? '').slice(0, 2_000);
    // Only the last address is being typed; the ones before it are kept as they are.
    const cut = Math.max(typed.lastIndexOf(','), typed.lastIndexOf(';'));
    const before = splitAddresses(cut < 0 ? '' : typed.slice(0, cut));
    const term = (cut < 0 ? typed : typed.slice(cut + 1)).trim();
    const suggestions = await suggestContacts(deps.contacts, {
      ownerId: account.id,
      query: term,
      limit: SUGGESTIONS,
      accept: (email) => isCouncilAddress(settings, email),
    });
    const { strings } = await basics(deps, c);
    return c.html(
      SuggestionList({
        field,
        prefix: before.length > 0 ? `${before.join(', ')}, ` : '',
        suggestions: suggestions.map((s) => ({
          email: s.email,
          label: strings.compose.suggest.label(s.name, s.email),
        })),
      }),
    );
  });
}

/**
 * One contact: its page, saving changes and deleting it. Mounted after every fixed
 * path under /contacts (`suggest`, `groups`), which `/contacts/:id` would otherwise take.
 */
export function contactRoutes(area: Hono<AppEnv>, deps: RecipientAreaDeps): void {
  const contactPage = async (
    c: Ctx,
    account: Account,
    contactId: string,
    args: {
      values?: { name: string; email: string; note: string };
      issues?: Record<string, string>;
    },
  ) => {
    const contact = await findContact(deps.contacts, { ownerId: account.id, contactId });
    if (!contact) return null;
    const { props, settings } = await composePageProps(deps, c, account);
    return ContactPage({
      ...props,
      contactId: contact.id,
      storedName: contact.name,
      canWrite: isCouncilAddress(settings, contact.email),
      values: args.values ?? { name: contact.name, email: contact.email, note: contact.note },
      issues: args.issues ?? {},
    });
  };

  area.get('/contacts/:id', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(deps, c);
    const page = await contactPage(c, account, c.req.param('id'), {});
    return page ? render(c, page) : notFoundFor(deps, c, account);
  });

  area.post('/contacts/:id', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(deps, c);
    const contactId = c.req.param('id');
    const { strings } = await basics(deps, c);
    const values = contactValues(await urlencodedFields(c));
    const result = await saveContact(deps.contacts, {
      ownerId: account.id,
      contactId,
      ...values,
    });
    if (result.ok) return redirectKeepingLang(c, '/contacts?notice=saved');
    if (result.reason === 'not-found') return notFoundFor(deps, c, account);
    const issues = contactIssueText(strings, result.issues);
    const page = await contactPage(c, account, contactId, { values, issues });
    return page ? render(c, page, 400) : notFoundFor(deps, c, account);
  });

  area.post('/contacts/:id/delete', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(deps, c);
    const deleted = await deleteContact(deps.contacts, {
      ownerId: account.id,
      contactId: c.req.param('id'),
    });
    if (!deleted) return notFoundFor(deps, c, account);
    return redirectKeepingLang(c, '/contacts?notice=deleted');
  });
}

function contactItems(settings: Settings, contacts: ContactEntry[]) {
  return contacts.map((contact) => ({
    id: contact.id,
    name: contact.name,
    email: contact.email,
    note: contact.note,
    canWrite: isCouncilAddress(settings, contact.email),
  }));
}

function isContactsNotice(value: string | undefined): value is ContactsNotice {
  return value === 'added' || value === 'saved' || value === 'deleted';
}
