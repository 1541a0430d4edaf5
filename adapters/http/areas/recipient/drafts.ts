import type { Hono } from 'hono';
import type { Account } from '../../../../core/accounts/model.ts';
import { deleteDraft, listDrafts, openDraft } from '../../../../core/messages/drafts.ts';
import type { DraftAnswer } from '../../../../core/messages/model.ts';
import { findOwnDelivery } from '../../../../core/messages/read-access.ts';
import {
  type ComposeNotice,
  type ComposeValues,
  EMPTY_COMPOSE,
} from '../../../../views/pages/compose/compose.tsx';
import { type DraftsNotice, DraftsPage } from '../../../../views/pages/compose/drafts.tsx';
import { formatDateTime } from '../../../../views/pages/mailbox/shared.tsx';
import type { Lang } from '../../../../views/strings/index.ts';
import type { AppEnv } from '../../env.ts';
import { redirectKeepingLang } from '../../language.ts';
import { composePage } from './compose-form.ts';
import {
  composePageProps,
  languageOf,
  notFoundFor,
  type RecipientAreaDeps,
  render,
  signInRequired,
} from './context.ts';

/**
 * A person's drafts: the list, one opened again (a reply or forward as itself, anything
 * else in "Write a message"), and deleting one. Another person's draft is the same 404
 * as a missing one.
 */
export function draftRoutes(area: Hono<AppEnv>, deps: RecipientAreaDeps): void {
  const { app } = deps;

  area.get('/drafts', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(deps, c);
    const { props, lang } = await composePageProps(deps, c, account);
    const drafts = await listDrafts(deps.drafts, { accountId: account.id });
    const notice = c.req.query('notice');
    return render(
      c,
      DraftsPage({
        ...props,
        notice: isDraftsNotice(notice) ? notice : null,
        drafts: drafts.map(({ draft, content }) => ({
          id: draft.id,
          subject: content.subject,
          to: content.to,
          savedAt: formatDateTime(draft.updatedAt, lang),
          savedAtIso: draft.updatedAt.toISOString(),
          savedOnTimeout: content.savedOnTimeout === true,
        })),
      }),
    );
  });

  area.get('/drafts/:id', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(deps, c);
    const opened = await openDraft(deps.drafts, {
      accountId: account.id,
      draftId: c.req.param('id'),
    });
    if (!opened) return notFoundFor(deps, c, account);
    const { content, draft } = opened;
    const answerPath = await answerDraftPath(
      deps,
      languageOf(c),
      account,
      draft.id,
      content.answer ?? null,
    );
    if (answerPath) return redirectKeepingLang(c, answerPath);
    const saved = c.req.query('saved');
    const notice: ComposeNotice | null =
      saved === 'removed'
        ? 'draft-file-removed'
        : saved === '1'
          ? 'draft-saved'
          : content.savedOnTimeout
            ? 'opened-timeout-draft'
            : null;
    const values: ComposeValues = {
      ...EMPTY_COMPOSE,
      to: content.to.join(', '),
      cc: content.cc.join(', '),
      subject: content.subject,
      body: content.body,
      draftId: draft.id,
    };
    return render(
      c,
      await composePage(deps, c, account, { values, notice, savedAt: draft.updatedAt }),
    );
  });

  area.post('/drafts/:id/delete', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(deps, c);
    const deleted = await deleteDraft(
      { ...deps.drafts, blobs: app.blobs },
      { accountId: account.id, draftId: c.req.param('id') },
    );
    if (!deleted) return notFoundFor(deps, c, account);
    return redirectKeepingLang(c, '/drafts?notice=deleted');
  });
}

/**
 * A reply or forward kept as a draft opens as that reply or forward, so sending it
 * still threads it (or forwards that message); when the message can no longer be
 * answered, the draft opens as an ordinary message, its text kept.
 */
async function answerDraftPath(
  deps: RecipientAreaDeps,
  lang: Lang,
  account: Account,
  draftId: string,
  answer: DraftAnswer | null,
): Promise<string | null> {
  if (!answer) return null;
  const { app } = deps;
  const access = await findOwnDelivery(
    app.storage.repos,
    account,
    answer.deliveryId,
    app.clock.now(),
  );
  if (!access.ok || access.role !== 'recipient' || access.state !== 'active') return null;
  const base = `/inbox/${encodeURIComponent(answer.deliveryId)}`;
  const draft = `draft=${encodeURIComponent(draftId)}`;
  const path =
    answer.kind === 'forward'
      ? `${base}/forward?${draft}`
      : `${base}/reply?${answer.kind === 'reply-all' ? 'all=1&' : ''}${draft}`;
  return lang === 'en' ? path : `${path}&lang=${lang}`;
}

function isDraftsNotice(value: string | undefined): value is DraftsNotice {
  return value === 'timeout' || value === 'deleted' || value === 'saved';
}
