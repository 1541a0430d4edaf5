import type { Hono } from 'hono';
import { hideDelivery } from '../../../../core/messages/mailbox.ts';
import { decryptText } from '../../../../core/messages/open-message.ts';
import { findOwnDelivery } from '../../../../core/messages/read-access.ts';
import { DeleteConfirmPage } from '../../../../views/pages/mailbox/delete.tsx';
import { mailboxPaths } from '../../../../views/pages/mailbox/shared.tsx';
import type { AppEnv } from '../../env.ts';
import {
  idOf,
  notFound,
  pageProps,
  type RecipientAreaDeps,
  render,
  seeOther,
  signedIn,
} from './context.ts';

/** Deleting a message from the person's own inbox (for them only), after confirming. */
export function deleteRoutes(area: Hono<AppEnv>, deps: RecipientAreaDeps): void {
  const mailbox = deps.mailbox;

  area.get('/inbox/:id/delete', async (c) => {
    const id = idOf(c);
    if (!id) return notFound(deps, c);
    const access = await findOwnDelivery(
      mailbox.storage.repos,
      signedIn(c),
      id,
      mailbox.clock.now(),
    );
    if (!access.ok || access.role !== 'recipient') return notFound(deps, c);
    const subject = await decryptText(mailbox, access.message.subjectEnc);
    return render(c, DeleteConfirmPage({ ...(await pageProps(deps, c)), deliveryId: id, subject }));
  });

  area.post('/inbox/:id/delete', async (c) => {
    const id = idOf(c);
    if (!id) return notFound(deps, c);
    const hidden = await hideDelivery(mailbox, {
      account: signedIn(c),
      deliveryId: id,
      ip: c.get('clientIp'),
    });
    if (!hidden) return notFound(deps, c);
    return seeOther(c, `${mailboxPaths.inbox}?notice=deleted`);
  });
}
