import type { Attachment } from '../messages/model.ts';
import { readAll, streamOf } from '../shared/streams.ts';
import type { LifecycleDeps } from './deps.ts';
import { finishBlobDeletions } from './purge-message.ts';

/**
 * Makes untrusted HTML safe to show (adapters/html/sanitise-html.ts behind this port):
 * the safe HTML, or, when the HTML is refused (too large, nested too deeply), its text.
 */
export type HtmlSafety = {
  makeSafe(html: string): { ok: true; html: string } | { ok: false; text: string };
};

/** The file a refused legacy HTML body is kept as, so nothing of it is lost. */
const ORIGINAL_HTML_NAME = 'original-message.html';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/**
 * The body migration: messages stored before HTML was made safe at intake still hold
 * untrusted HTML (`bodyFormat: 'html'`), which pages show only as text. Each run makes
 * up to `limit` of them safe once: the new body is encrypted into a new blob, the row
 * is pointed at it only if it still names the old blob (two runs cannot both win), and
 * the old blob is then deleted (through the deletion queue, so a crash leaves nothing
 * behind that a later run does not finish). HTML the sanitiser refuses becomes its text,
 * and the original HTML is kept as a file of the message.
 *
 * Resumable by construction: a message is migrated or not; a rerun takes the rest.
 * Returns how many bodies were made safe and how many were refused.
 */
export async function makeLegacyBodiesSafe(
  deps: LifecycleDeps & { htmlSafety: HtmlSafety },
  args: { limit: number; now: Date },
): Promise<{ madeSafe: number; refused: number }> {
  const repos = deps.storage.repos;
  const result = { madeSafe: 0, refused: 0 };
  let after: string | null = null;
  let left = args.limit;
  while (left > 0) {
    const batch = await repos.messages.listByBodyFormat({
      format: 'html',
      limit: Math.min(left, 100),
      after,
    });
    if (batch.length === 0) break;
    for (const message of batch) {
      after = message.id;
      left--;
      const stored = await deps.blobs.get({ id: message.bodyBlobId });
      // A body already purged (the message is going): nothing to migrate.
      if (!stored) continue;
      const html = decoder.decode(
        await readAll(await deps.cipher.decryptStream({ ciphertext: stored })),
      );
      const safe = deps.htmlSafety.makeSafe(html);
      const written: string[] = [];
      const put = async (text: string) => {
        const id = deps.ids.newId();
        written.push(id);
        const ciphertext = await deps.cipher.encryptStream({
          plaintext: streamOf(encoder.encode(text)),
        });
        await deps.blobs.put({ id, body: ciphertext });
        return id;
      };
      const bodyBlobId = await put(safe.ok ? safe.html : safe.text);
      const original: Attachment | null = safe.ok
        ? null
        : {
            id: deps.ids.newId(),
            messageId: message.id,
            draftId: null,
            nameEnc: await deps.cipher.encryptBytes({
              plaintext: encoder.encode(ORIGINAL_HTML_NAME),
            }),
            contentType: 'text/html',
            size: encoder.encode(html).byteLength,
            blobId: await put(html),
            inline: false,
            createdAt: args.now,
          };
      const changed = await deps.storage.transaction(async (tx) => {
        const won = await tx.messages.replaceBody({
          id: message.id,
          fromBlobId: message.bodyBlobId,
          bodyBlobId,
          bodyFormat: safe.ok ? 'safe-html' : 'text',
        });
        if (!won) return false;
        if (original) await tx.attachments.insert({ attachment: original });
        await tx.blobDeletions.add({ blobIds: [message.bodyBlobId], at: args.now });
        return true;
      });
      if (!changed) {
        // Another run migrated it (or it was purged) meanwhile: ours are not needed.
        await Promise.allSettled(written.map((id) => deps.blobs.delete({ id })));
        continue;
      }
      await finishBlobDeletions(deps, [message.bodyBlobId]);
      if (safe.ok) result.madeSafe++;
      else result.refused++;
    }
  }
  return result;
}
