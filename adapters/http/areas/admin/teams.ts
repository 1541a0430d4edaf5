import type { Hono } from 'hono';
import type { Account } from '../../../../core/accounts/model.ts';
import {
  assignTeamMember,
  createTeamMailbox,
  listTeams,
  type Team,
  unassignTeamMember,
} from '../../../../core/mailboxes/teams.ts';
import { ADMIN_PATHS } from '../../../../views/pages/admin/shared.tsx';
import {
  type AssignError,
  type NewTeamForm,
  TeamsPage,
  type TeamView,
} from '../../../../views/pages/admin/teams.tsx';
import type { AppEnv } from '../../env.ts';
import { redirectKeepingLang } from '../../language.ts';
import { type Ctx, formOf, notFound, staffOf } from '../staff/context.ts';
import { idParam } from '../staff/params.ts';
import { type AdminAreaDeps, adminPageProps } from './context.ts';

/** The banners the page may show after a change, by `done`. */
const DONE = ['created', 'assigned', 'removed'] as const;

/**
 * Team mailboxes (docs/decisions/0028): list them with their members, create one, add a
 * staff member by address, take one off. Administrators only (the area's guard), every
 * change a POST with the CSRF token, recorded in the audit trail by its use case. An id
 * that names no team gets the same 404 as a missing page; a problem with what was typed
 * comes back (400) with it kept and worded from views/strings.
 */
export function teamRoutes(area: Hono<AppEnv>, deps: AdminAreaDeps): void {
  const membership = () => ({
    storage: deps.admin.storage,
    ids: deps.admin.ids,
    clock: deps.admin.clock,
    secrets: deps.admin.secrets,
  });

  const view = (team: Team): TeamView => ({
    id: team.mailbox.id,
    email: team.mailbox.email,
    name: team.mailbox.displayName,
    members: team.members.map((m) => ({ id: m.id, email: m.email, name: m.displayName })),
  });

  const page = async (
    c: Ctx,
    extra: {
      values?: NewTeamForm;
      errors?: Record<string, string>;
      assignError?: AssignError | null;
      notice?: string | null;
    } = {},
  ) =>
    TeamsPage({
      ...(await adminPageProps(deps, c)),
      teams: (await listTeams(membership())).map(view),
      values: extra.values ?? { email: '', name: '' },
      errors: extra.errors ?? {},
      assignError: extra.assignError ?? null,
      notice: extra.notice ?? null,
    });

  /** The banner named by the query (`done`, `team`, `member`), worded with their names. */
  const noticeOf = async (c: Ctx): Promise<string | null> => {
    const done = DONE.find((d) => d === c.req.query('done'));
    if (!done) return null;
    const repos = deps.admin.storage.repos;
    const find = async (name: string): Promise<Account | null> => {
      const id = c.req.query(name) ?? '';
      return id === '' || id.length > 128 ? null : repos.accounts.findById({ id });
    };
    const team = await find('team');
    if (!team?.sharedMailbox) return null;
    const s = (await adminPageProps(deps, c)).strings.admin.teams.done;
    if (done === 'created') return s.created(team.email);
    const member = await find('member');
    if (!member) return null;
    return s[done](member.displayName, team.email);
  };

  area.get(ADMIN_PATHS.teams, async (c) => c.html(await page(c, { notice: await noticeOf(c) })));

  area.post(ADMIN_PATHS.teams, async (c) => {
    const body = await formOf(c);
    const values: NewTeamForm = {
      email: body.get('email').trim().slice(0, 320),
      name: body.get('name').trim().slice(0, 200),
    };
    const settings = await deps.admin.settings.get();
    const result = await createTeamMailbox(membership(), {
      admin: staffOf(c),
      email: values.email,
      name: values.name,
      domains: {
        internalDomains: settings.internalDomains,
        allowSubdomains: settings.allowSubdomains,
      },
      ip: c.get('clientIp'),
    });
    if (result.ok) {
      const query = new URLSearchParams({ done: 'created', team: result.mailbox.id });
      return redirectKeepingLang(c, `${ADMIN_PATHS.teams}?${query}`);
    }
    const s = (await adminPageProps(deps, c)).strings.admin.teams.problems;
    const errors: Record<string, string> = {};
    for (const problem of result.problems) {
      if (problem === 'invalid-name') errors.name = s[problem];
      else errors.email ??= s[problem];
    }
    // Email first, as the fields are on the page (the summary follows the form's order).
    const ordered = Object.fromEntries(
      ['email', 'name'].filter((k) => errors[k]).map((k) => [k, errors[k] as string]),
    );
    return c.html(await page(c, { values, errors: ordered }), 400);
  });

  area.post(`${ADMIN_PATHS.teams}/:id/members`, async (c) => {
    const teamId = idParam(c, 'id');
    if (!teamId) return notFound(deps, c);
    const email = (await formOf(c)).get('email').trim().slice(0, 320);
    const result = await assignTeamMember(membership(), {
      admin: staffOf(c),
      mailboxId: teamId,
      memberEmail: email,
      ip: c.get('clientIp'),
    });
    if (result.ok) {
      const query = new URLSearchParams({
        done: 'assigned',
        team: teamId,
        member: result.member.id,
      });
      return redirectKeepingLang(c, `${ADMIN_PATHS.teams}?${query}`);
    }
    if (result.problem === 'no-team') return notFound(deps, c);
    const s = (await adminPageProps(deps, c)).strings.admin.teams.problems;
    return c.html(
      await page(c, { assignError: { teamId, value: email, message: s[result.problem] } }),
      400,
    );
  });

  area.post(`${ADMIN_PATHS.teams}/:id/members/:memberId/remove`, async (c) => {
    const teamId = idParam(c, 'id');
    const memberId = idParam(c, 'memberId');
    if (!teamId || !memberId) return notFound(deps, c);
    const removed = await unassignTeamMember(membership(), {
      admin: staffOf(c),
      mailboxId: teamId,
      memberId,
      ip: c.get('clientIp'),
    });
    // No such team, or nobody by that id on it: the ids name nothing, as for a missing page.
    if (!removed) return notFound(deps, c);
    const query = new URLSearchParams({ done: 'removed', team: teamId, member: memberId });
    return redirectKeepingLang(c, `${ADMIN_PATHS.teams}?${query}`);
  });
}
