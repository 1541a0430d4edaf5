import type { Hono } from 'hono';
import { downloadAttachment } from '../../../../core/messages/download-attachment.ts';
import { openInlineImage } from '../../../../core/messages/inline-image.ts';
import type { AppEnv } from '../../env.ts';
import { inlineImageHeaders } from '../../message-body.ts';
import { idOf, MAX_ID_LENGTH, notFound, type RecipientAreaDeps, signedIn } from './context.ts';
import { attachmentHeaders } from './download-headers.ts';

/** A message's files: the images its body shows in place, and the attachments to download. */
export function attachmentRoutes(area: Hono<AppEnv>, deps: RecipientAreaDeps): void {
  // An image the body shows in place: only parts stored as inline images, also on a
  // read-only message (the image is part of what the reader is shown).
  area.get('/inbox/:id/images/:attachmentId', async (c) => {
    const id = idOf(c);
    const attachmentId = c.req.param('attachmentId');
    if (!id || attachmentId.length === 0 || attachmentId.length > MAX_ID_LENGTH) {
      return notFound(deps, c);
    }
    const image = await openInlineImage(deps.mailbox, {
      account: signedIn(c),
      deliveryId: id,
      attachmentId,
    });
    if (!image) return notFound(deps, c);
    return c.body(image.content, 200, inlineImageHeaders(image));
  });

  area.get('/inbox/:id/attachments/:attachmentId', async (c) => {
    const id = idOf(c);
    const attachmentId = c.req.param('attachmentId');
    if (!id || attachmentId.length === 0 || attachmentId.length > MAX_ID_LENGTH) {
      return notFound(deps, c);
    }
    // Null for anything but the person's own active, not read-only delivery and one of
    // its message's files: one answer for all of them.
    const download = await downloadAttachment(deps.mailbox, {
      account: signedIn(c),
      deliveryId: id,
      attachmentId,
      ip: c.get('clientIp'),
    });
    if (!download) return notFound(deps, c);
    // Streamed from the blob store through decryption into the response: never whole
    // in memory. If decryption fails part way, the connection is cut, so the browser
    // reports a failed download rather than keeping a truncated file.
    return c.body(download.content, 200, attachmentHeaders(download));
  });
}
