import type { Hono } from 'hono';
import { requestExtension } from '../../../../core/access/requests.ts';
import { mailboxPaths } from '../../../../views/pages/mailbox/shared.tsx';
import type { AppEnv } from '../../env.ts';
import { formOf } from '../../form.ts';
import { idOf, notFound, type RecipientAreaDeps, seeOther, signedIn } from './context.ts';

/**
 * Asking for more time to read a message, from the message itself or from the list of
 * expired ones (the form says which, so the person lands back where they were).
 */
export function requestAccessRoutes(area: Hono<AppEnv>, deps: RecipientAreaDeps): void {
  area.post('/inbox/:id/request-access', async (c) => {
    const id = idOf(c);
    if (!id) return notFound(deps, c);
    const form = await formOf(c);
    const settings = await deps.app.settings.get();
    const result = await requestExtension(
      { ...deps.mailbox, orgName: settings.orgName, emailLanguage: settings.emailLanguage },
      { account: signedIn(c), deliveryId: id, ip: c.get('clientIp') },
    );
    if (!result.ok) return notFound(deps, c);
    return seeOther(
      c,
      form.get('from') === 'expired'
        ? '/inbox?expired=1&notice=access-requested'
        : `${mailboxPaths.message(id)}?notice=access-requested`,
    );
  });
}
