import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAll } from '../../core/shared/streams.ts';
import {
  type ComposeHarness,
  composeHarness,
  isInFiles,
  lazyBytes,
  type Part,
} from './compose-harness.ts';

const MB = 1024 * 1024;
const encoder = new TextEncoder();

describe('compose to council staff', () => {
  let h: ComposeHarness;
  let cookie: string;
  let csrf: string;

  beforeEach(async () => {
    h = await composeHarness();
    await h.addPerson('ann@example.org');
    cookie = await h.signIn('ann@example.org');
    csrf = await h.tokenFrom('/compose', cookie);
  });
  afterEach(() => h.close());

  const fields = (over: Record<string, string> = {}): Part[] =>
    Object.entries({
      to: 'officer@barnet.gov.uk',
      cc: '',
      subject: 'Housing repair 42',
      body: 'The damp in the back bedroom is back. Please can someone visit?',
      ...over,
    }).map(([name, value]) => ({ name, value }));

  const send = (parts: Part[], path = '/compose') =>
    h.postMultipart(`${path}?_csrf=${encodeURIComponent(csrf)}`, { cookie, parts });

  const sentMessages = async () => {
    const ann = await h.app.storage.repos.accounts.findByEmailKey({ emailKey: 'ann@example.org' });
    return h.app.storage.repos.messages.listSent({ senderId: ann?.id ?? '', limit: 10, offset: 0 });
  };

  it('shows the form with its token in the action, the files last, and no-store', async () => {
    const res = await h.get('/compose', cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toMatch(/action="\/compose\?_csrf=s\.[^"]+" enctype="multipart\/form-data"/);
    expect(html).toContain('formaction="/compose/save?_csrf=');
    expect(html.indexOf('name="body"')).toBeLessThan(html.indexOf('type="file"'));
    expect(html).toContain('You can write to email addresses at barnet.gov.uk.');
    expect(html).toContain('hx-trigger="input changed delay:5s"');
  });

  it('sends to an internal address, stores everything encrypted, and lands on Sent', async () => {
    const secret = 'PLAINTEXT-ATTACHMENT-MARKER';
    const { res } = await send([
      ...fields(),
      {
        name: 'attachments',
        filename: 'photo-of-damp.txt',
        type: 'text/plain',
        content: encoder.encode(`${secret}\n`.repeat(1000)),
      },
    ]);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/sent?sent=1');

    const [message] = await sentMessages();
    expect(message).toBeDefined();
    if (!message) return;
    expect(Buffer.from(message.subjectEnc).toString('latin1')).not.toContain('Housing repair');
    const deliveries = await h.app.storage.repos.deliveries.listForMessage({
      messageId: message.id,
    });
    expect(deliveries.map((d) => d.recipientEmail)).toEqual(['officer@barnet.gov.uk']);
    const files = await h.app.storage.repos.attachments.listForMessage({ messageId: message.id });
    expect(files).toHaveLength(1);
    expect(files[0]?.size).toBe((secret.length + 1) * 1000);
    // Stored (small blobs as database rows, decision 0027; larger ones as files):
    // ciphertext only, and it decrypts back to what was sent.
    const blobIds = await h.app.blobs.list({ limit: 100 });
    expect(blobIds.length).toBe(2);
    for (const id of blobIds) {
      const raw = Buffer.from(await readAll((await h.app.blobs.get({ id })) as ReadableStream));
      expect(raw.includes(secret)).toBe(false);
      expect(raw.includes('damp in the back bedroom')).toBe(false);
    }
    expect(isInFiles(h.blobFiles(), secret)).toBe(false);
    const stored = await h.app.blobs.get({ id: files[0]?.blobId ?? '' });
    if (!stored) throw new Error('the attachment blob is missing');
    const plain = await readAll(await h.app.cipher.decryptStream({ ciphertext: stored }));
    expect(new TextDecoder().decode(plain).startsWith(secret)).toBe(true);

    const sent = await (await h.get('/sent?sent=1', cookie)).text();
    expect(sent).toContain('Your message has been sent');
    expect(sent).toContain('Housing repair 42');
    expect(sent).toContain('officer@barnet.gov.uk');
  });

  it('refuses an outside address with a reason and keeps everything typed', async () => {
    const { res } = await send(
      fields({ to: 'officer@barnet.gov.uk, friend@gmail.com', cc: 'x@evilbarnet.gov.uk' }),
    );
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('You can only write to email addresses at barnet.gov.uk.');
    expect(html).toContain('friend@gmail.com is outside, so the message was not sent.');
    expect(html).toContain('x@evilbarnet.gov.uk is outside');
    expect(html).toContain('value="officer@barnet.gov.uk, friend@gmail.com"');
    expect(html).toContain('value="Housing repair 42"');
    expect(html).toContain('The damp in the back bedroom is back.');
    expect(html).toContain('<title>Error: ');
    expect(await sentMessages()).toHaveLength(0);
  });

  it('says what is missing and keeps the text', async () => {
    const { res } = await send(fields({ to: '', subject: '', body: 'Only a body' }));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Enter an email address to send the message to.');
    expect(html).toContain('Enter a subject.');
    expect(html).toContain('Only a body');
  });

  it('accepts 10 files', async () => {
    const parts: Part[] = [...fields()];
    for (let i = 1; i <= 10; i++) {
      parts.push({
        name: 'attachments',
        filename: `file-${i}.txt`,
        content: encoder.encode(`file ${i}`),
      });
    }
    const { res } = await send(parts);
    expect(res.status).toBe(303);
    const [message] = await sentMessages();
    const files = await h.app.storage.repos.attachments.listForMessage({
      messageId: message?.id ?? '',
    });
    expect(files).toHaveLength(10);
  });

  it('refuses the 11th file before reading it, keeping the typed text', async () => {
    const parts: Part[] = [...fields()];
    for (let i = 1; i <= 10; i++) {
      parts.push({
        name: 'attachments',
        filename: `file-${i}.txt`,
        content: encoder.encode(`file ${i}`),
      });
    }
    // The 11th is large: had it been read, the count of pulled bytes would show it.
    parts.push({ name: 'attachments', filename: 'file-11.bin', content: lazyBytes(30 * MB) });
    const upload = await send(parts);
    expect(upload.res.status).toBe(400);
    expect(upload.pulled()).toBeLessThan(1 * MB);
    const html = await upload.res.text();
    expect(html).toContain('You can attach up to 10 files.');
    expect(html).toContain('value="Housing repair 42"');
    expect(await sentMessages()).toHaveLength(0);
    expect(await h.app.blobs.list({ limit: 100 })).toHaveLength(0);
  });

  it('refuses 75 MB + 1 byte as it streams, with memory staying flat', async () => {
    // Warm up first: the cipher's worker threads and buffers are the process's fixed
    // cost, paid on the first large file, not part of what an upload holds.
    const warm = await send([
      ...fields(),
      { name: 'attachments', filename: 'warm.bin', content: lazyBytes(8 * MB) },
    ]);
    expect(warm.res.status).toBe(303);
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const upload = await send([
      ...fields(),
      { name: 'attachments', filename: 'a.bin', content: lazyBytes(40 * MB) },
      { name: 'attachments', filename: 'b.bin', content: lazyBytes(40 * MB) },
    ]);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const growth = peak - before;
    console.log(`oversize upload: rss grew ${(growth / MB).toFixed(1)} MB for an 80 MB upload`);
    expect(upload.res.status).toBe(400);
    expect(growth).toBeLessThan(40 * MB);
    // Read only up to the limit (and a chunk or two past it), never the whole upload.
    expect(upload.pulled()).toBeLessThan(77 * MB);
    const html = await upload.res.text();
    expect(html).toMatch(/75 MB/);
    expect(html).toContain('value="Housing repair 42"');
    expect(await sentMessages()).toHaveLength(1);
    // Only the warm-up message's body and file are stored: nothing of the refused one.
    expect(await h.app.blobs.list({ limit: 100 })).toHaveLength(2);
  }, 120_000);

  it('refuses a POST without the token, in the query or in the body, even multipart', async () => {
    const noToken = await h.postMultipart('/compose', { cookie, parts: fields() });
    expect(noToken.res.status).toBe(403);
    const wrong = await h.postMultipart('/compose?_csrf=s.aaaaaaaaaaaaaaaa.0000', {
      cookie,
      parts: fields(),
    });
    expect(wrong.res.status).toBe(403);
    const bodyOnly = await h.postMultipart('/compose', {
      cookie,
      parts: [{ name: '_csrf', value: csrf }, ...fields()],
    });
    expect(bodyOnly.res.status).toBe(403);
    expect(await sentMessages()).toHaveLength(0);
  });

  it('asks a signed-out person to sign in', async () => {
    const res = await h.get('/compose');
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('/sign-in?next=%2Fcompose');
  });
});
