import { and, asc, eq, sql } from 'drizzle-orm';
import type { MailboxMember } from '../../../../core/mailboxes/model.ts';
import type { MailboxMemberRepository } from '../../../../core/mailboxes/ports.ts';
import type { SqliteContext } from '../connection.ts';
import { preparedPerConnection } from '../prepared.ts';
import { mailboxMembers } from '../schema.ts';

const toMember = (row: MailboxMember): MailboxMember => ({
  mailboxId: row.mailboxId,
  memberId: row.memberId,
  addedById: row.addedById,
  createdAt: row.createdAt,
  acceptedAt: row.acceptedAt,
});

const key = (mailboxId: string, memberId: string) =>
  and(eq(mailboxMembers.mailboxId, mailboxId), eq(mailboxMembers.memberId, memberId));

/**
 * Every request acting for a mailbox checks its membership, and a recipient's pages ask
 * whether they have any (the menu): both prepared once (decision 0024).
 */
export const mailboxMemberStatements = {
  forMember: preparedPerConnection((db) =>
    db
      .select()
      .from(mailboxMembers)
      .where(eq(mailboxMembers.memberId, sql.placeholder('memberId')))
      .orderBy(asc(mailboxMembers.createdAt), asc(mailboxMembers.mailboxId))
      .prepare(),
  ),
  find: preparedPerConnection((db) =>
    db
      .select()
      .from(mailboxMembers)
      .where(
        and(
          eq(mailboxMembers.mailboxId, sql.placeholder('mailboxId')),
          eq(mailboxMembers.memberId, sql.placeholder('memberId')),
        ),
      )
      .prepare(),
  ),
};

/** Members of shared mailboxes in SQLite (docs/decisions/0028). */
export function sqliteMailboxMembers(ctx: SqliteContext): MailboxMemberRepository {
  return {
    insert: ({ member }) =>
      ctx.run((db) => {
        db.insert(mailboxMembers).values(member).run();
      }),
    find: ({ mailboxId, memberId }) =>
      ctx.run((db) => {
        const row = mailboxMemberStatements.find(db).get({ mailboxId, memberId });
        return row ? toMember(row) : null;
      }),
    accept: ({ mailboxId, memberId, at }) =>
      ctx.run(
        (db) =>
          db.update(mailboxMembers).set({ acceptedAt: at }).where(key(mailboxId, memberId)).run()
            .changes > 0,
      ),
    delete: ({ mailboxId, memberId }) =>
      ctx.run((db) => db.delete(mailboxMembers).where(key(mailboxId, memberId)).run().changes > 0),
    listForMailbox: ({ mailboxId }) =>
      ctx.run((db) =>
        db
          .select()
          .from(mailboxMembers)
          .where(eq(mailboxMembers.mailboxId, mailboxId))
          .orderBy(asc(mailboxMembers.createdAt), asc(mailboxMembers.memberId))
          .all()
          .map(toMember),
      ),
    listForMember: ({ memberId }) =>
      ctx.run((db) => mailboxMemberStatements.forMember(db).all({ memberId }).map(toMember)),
  };
}
