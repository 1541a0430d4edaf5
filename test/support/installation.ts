import { Writable } from 'node:stream';
import { expect } from 'vitest';
import type { Sealpost } from '../../adapters/compose.ts';
import { createLogger, type Logger } from '../../adapters/logging/logger.ts';
import { sendMessage } from '../../core/messages/send-message.ts';
import { streamOf } from '../../core/shared/streams.ts';
import { makeStaff } from '../factories.ts';

/** A logger that writes nothing (a composed app in a test that reads no logs). */
export function silentLogger(): Logger {
  return createLogger({
    level: 'silent',
    destination: new Writable({ write: (_c, _e, done) => done() }),
  });
}

/**
 * Stores one message from a new staff account to ann@example.org, with a PDF when
 * `withFile`, so an installation holds what `serve` would leave encrypted in it.
 */
export async function storeOneMessage(
  app: Sealpost,
  args: { officer: string; subject: string; body: string; withFile?: boolean },
): Promise<void> {
  const officer = makeStaff({ email: args.officer });
  await app.storage.repos.accounts.insert({ account: officer });
  const sent = await sendMessage(
    { ...app, publicUrl: app.config.publicUrl },
    await app.settings.get(),
    {
      senderId: officer.id,
      to: ['ann@example.org'],
      cc: [],
      subject: args.subject,
      body: args.body,
      bodyFormat: 'text',
      attachments: args.withFile
        ? [
            {
              name: 'assessment.pdf',
              contentType: 'application/pdf',
              content: streamOf(new TextEncoder().encode('%PDF-1.4 stored')),
            },
          ]
        : [],
      readOnly: false,
      classification: null,
      source: 'cli',
    },
  );
  expect(sent.ok).toBe(true);
}
