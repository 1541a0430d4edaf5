import type { Hono, MiddlewareHandler } from 'hono';
import { endTimedOutSession, idleLimitMs } from '../../../../core/auth/sessions.ts';
import { deliveryOwnerFor } from '../../../../core/mailboxes/membership.ts';
import { deleteDraft, listDrafts, openDraft } from '../../../../core/messages/drafts.ts';
import { MINUTE_MS } from '../../../../core/shared/time.ts';
import { SavedOnTimeoutPage } from '../../../../views/pages/compose/signed-out.tsx';
import type { StaffComposeNotice } from '../../../../views/pages/staff/compose.tsx';
import { StaffDraftsPage } from '../../../../views/pages/staff/drafts.tsx';
import { STAFF_PATHS, staffDraftPath } from '../../../../views/pages/staff/shared.tsx';
import { stringsFor } from '../../../../views/strings/index.ts';
import type { AppEnv } from '../../env.ts';
import { redirectKeepingLang } from '../../language.ts';
import { clearSessionCookie } from '../../middleware/session.ts';
import { readComposeUpload } from '../compose/compose-form.ts';
import { draftContentOf, readComposeValues, valuesOfDraft } from './compose-form.ts';
import { staffComposeKit } from './compose-page.ts';
import {
  canSend,
  isStaff,
  langOf,
  notFound,
  type StaffAreaDeps,
  staffOf,
  staffPageProps,
} from './context.ts';
import { idParam } from './params.ts';

/**
 * A staff member's drafts: the list, one draft opened in the compose form (with its
 * files), and deleting one (its files with it). Another person's draft is the same 404
 * as a missing one.
 */
export function draftRoutes(area: Hono<AppEnv>, deps: StaffAreaDeps): void {
  const kit = staffComposeKit(deps);

  area.get(STAFF_PATHS.drafts, async (c) => {
    const account = staffOf(c);
    if (!canSend(account)) return notFound(deps, c);
    const drafts = await listDrafts(kit.fileDeps, { accountId: account.id });
    const rows = await Promise.all(
      drafts.map(async ({ draft, content }) => ({
        id: draft.id,
        subject: content.subject,
        to: content.to,
        files: (await deps.mailbox.storage.repos.attachments.listForDraft({ draftId: draft.id }))
          .length,
        savedAt: draft.updatedAt,
      })),
    );
    return c.html(
      StaffDraftsPage({
        ...(await staffPageProps(deps, c)),
        rows,
        notice: c.req.query('done') === 'deleted' ? 'deleted' : null,
      }),
    );
  });

  area.get(`${STAFF_PATHS.drafts}/:draftId`, async (c) => {
    const account = staffOf(c);
    const id = idParam(c, 'draftId');
    if (!id || !canSend(account)) return notFound(deps, c);
    const opened = await openDraft(kit.fileDeps, { accountId: account.id, draftId: id });
    if (!opened) return notFound(deps, c);
    const done = c.req.query('done');
    const notice: StaffComposeNotice | null =
      done === 'saved' || done === 'removed'
        ? done
        : opened.content.savedOnTimeout
          ? 'timeout'
          : null;
    const settings = await deps.accounts.settings.get();
    const values = valuesOfDraft(opened.draft.id, opened.content, settings);
    return c.html(await kit.composePage(c, values, { notice }));
  });

  area.post(`${STAFF_PATHS.drafts}/:draftId/delete`, async (c) => {
    const account = staffOf(c);
    const id = idParam(c, 'draftId');
    if (!id || !canSend(account)) return notFound(deps, c);
    const deleted = await deleteDraft(kit.fileDeps, { accountId: account.id, draftId: id });
    if (!deleted) return notFound(deps, c);
    return redirectKeepingLang(c, `${STAFF_PATHS.drafts}?done=deleted`);
  });
}

/**
 * Send, Preview, Save or Change pressed after the session ended by inactivity: what was
 * typed is saved as the staff member's draft (into the draft the form names, when it is
 * theirs), marked as saved on timeout; files already in the draft stay, files being
 * chosen were not read and are dropped. The old cookie is spent, and the page says to
 * sign in, which leads back to the draft. Mount before `requireStaff`, on the compose
 * POST routes only: anything else a timed-out session asks for goes on to sign in.
 */
export function staffTimeoutSave(deps: StaffAreaDeps): MiddlewareHandler<AppEnv> {
  const kit = staffComposeKit(deps);
  return async (c, next) => {
    const timedOut = c.get('timedOut');
    if (c.req.method !== 'POST' || c.get('account') || !timedOut) return next();
    const person = timedOut.account;
    if (!isStaff(person) || !canSend(person)) return next();
    const settings = await deps.accounts.settings.get();
    const upload = await readComposeUpload(c, kit.uploadLimits(settings));
    const values = readComposeValues(upload.fields.get);
    // A reply to a team mailbox's message is kept in the team's drafts, marked as this
    // person's, so signing in again works from the team and opens it (decision 0028).
    const team = values.replyTo
      ? await deliveryOwnerFor(deps.accounts.storage.repos, {
          person,
          deliveryId: values.replyTo,
          genericAllowed: false,
        })
      : null;
    const owner = team ?? person;
    const content = draftContentOf(values, true);
    const draft = await kit.saveInto(
      owner.id,
      values.draftId,
      owner.id === person.id ? content : { ...content, savedBy: person.id },
    );
    await endTimedOutSession(deps.accounts, { sessionId: timedOut.sessionId });
    clearSessionCookie(c, { https: deps.https });
    const idle = Math.round(idleLimitMs(deps.accounts.policy, person) / MINUTE_MS);
    const dropped = upload.firstFile !== null || upload.refusal !== null;
    const query = new URLSearchParams({ draft: draft.id, idle: String(idle) });
    if (dropped) query.set('files', '1');
    return redirectKeepingLang(c, `${STAFF_PATHS.signedOut}?${query}`);
  };
}

/**
 * The page after a timed-out save: signed out, the message kept in Drafts, and a way to
 * sign in that leads straight back to it. It shows nothing of the draft, only a link
 * with its id (which opens only for its owner, once signed in).
 */
export function staffSignedOutRoute(area: Hono<AppEnv>, deps: StaffAreaDeps): void {
  area.get(STAFF_PATHS.signedOut, async (c) => {
    const settings = await deps.accounts.settings.get();
    const lang = langOf(c);
    const draftId = (c.req.query('draft') ?? '').slice(0, 128);
    const idle = Number.parseInt(c.req.query('idle') ?? '', 10);
    const back = draftId ? staffDraftPath(draftId) : STAFF_PATHS.drafts;
    return c.html(
      SavedOnTimeoutPage({
        strings: stringsFor(lang),
        lang,
        org: { name: settings.orgName, colour: settings.orgColour },
        idleMinutes:
          Number.isInteger(idle) && idle > 0 && idle <= 1440
            ? idle
            : deps.accounts.policy.staffIdleMinutes,
        filesDropped: c.req.query('files') === '1',
        signInHref: `/sign-in?next=${encodeURIComponent(back)}`,
      }),
    );
  });
}
