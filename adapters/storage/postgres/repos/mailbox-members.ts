import { and, asc, eq, sql } from 'drizzle-orm';
import type { MailboxMember } from '../../../../core/mailboxes/model.ts';
import type { MailboxMemberRepository } from '../../../../core/mailboxes/ports.ts';
import type { PgContext } from '../context.ts';
import { preparedPerHandle } from '../prepared.ts';
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
  forMember: preparedPerHandle((db) =>
    db
      .select()
      .from(mailboxMembers)
      .where(eq(mailboxMembers.memberId, sql.placeholder('memberId')))
      .orderBy(asc(mailboxMembers.createdAt), asc(mailboxMembers.mailboxId))
      .prepare('mailbox_members_for_member'),
  ),
  find: preparedPerHandle((db) =>
    db
      .select()
      .from(mailboxMembers)
      .where(
        and(
          eq(mailboxMembers.mailboxId, sql.placeholder('mailboxId')),
          eq(mailboxMembers.memberId, sql.placeholder('memberId')),
        ),
      )
      .prepare('mailbox_members_find'),
  ),
};

/** Members of shared mailboxes in PostgreSQL (docs/decisions/0028). */
export function pgMailboxMembers(ctx: PgContext): MailboxMemberRepository {
  return {
    insert: ({ member }) =>
      ctx.run(async (db) => {
        await db.insert(mailboxMembers).values(member);
      }),
    find: ({ mailboxId, memberId }) =>
      ctx.run(async (db) => {
        const [row] = await mailboxMemberStatements.find(db).execute({ mailboxId, memberId });
        return row ? toMember(row) : null;
      }),
    accept: ({ mailboxId, memberId, at }) =>
      ctx.run(async (db) => {
        const rows = await db
          .update(mailboxMembers)
          .set({ acceptedAt: at })
          .where(key(mailboxId, memberId))
          .returning({ id: mailboxMembers.memberId });
        return rows.length > 0;
      }),
    delete: ({ mailboxId, memberId }) =>
      ctx.run(async (db) => {
        const rows = await db
          .delete(mailboxMembers)
          .where(key(mailboxId, memberId))
          .returning({ id: mailboxMembers.memberId });
        return rows.length > 0;
      }),
    listForMailbox: ({ mailboxId }) =>
      ctx.run(async (db) =>
        (
          await db
            .select()
            .from(mailboxMembers)
            .where(eq(mailboxMembers.mailboxId, mailboxId))
            .orderBy(asc(mailboxMembers.createdAt), asc(mailboxMembers.memberId))
        ).map(toMember),
      ),
    listForMember: ({ memberId }) =>
      ctx.run(async (db) =>
        (await mailboxMemberStatements.forMember(db).execute({ memberId })).map(toMember),
      ),
  };
}
