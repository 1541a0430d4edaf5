// The outbox worker marks a delivery notified once its notification has gone, so the
// sender's tracking shows the time even after old outbox rows are cleared.

import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { compose } from '../../adapters/compose.ts';
import { parseConfig } from '../../adapters/config/config.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { createStaffAccount } from '../../core/accounts/create-staff.ts';
import { runOutboxOnce } from '../../core/mail/outbox-worker.ts';
import { recordNotificationSent } from '../../core/messages/record-notified.ts';
import { sendMessage } from '../../core/messages/send-message.ts';
import { tempDir } from '../support/cli.ts';

const dataDir = tempDir('sealpost-notified-');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('recordNotificationSent', () => {
  it('sets notifiedAt and audits message.notify once, when the notification is sent', async () => {
    const app = await compose(
      parseConfig({ DATA_DIR: dataDir, SEALPOST_KEY_PASSPHRASE: 'notified test passphrase' }),
      { logger: createLogger({ level: 'silent' }) },
    );
    try {
      const deps = { ...app, publicUrl: app.config.publicUrl };
      const staff = await createStaffAccount(deps, {
        email: 'officer@barnet.gov.uk',
        name: 'Olive Officer',
        role: 'sender',
        actorId: null,
      });
      if (!staff.ok) throw new Error('staff');
      const sent = await sendMessage(deps, await app.settings.get(), {
        senderId: staff.account.id,
        to: ['a@example.org', 'b@example.org'],
        cc: [],
        subject: 'Your appointment',
        body: 'See you on Tuesday.',
        bodyFormat: 'text',
        attachments: [],
        readOnly: false,
        classification: null,
        source: 'web',
      });
      if (!sent.ok) throw new Error('send');
      const before = await app.storage.repos.deliveries.listForMessage({
        messageId: sent.messageId,
      });
      expect(before.every((d) => d.notifiedAt === null)).toBe(true);

      const worker = {
        storage: app.storage,
        cipher: app.cipher,
        mailer: app.mailer,
        clock: app.clock,
        limit: 10,
        leaseMs: 60_000,
        afterSent: (mail: Parameters<typeof recordNotificationSent>[1]) =>
          recordNotificationSent(app, mail),
      };
      expect((await runOutboxOnce(worker)).sent).toBe(2);
      const after = await app.storage.repos.deliveries.listForMessage({
        messageId: sent.messageId,
      });
      expect(after.every((d) => d.notifiedAt instanceof Date)).toBe(true);

      // Run again for the same mails: nothing changes, nothing is audited twice.
      for (const d of after) {
        const mail = await app.storage.repos.outbox.findById({ id: d.id });
        if (mail) await recordNotificationSent(app, mail);
      }
      const again = await app.storage.repos.deliveries.listForMessage({
        messageId: sent.messageId,
      });
      expect(again.map((d) => d.notifiedAt?.getTime())).toEqual(
        after.map((d) => d.notifiedAt?.getTime()),
      );
      const notices = await app.storage.repos.audit.list({
        filter: { action: 'message.notify' },
        limit: 10,
      });
      expect(notices.map((e) => e.targetId).sort()).toEqual(after.map((d) => d.id).sort());
    } finally {
      await app.close();
    }
  });
});
