// The body migration in housekeeping: HTML bodies stored before intake made them
// safe are made safe once, resumably; refused HTML becomes text with the original
// kept as a file; the old blob goes; nothing shows unsafe HTML in the meantime.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { htmlSafety } from '../../adapters/html/sanitise-html.ts';
import { bodyView } from '../../adapters/http/message-body.ts';
import type { Account } from '../../core/accounts/model.ts';
import { runHousekeeping } from '../../core/lifecycle/housekeeping.ts';
import { makeLegacyBodiesSafe } from '../../core/lifecycle/safe-bodies.ts';
import { readAll, streamOf } from '../../core/shared/streams.ts';
import { type LifecycleHarness, lifecycleHarness } from './support.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

describe('making legacy HTML bodies safe', () => {
  let h: LifecycleHarness;
  let officer: Account;

  beforeEach(async () => {
    h = await lifecycleHarness();
    officer = await h.addAccount('officer@barnet.gov.uk');
  });
  afterEach(async () => {
    await h.close();
  });

  /** A message whose body is `html` as the portal stored HTML before this change. */
  const legacyMessage = async (html: string) => {
    const sent = await h.send({ from: officer, to: ['ann@example.org'] });
    const before = await h.storage.repos.messages.findById({ id: sent.messageId });
    const id = h.ids.newId();
    await h.blobs.put({
      id,
      body: await h.cipher.encryptStream({ plaintext: streamOf(encoder.encode(html)) }),
    });
    const changed = await h.storage.repos.messages.replaceBody({
      id: sent.messageId,
      fromBlobId: before?.bodyBlobId ?? '',
      bodyBlobId: id,
      bodyFormat: 'html',
    });
    expect(changed).toBe(true);
    return { messageId: sent.messageId, blobId: id };
  };

  const bodyOf = async (messageId: string) => {
    const message = await h.storage.repos.messages.findById({ id: messageId });
    const stored = await h.blobs.get({ id: message?.bodyBlobId ?? '' });
    const text = stored
      ? decoder.decode(await readAll(await h.cipher.decryptStream({ ciphertext: stored })))
      : null;
    return { format: message?.bodyFormat, text, blobId: message?.bodyBlobId };
  };

  it('sanitises each once, drops the old blob, and a rerun finds nothing to do', async () => {
    const a = await legacyMessage('<p onclick="x()">Dear Ann,<script>steal()</script></p>');
    const b = await legacyMessage('<p>Second <b>one</b></p><img src="https://t.example/p.gif">');
    // Before the run, a page shows the legacy HTML as text, never as markup.
    const view = bodyView({
      format: 'html',
      content: '<p>Dear Ann,<script>steal()</script></p>',
      attachments: [],
      imageUrl: () => '',
    });
    expect(view).toEqual({ format: 'text', content: 'Dear Ann,', images: [] });

    const counts = await runHousekeeping(h.lifecycle({ htmlSafety }), { sweepOrphans: 'never' });
    expect(counts.htmlBodiesMadeSafe).toBe(2);
    expect(counts.htmlBodiesRefused).toBe(0);
    expect(await bodyOf(a.messageId)).toMatchObject({
      format: 'safe-html',
      text: '<p>Dear Ann,</p>',
    });
    expect((await bodyOf(b.messageId)).text).toBe('<p>Second <b>one</b></p>');
    expect(await h.hasBlob(a.blobId)).toBe(false);
    expect(await h.hasBlob(b.blobId)).toBe(false);

    const again = await runHousekeeping(h.lifecycle({ htmlSafety }), { sweepOrphans: 'never' });
    expect(again.htmlBodiesMadeSafe).toBe(0);
  });

  it('turns HTML the pre-scan refuses into its text and keeps the original as a file', async () => {
    const deep = `${'<div>'.repeat(5000)}Deeply nested words${'</div>'.repeat(5000)}`;
    const m = await legacyMessage(deep);
    const result = await makeLegacyBodiesSafe(
      { ...h.lifecycle(), htmlSafety },
      { limit: 10, now: h.clock.now() },
    );
    expect(result).toEqual({ madeSafe: 0, refused: 1 });
    expect(await bodyOf(m.messageId)).toMatchObject({
      format: 'text',
      text: 'Deeply nested words',
    });
    const files = await h.storage.repos.attachments.listForMessage({ messageId: m.messageId });
    const original = files.find((f) => f.contentType === 'text/html');
    const stored = await h.blobs.get({ id: original?.blobId ?? '' });
    expect(stored).not.toBeNull();
    const bytes = await readAll(await h.cipher.decryptStream({ ciphertext: stored as never }));
    expect(decoder.decode(bytes)).toBe(deep);
    expect(original?.inline).toBe(false);
  });

  it('stops at its limit and the next run takes the rest (resumable)', async () => {
    for (let i = 0; i < 5; i++) await legacyMessage(`<p>Message ${i}</p>`);
    const deps = { ...h.lifecycle(), htmlSafety };
    const first = await makeLegacyBodiesSafe(deps, { limit: 3, now: h.clock.now() });
    expect(first.madeSafe).toBe(3);
    expect(
      await h.storage.repos.messages.listByBodyFormat({ format: 'html', limit: 10 }),
    ).toHaveLength(2);
    const second = await makeLegacyBodiesSafe(deps, { limit: 3, now: h.clock.now() });
    expect(second.madeSafe).toBe(2);
  });

  it('loses a race to another run without a trace: the row keeps the winner, our blob goes', async () => {
    const m = await legacyMessage('<p>Raced</p>');
    // The other run's winning write, made while ours was sanitising.
    const won = await h.storage.repos.messages.replaceBody({
      id: m.messageId,
      fromBlobId: m.blobId,
      bodyBlobId: m.blobId,
      bodyFormat: 'html',
    });
    expect(won).toBe(true);
    const stale = await h.storage.repos.messages.replaceBody({
      id: m.messageId,
      fromBlobId: 'not-the-current-blob',
      bodyBlobId: 'whatever',
      bodyFormat: 'safe-html',
    });
    expect(stale).toBe(false);
    expect((await bodyOf(m.messageId)).format).toBe('html');
  });
});
