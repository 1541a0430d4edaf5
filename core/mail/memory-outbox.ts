import type { OutboxRepository, Page } from '../storage/ports.ts';
import type { OutboxMail } from './model.ts';

/**
 * An in-memory OutboxRepository for core tests. It keeps the port's promises (copies in
 * and out, no shared mutable rows) and passes the same outbox contract as the SQL
 * adapters (test/contracts/outbox.test.ts), so tests on it mean what they say.
 */
export function memoryOutbox(): OutboxRepository & { rows: Map<string, OutboxMail> } {
  const rows = new Map<string, OutboxMail>();
  const copy = (m: OutboxMail): OutboxMail => structuredClone(m);
  return {
    rows,
    async insert({ mail }) {
      if (rows.has(mail.id)) throw new Error(`duplicate outbox id ${mail.id}`);
      rows.set(mail.id, copy(mail));
    },
    async findById({ id }) {
      const row = rows.get(id);
      return row ? copy(row) : null;
    },
    async claimDue({ now, leaseUntil, limit }) {
      const due = [...rows.values()]
        .filter(
          (m) =>
            (m.status === 'pending' && m.nextAttemptAt <= now) ||
            // A lease holds until its instant has passed; a sending mail without one is free.
            (m.status === 'sending' && (m.leaseUntil === null || m.leaseUntil < now)),
        )
        .sort(
          (a, b) =>
            a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() ||
            a.createdAt.getTime() - b.createdAt.getTime() ||
            (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
        )
        .slice(0, limit);
      for (const m of due) {
        m.status = 'sending';
        m.leaseUntil = new Date(leaseUntil);
      }
      return due.map(copy);
    },
    async update({ mail }) {
      if (!rows.has(mail.id)) throw new Error(`no outbox row ${mail.id}`);
      rows.set(mail.id, copy(mail));
    },
    async listFailed({ limit, offset }: Page) {
      return [...rows.values()]
        .filter((m) => m.status === 'failed')
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
        .slice(offset, offset + limit)
        .map(copy);
    },
    async countUnsent() {
      return [...rows.values()].filter((m) => m.status === 'pending' || m.status === 'sending')
        .length;
    },
    async deleteSent({ before, limit }) {
      const old = [...rows.values()]
        .filter((m) => m.status === 'sent' && m.sentAt !== null && m.sentAt < before)
        .slice(0, limit);
      for (const m of old) rows.delete(m.id);
      return old.length;
    },
  };
}
