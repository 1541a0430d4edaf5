import type { Hono } from 'hono';
import type { Account } from '../../../../core/accounts/model.ts';
import { listContacts } from '../../../../core/contacts/address-book.ts';
import { deleteGroup, findGroup, listGroups, saveGroup } from '../../../../core/contacts/groups.ts';
import { GroupPage } from '../../../../views/pages/contacts/group.tsx';
import { type GroupsNotice, GroupsPage } from '../../../../views/pages/contacts/groups.tsx';
import type { AppEnv } from '../../env.ts';
import { redirectKeepingLang } from '../../language.ts';
import { urlencodedFields } from '../compose/compose-form.ts';
import { contactIssueText } from './contact-form.ts';
import {
  basics,
  type Ctx,
  composePageProps,
  notFoundFor,
  type RecipientAreaDeps,
  render,
  signInRequired,
} from './context.ts';

/** Groups of contacts: the list with its "create a group" form, one group, deleting one. */
export function groupRoutes(area: Hono<AppEnv>, deps: RecipientAreaDeps): void {
  const groupsPage = async (
    c: Ctx,
    account: Account,
    args: { values?: { name: string; memberIds: string[] }; issues?: Record<string, string> },
  ) => {
    const { props } = await composePageProps(deps, c, account);
    const [groups, contacts] = await Promise.all([
      listGroups(deps.contacts, { ownerId: account.id }),
      listContacts(deps.contacts, { ownerId: account.id }),
    ]);
    const notice = c.req.query('notice');
    return GroupsPage({
      ...props,
      groups: groups.map((g) => ({ id: g.id, name: g.name, count: g.members.length })),
      contacts,
      values: args.values ?? { name: '', memberIds: [] },
      issues: args.issues ?? {},
      notice: c.req.method === 'GET' && isGroupsNotice(notice) ? notice : null,
    });
  };

  const groupPage = async (
    c: Ctx,
    account: Account,
    groupId: string,
    args: { values?: { name: string; memberIds: string[] }; issues?: Record<string, string> },
  ) => {
    const group = await findGroup(deps.contacts, { ownerId: account.id, groupId });
    if (!group) return null;
    const { props } = await composePageProps(deps, c, account);
    return GroupPage({
      ...props,
      groupId: group.id,
      storedName: group.name,
      contacts: await listContacts(deps.contacts, { ownerId: account.id }),
      values: args.values ?? { name: group.name, memberIds: group.members.map((m) => m.id) },
      issues: args.issues ?? {},
    });
  };

  area.get('/contacts/groups', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(deps, c);
    return render(c, await groupsPage(c, account, {}));
  });

  area.post('/contacts/groups', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(deps, c);
    const { strings } = await basics(deps, c);
    const form = await urlencodedFields(c);
    const values = { name: form.get('name'), memberIds: form.all('members') };
    const result = await saveGroup(deps.contacts, { ownerId: account.id, ...values });
    if (result.ok) return redirectKeepingLang(c, '/contacts/groups?notice=created');
    if (result.reason === 'not-found') return notFoundFor(deps, c, account);
    const issues = contactIssueText(strings, result.issues);
    return render(c, await groupsPage(c, account, { values, issues }), 400);
  });

  area.get('/contacts/groups/:id', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(deps, c);
    const page = await groupPage(c, account, c.req.param('id'), {});
    return page ? render(c, page) : notFoundFor(deps, c, account);
  });

  area.post('/contacts/groups/:id', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(deps, c);
    const groupId = c.req.param('id');
    const { strings } = await basics(deps, c);
    const form = await urlencodedFields(c);
    const values = { name: form.get('name'), memberIds: form.all('members') };
    const result = await saveGroup(deps.contacts, { ownerId: account.id, groupId, ...values });
    if (result.ok) return redirectKeepingLang(c, '/contacts/groups?notice=saved');
    if (result.reason === 'not-found') return notFoundFor(deps, c, account);
    const issues = contactIssueText(strings, result.issues);
    const page = await groupPage(c, account, groupId, { values, issues });
    return page ? render(c, page, 400) : notFoundFor(deps, c, account);
  });

  area.post('/contacts/groups/:id/delete', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(deps, c);
    const deleted = await deleteGroup(deps.contacts, {
      ownerId: account.id,
      groupId: c.req.param('id'),
    });
    if (!deleted) return notFoundFor(deps, c, account);
    return redirectKeepingLang(c, '/contacts/groups?notice=deleted');
  });
}

function isGroupsNotice(value: string | undefined): value is GroupsNotice {
  return value === 'created' || value === 'saved' || value === 'deleted';
}
