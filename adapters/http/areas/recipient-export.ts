import { Readable } from 'node:stream';
import { Hono } from 'hono';
import { ZipFile } from 'yazl';
import type { ExportSink } from '../../../core/subjects/deps.ts';
import { exportSubject } from '../../../core/subjects/export-subject.ts';
import { stringsFor } from '../../../views/strings/index.ts';
import type { Sealpost } from '../../compose.ts';
import { type SubjectsApp, subjectDepsFrom } from '../../jobs/deps.ts';
import type { AppEnv } from '../env.ts';
import { redirectKeepingLang, requestLanguage } from '../language.ts';

/** The folder every file of the zip sits in, so unzipping never scatters files. */
const ROOT = 'sealpost-export';

/**
 * Entries of a zip being streamed out. Each file is handed to yazl as a stream and the
 * write resolves once yazl has read it to its end, so the export produces the next
 * file only as fast as the browser downloads: one file in flight, whatever the size.
 */
function zipSink(zip: ZipFile, mtime: Date): ExportSink {
  return {
    write({ path, body }) {
      return new Promise<void>((resolve, reject) => {
        const input = Readable.fromWeb(body as import('node:stream/web').ReadableStream);
        input.once('end', resolve);
        input.once('error', reject);
        zip.addReadStream(input, `${ROOT}/${path}`, { mtime, mode: 0o100600 });
      });
    },
  };
}

/**
 * GET /account/export: a signed-in recipient downloads their own correspondence as a
 * zip: the messages they can open now and the ones they sent, as `.eml` files with
 * their attachments, plus their account data, drafts, contacts and what they did, with
 * a JSON index. The sender's controls hold (`self-service` in core/subjects): nothing
 * expired, withdrawn or read-only is in it. Staff get a 404: what they send are the
 * council's records, answered by an admin (`sealpost subject export`).
 *
 * A GET, so that a plain link downloads it; it changes nothing but the audit trail,
 * like any download. One export per person at a time, since a large mailbox takes a
 * while and a second click should not double the work.
 */
export function recipientExportArea(app: SubjectsApp & Pick<Sealpost, 'logger'>): Hono<AppEnv> {
  const area = new Hono<AppEnv>();
  const deps = subjectDepsFrom(app);
  const inProgress = new Set<string>();

  area.get('/account/export', async (c) => {
    const account = c.get('account');
    if (!account) {
      return redirectKeepingLang(c, `/sign-in?next=${encodeURIComponent('/account/export')}`);
    }
    if (account.kind !== 'external') return c.notFound();
    const strings = stringsFor(requestLanguage(c));
    if (inProgress.has(account.id)) {
      return c.text(strings.dataExport.busy, 429, {
        'Retry-After': '60',
        'Cache-Control': 'no-store',
      });
    }
    inProgress.add(account.id);
    const now = app.clock.now();
    const zip = new ZipFile();
    // yazl's output is a Node stream (its types say only NodeJS.ReadableStream).
    const output = zip.outputStream as Readable;
    exportSubject(deps, {
      email: account.email,
      scope: 'self-service',
      sink: zipSink(zip, now),
      actor: { id: account.id, label: account.email, ip: c.get('clientIp') },
      words: strings.dataExport,
    })
      .then(
        () => zip.end(),
        (error: unknown) => {
          // The browser sees a failed download, never a zip cut short that looks whole.
          app.logger.error({ err: error, accountId: account.id }, 'account export failed');
          output.destroy(error instanceof Error ? error : new Error(String(error)));
        },
      )
      .finally(() => inProgress.delete(account.id));
    const day = now.toISOString().slice(0, 10);
    return c.body(Readable.toWeb(output) as ReadableStream<Uint8Array>, 200, {
      'Content-Type': 'application/zip',
      'Content-Disposition': `attachment; filename="sealpost-messages-${day}.zip"`,
      'X-Content-Type-Options': 'nosniff',
      // Someone's messages must not stay in a shared or browser cache.
      'Cache-Control': 'no-store',
    });
  });

  return area;
}
