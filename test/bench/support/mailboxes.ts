// The portal benchmark's data: many recipients with mailboxes of different sizes, every
// message sent through the send use case (real OpenPGP encryption, blobs on disk, one
// transaction each), so no cache hides a cost users pay: there are more messages than
// the OpenPGP adapter's 1,024-entry session-key cache holds, and the load asks for
// random pages of random people. Each recipient signs in once through the real form.
// The result is a DATA_DIR for `sealpost serve`, plus the peer's table in the same file.

import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { COUNCIL, inParallel, startBenchApp } from './app.ts';
import { type PeerRow, writePeerTable } from './peer-pages.ts';

/** One recipient: who, their cookie, and their deliveries, newest last. */
export type Mailbox = { id: string; cookie: string; deliveryIds: string[] };

export type SeededMailboxes = {
  dataDir: string;
  dbPath: string;
  /** The environment `sealpost serve` needs for this DATA_DIR (not PUBLIC_URL or PORT). */
  env: Record<string, string>;
  mailboxes: Mailbox[];
  messages: number;
  deliveries: number;
  seconds: number;
  remove(): void;
};

/** How much to seed. */
export type SeedPlan = {
  recipients: number;
  /** Distinct messages (each its own body session key). */
  messages: number;
  /** Each recipient gets between these many deliveries (inclusive), drawn at random. */
  perRecipient: [number, number];
};

/** A small seeded generator (mulberry32), so every run seeds the same mailboxes. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOPICS = [
  'Your housing benefit claim',
  'Council tax reduction: documents needed',
  'Blue badge application',
  'Your care assessment',
  'Planning application consultation',
  'School admission decision',
  'Parking permit renewal',
  'Your complaint: our response',
];

/** A body of ordinary length: a council letter of a few paragraphs. */
export function letter(n: number): string {
  const paragraph =
    'Thank you for your application. We have reviewed the documents you sent and need ' +
    'a copy of your tenancy agreement and a recent utility bill before we can decide. ' +
    'Please reply to this message with the documents attached, or call us if you have ';
  return `Dear resident,\n\n${paragraph.repeat(3)}\n\nReference HB-${100000 + n}.\n\nHousing Benefit team`;
}

/**
 * Which recipients each message goes to: every recipient's count drawn from the plan's
 * range, the slots shuffled and dealt over the messages (each message at least one).
 */
function addressMessages(plan: SeedPlan, next: () => number): number[][] {
  const [low, high] = plan.perRecipient;
  const slots: number[] = [];
  for (let r = 0; r < plan.recipients; r++) {
    const count = low + Math.floor(next() * (high - low + 1));
    for (let i = 0; i < count; i++) slots.push(r);
  }
  for (let i = slots.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [slots[i], slots[j]] = [slots[j] as number, slots[i] as number];
  }
  const messages: Array<Set<number>> = Array.from({ length: plan.messages }, () => new Set());
  slots.forEach((r, i) => {
    const m = i < plan.messages ? i : Math.floor(next() * plan.messages);
    messages[m]?.add(r);
  });
  return messages.map((to) => [...to]).filter((to) => to.length > 0);
}

export async function seedMailboxes(
  plan: SeedPlan,
  onProgress: (message: string) => void,
): Promise<SeededMailboxes> {
  const started = performance.now();
  // TRUST_PROXY lets each recipient sign in from an address of their own (the
  // per-address sign-in limit is per address); `sealpost serve` later runs without it.
  const bench = await startBenchApp({
    env: { SESSION_IDLE_MINUTES: '240', TRUST_PROXY: 'on' },
  });
  const { TRUST_PROXY: _, ...env } = bench.env;
  const dbPath = bench.app.config.database.kind === 'sqlite' ? bench.app.config.database.path : '';
  let keep = false;
  try {
    if (!dbPath) throw new Error('the portal benchmark needs SQLite (the peer reads its file)');
    const next = random(19);
    const sender = await bench.addPerson(`housing.officer@${COUNCIL}`, 'staff');
    const people = await Promise.all(
      Array.from({ length: plan.recipients }, (_, r) =>
        bench.addPerson(`resident${r}@example.org`),
      ),
    );
    const addressed = addressMessages(plan, next);
    const mailboxes: Mailbox[] = people.map((p) => ({ id: p.id, cookie: '', deliveryIds: [] }));
    const rows: PeerRow[] = [];
    let sent = 0;
    await inParallel(addressed, 16, async (to, m) => {
      const subject = `${TOPICS[m % TOPICS.length]}, reference ${200000 + m}`;
      const body = letter(m);
      const ids = await bench.sendToAll({
        from: sender,
        to: to.map((r) => people[r]?.email as string),
        subject,
        body,
      });
      ids.forEach((deliveryId, i) => {
        const r = to[i] as number;
        (mailboxes[r] as Mailbox).deliveryIds.push(deliveryId);
        rows.push({
          deliveryId,
          recipientId: (people[r] as { id: string }).id,
          senderName: sender.displayName,
          subject,
          body,
          createdAt: Date.now(),
          opened: false,
          attachments: 0,
        });
      });
      if (++sent % 500 === 0) onProgress(`sent ${sent} of ${addressed.length} messages`);
    });
    onProgress(
      `sent ${addressed.length} messages, ${rows.length} deliveries, in ${Math.round(
        (performance.now() - started) / 1000,
      )} s`,
    );
    await inParallel(people, 4, async (person, r) => {
      const address = `10.${(r >> 16) & 255}.${(r >> 8) & 255}.${r & 255}`;
      (mailboxes[r] as Mailbox).cookie = await bench.signIn(person.email, {
        forwardedFor: address,
      });
    });
    await bench.close({ keepData: true });
    keep = true;
    writePeerTable(dbPath, rows);
    return {
      dataDir: bench.dataDir,
      dbPath,
      env,
      mailboxes,
      messages: addressed.length,
      deliveries: rows.length,
      seconds: (performance.now() - started) / 1000,
      remove: () => rmSync(bench.dataDir, { recursive: true, force: true }),
    };
  } catch (error) {
    if (keep) rmSync(bench.dataDir, { recursive: true, force: true });
    else await bench.close();
    throw error;
  }
}
