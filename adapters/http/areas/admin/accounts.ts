import type { Hono } from 'hono';
import { normaliseEmail } from '../../../../core/accounts/email.ts';
import type { Account, AccountKind, Role } from '../../../../core/accounts/model.ts';
import { setAccountDisabled, unlockAccount } from '../../../../core/admin/account-status.ts';
import {
  createStaffMember,
  STAFF_ROLES,
  type StaffRole,
} from '../../../../core/admin/create-staff-member.ts';
import { deleteAccount, whyNotDeletable } from '../../../../core/admin/delete-account.ts';
import { resetSecondFactor } from '../../../../core/admin/reset-second-factor.ts';
import { sendResetLink } from '../../../../core/admin/send-reset-link.ts';
import { isLocked } from '../../../../core/auth/lockout.ts';
import {
  AccountPage,
  type AccountSearch,
  AccountsPage,
  type AccountView,
  DeleteAccountPage,
  type NewStaffForm,
  NewStaffPage,
} from '../../../../views/pages/admin/accounts.tsx';
import { ADMIN_PATHS, accountPath } from '../../../../views/pages/admin/shared.tsx';
import type { AppEnv } from '../../env.ts';
import { redirectKeepingLang } from '../../language.ts';
import { type Ctx, formOf, notFound } from '../staff/context.ts';
import { idParam } from '../staff/params.ts';
import { type AdminAreaDeps, actorOf, adminPageProps, pageOf, queryText } from './context.ts';

/** Accounts listed on a page of search results. */
const PAGE_SIZE = 25;
const KINDS: readonly AccountKind[] = ['staff', 'external'];
const ROLES: readonly Role[] = ['recipient', 'sender', 'admin', 'auditor'];

/** The banners an account page may show after an action, by `done`. */
const DONE = [
  'created',
  'unlocked',
  'disabled',
  'enabled',
  'reset',
  'second-factor-reset',
] as const;
type Done = (typeof DONE)[number];

/**
 * Finding accounts, adding staff, and the actions on one account: unlock, disable or
 * enable, email a reset link, delete. Each action is a POST with the CSRF token,
 * calls one use case (which records its audit event) and comes back to the account's
 * page with a banner (303), or with the reason it did nothing (400).
 */
export function accountRoutes(area: Hono<AppEnv>, deps: AdminAreaDeps): void {
  const repos = () => deps.admin.storage.repos;

  /** An account as the pages show it, at this moment. */
  const view = (account: Account): AccountView => {
    const now = deps.admin.clock.now();
    return {
      id: account.id,
      email: account.email,
      displayName: account.displayName,
      kind: account.kind,
      role: account.role,
      status: account.status,
      lockedUntil: isLocked(account, now) ? account.lockedUntil : null,
      registered: account.passwordHash !== null,
      teamMailbox: account.sharedMailbox,
      twoFactor: account.totpKeyEnc !== null,
      passkeys: account.passkeyCount,
      legalHold: account.legalHold,
      createdAt: account.createdAt,
      lastSignInAt: account.lastSignInAt,
      passwordChangedAt: account.passwordChangedAt,
    };
  };

  /** The account named by the path, or null. */
  const accountIn = async (c: Ctx) => {
    const id = idParam(c, 'id');
    return id ? repos().accounts.findById({ id }) : null;
  };

  /** The account's page, with a banner or a problem. */
  const accountPage = async (
    c: Ctx,
    account: Account,
    extra: { notice?: string | null; problem?: string | null } = {},
  ) => {
    const actor = actorOf(c);
    return AccountPage({
      ...(await adminPageProps(deps, c)),
      account: view(account),
      isSelf: account.id === actor.id,
      deleteBlock: await whyNotDeletable(deps.admin, { accountId: account.id, actor }),
      ...extra,
    });
  };

  area.get(ADMIN_PATHS.accounts, async (c) => {
    const search: AccountSearch = {
      q: queryText(c, 'q'),
      kind: KINDS.includes(queryText(c, 'kind') as AccountKind) ? queryText(c, 'kind') : '',
      role: ROLES.includes(queryText(c, 'role') as Role) ? queryText(c, 'role') : '',
    };
    const page = pageOf(c);
    const found = await repos().accounts.search({
      ...(search.q ? { query: search.q.toLowerCase() } : {}),
      ...(search.kind ? { kind: search.kind as AccountKind } : {}),
      ...(search.role ? { role: search.role as Role } : {}),
      limit: PAGE_SIZE + 1,
      offset: (page - 1) * PAGE_SIZE,
    });
    const props = await adminPageProps(deps, c);
    return c.html(
      AccountsPage({
        ...props,
        search,
        page,
        rows: found.slice(0, PAGE_SIZE).map(view),
        hasMore: found.length > PAGE_SIZE,
        notice:
          c.req.query('done') === 'deleted' ? props.strings.admin.deleteAccount.deleted : null,
      }),
    );
  });

  area.get(ADMIN_PATHS.newAccount, async (c) =>
    c.html(
      NewStaffPage({
        ...(await adminPageProps(deps, c)),
        values: { name: '', email: '', role: 'sender' },
      }),
    ),
  );

  area.post(ADMIN_PATHS.accounts, async (c) => {
    const body = await formOf(c);
    const values: NewStaffForm = {
      name: body.get('name').trim().slice(0, 200),
      email: body.get('email').trim().slice(0, 320),
      role: body.get('role'),
    };
    const props = await adminPageProps(deps, c);
    const e = props.strings.admin.newStaff.errors;
    const errors: Record<string, string> = {};
    const name = values.name;
    if (name === '' || name.length > 100 || /[\r\n<>]/.test(name)) errors.name = e.name;
    if (!normaliseEmail(values.email).ok) errors.email = e.email;
    const role = STAFF_ROLES.find((r) => r === values.role);
    if (!role) errors.role = e.role;
    if (Object.keys(errors).length > 0 || !role) {
      return c.html(NewStaffPage({ ...props, values, errors }), 400);
    }
    const result = await createStaffMember(deps.admin, {
      email: values.email,
      name,
      role: role satisfies StaffRole,
      actor: actorOf(c),
    });
    if (!result.ok) {
      // The checks above passed, so what is left is an address already in use.
      const issues: Record<string, string> = {};
      for (const field of Object.keys(result.issues)) {
        issues[field] = field === 'email' ? e.exists : field === 'name' ? e.name : e.email;
      }
      return c.html(NewStaffPage({ ...props, values, errors: issues }), 400);
    }
    return redirectKeepingLang(c, `${accountPath(result.account.id)}?done=created`);
  });

  area.get(`${ADMIN_PATHS.accounts}/:id`, async (c) => {
    const account = await accountIn(c);
    if (!account) return notFound(deps, c);
    const s = (await adminPageProps(deps, c)).strings.admin.account.done;
    const done = DONE.find((d) => d === c.req.query('done')) as Done | undefined;
    const notice =
      done === 'created'
        ? s.created(account.email)
        : done === 'reset'
          ? s.reset(account.email)
          : done
            ? s[done]
            : null;
    return c.html(await accountPage(c, account, { notice }));
  });

  /** One of the simple actions: the use case, then the page with a banner or the reason. */
  const action = (
    name: string,
    done: Done,
    run: (c: Ctx, accountId: string) => Promise<{ ok: true } | { ok: false; reason: string }>,
  ) =>
    area.post(`${ADMIN_PATHS.accounts}/:id/${name}`, async (c) => {
      const account = await accountIn(c);
      if (!account) return notFound(deps, c);
      const result = await run(c, account.id);
      if (result.ok) return redirectKeepingLang(c, `${accountPath(account.id)}?done=${done}`);
      if (result.reason === 'not-found') return notFound(deps, c);
      const problems = (await adminPageProps(deps, c)).strings.admin.account.problems;
      const problem = problems[result.reason as keyof typeof problems] ?? problems['no-change'];
      const fresh = (await repos().accounts.findById({ id: account.id })) ?? account;
      return c.html(await accountPage(c, fresh, { problem }), 400);
    });

  action('unlock', 'unlocked', (c, accountId) =>
    unlockAccount(deps.admin, { accountId, actor: actorOf(c) }),
  );
  action('disable', 'disabled', (c, accountId) =>
    setAccountDisabled(deps.admin, { accountId, disabled: true, actor: actorOf(c) }),
  );
  action('enable', 'enabled', (c, accountId) =>
    setAccountDisabled(deps.admin, { accountId, disabled: false, actor: actorOf(c) }),
  );
  action('reset', 'reset', (c, accountId) =>
    sendResetLink(deps.admin, { accountId, actor: actorOf(c) }),
  );
  // The box is the confirmation step: it works without JavaScript, and an admin who
  // has not ticked it has not yet checked the request comes from the person.
  action('reset-second-factor', 'second-factor-reset', async (c, accountId) =>
    (await formOf(c)).get('confirm') === 'yes'
      ? resetSecondFactor(deps.admin, { accountId, actor: actorOf(c) })
      : { ok: false, reason: 'not-confirmed' },
  );

  area.get(`${ADMIN_PATHS.accounts}/:id/delete`, async (c) => {
    const account = await accountIn(c);
    if (!account) return notFound(deps, c);
    const block = await whyNotDeletable(deps.admin, { accountId: account.id, actor: actorOf(c) });
    if (block) return redirectKeepingLang(c, accountPath(account.id));
    return c.html(
      DeleteAccountPage({ ...(await adminPageProps(deps, c)), account: view(account) }),
    );
  });

  area.post(`${ADMIN_PATHS.accounts}/:id/delete`, async (c) => {
    const account = await accountIn(c);
    if (!account) return notFound(deps, c);
    const result = await deleteAccount(deps.admin, { accountId: account.id, actor: actorOf(c) });
    if (result.ok) return redirectKeepingLang(c, `${ADMIN_PATHS.accounts}?done=deleted`);
    if (result.reason === 'not-found') return notFound(deps, c);
    const strings = (await adminPageProps(deps, c)).strings.admin.account;
    return c.html(
      await accountPage(c, account, { problem: strings.notDeletable[result.reason] }),
      400,
    );
  });
}
