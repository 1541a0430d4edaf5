import type { Hono } from 'hono';
import { endTimedOutSession, idleLimitMs } from '../../../../core/auth/sessions.ts';
import { MINUTE_MS } from '../../../../core/shared/time.ts';
import { SavedOnTimeoutPage } from '../../../../views/pages/compose/signed-out.tsx';
import type { AppEnv } from '../../env.ts';
import { redirectKeepingLang } from '../../language.ts';
import { clearSessionCookie } from '../../middleware/session.ts';
import type { ComposeUpload } from '../compose/compose-form.ts';
import { draftContent, saveInto, valuesFrom } from './compose-form.ts';
import {
  basics,
  type Ctx,
  type RecipientAreaDeps,
  render,
  signInLink,
  signInRequired,
} from './context.ts';

/** Where a person who was signed out lands after signing in again. */
export const AFTER_TIMEOUT = '/drafts?notice=timeout';

/**
 * Send or Save pressed after the session timed out: what was typed is saved as the
 * person's draft, marked as saved on timeout; the files are dropped (they were not
 * read). The old cookie is spent, and the person is told to sign in to find it.
 */
export async function saveComposeOnTimeout(
  deps: RecipientAreaDeps,
  c: Ctx,
  upload: ComposeUpload,
): Promise<Response> {
  const { app } = deps;
  const timedOut = c.get('timedOut');
  if (!timedOut) return signInRequired(deps, c);
  const owner = timedOut.account;
  const values = valuesFrom(upload.fields);
  await saveInto(deps, owner.id, values.draftId, await draftContent(deps, owner.id, values, true));
  await endTimedOutSession(
    { storage: app.storage, clock: app.clock },
    {
      sessionId: timedOut.sessionId,
    },
  );
  clearSessionCookie(c, { https: deps.https });
  const idle = Math.round(idleLimitMs(deps.policy, owner) / MINUTE_MS);
  const dropped = upload.firstFile !== null || upload.refusal !== null;
  return redirectKeepingLang(c, `/compose/signed-out?idle=${idle}${dropped ? '&files=1' : ''}`);
}

/**
 * The page after a message, reply or forward was saved on timeout: for a signed-out
 * person, saying how long they were away and how to find what they wrote.
 */
export function signedOutRoute(area: Hono<AppEnv>, deps: RecipientAreaDeps): void {
  area.get('/compose/signed-out', async (c) => {
    const b = await basics(deps, c);
    const idle = Number.parseInt(c.req.query('idle') ?? '', 10);
    const draft = c.req.query('draft') ?? '';
    const draftPath = /^[A-Za-z0-9_-]{1,128}$/.test(draft) ? `/drafts/${draft}` : null;
    return render(
      c,
      SavedOnTimeoutPage({
        strings: b.strings,
        lang: b.lang,
        org: b.org,
        idleMinutes:
          Number.isInteger(idle) && idle > 0 && idle <= 1440
            ? idle
            : deps.policy.recipientIdleMinutes,
        filesDropped: c.req.query('files') === '1',
        // A reply or forward saved on timeout opens again as itself after signing in.
        signInHref: signInLink(draftPath ?? AFTER_TIMEOUT, b.lang),
      }),
    );
  });
}
