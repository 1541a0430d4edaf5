import type { MailboxDeps } from '../../../core/messages/deps.ts';
import type { Sealpost } from '../../compose.ts';

/**
 * The mailbox and sending use cases' dependencies, from the composed app: one place,
 * so every area that sends (recipient compose and reply, staff compose) scans
 * attachments and delivers replies to staff the same way.
 */
export function mailboxDepsFrom(
  app: Pick<
    Sealpost,
    | 'storage'
    | 'cipher'
    | 'blobs'
    | 'ids'
    | 'clock'
    | 'secrets'
    | 'templates'
    | 'config'
    | 'scanner'
    | 'inlineBlobMaxBytes'
    | 'actingFor'
  >,
): MailboxDeps {
  return {
    storage: app.storage,
    cipher: app.cipher,
    blobs: app.blobs,
    ids: app.ids,
    clock: app.clock,
    secrets: app.secrets,
    templates: app.templates,
    publicUrl: app.config.publicUrl.replace(/\/+$/, ''),
    internalDelivery: app.config.internalDelivery,
    scanner: app.scanner,
    inlineBlobMaxBytes: app.inlineBlobMaxBytes,
    ...(app.actingFor ? { actingFor: app.actingFor } : {}),
  };
}
