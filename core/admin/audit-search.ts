import { emailKey, normaliseEmail } from '../accounts/email.ts';
import type { AuditAction, AuditEvent } from '../audit/model.ts';
import type { AuditFilter, Storage } from '../storage/ports.ts';

/** What an admin or auditor searches the audit trail by; every part optional. */
export type AuditQuery = {
  /** Who did it: an address, an account id, or a label such as a job name or `cli`. */
  actor?: string;
  /** What it was done to: an address (its account), a message id, any target id. */
  target?: string;
  action?: AuditAction;
  /** From this instant (inclusive). */
  from?: Date;
  /** Until this instant (exclusive). */
  to?: Date;
};

/** A person or thing named in a query, as the repository filters by it. */
async function resolvePerson(
  storage: Storage,
  text: string,
): Promise<{ id: string } | { label: string }> {
  const normalised = normaliseEmail(text);
  if (normalised.ok) {
    const account = await storage.repos.accounts.findByEmailKey({
      emailKey: emailKey(normalised.email),
    });
    // An address with no account (deleted, or erased) is still in the labels of the
    // events recorded while it had one.
    return account ? { id: account.id } : { label: normalised.email };
  }
  const account = await storage.repos.accounts.findById({ id: text });
  return account ? { id: account.id } : { label: text };
}

/**
 * Turns what a person typed into the repository's filter. An address becomes its
 * account's id, so everything the person did is found whatever label each event
 * carries; an address without an account (any more) is matched against the labels.
 * A target that is not an address is taken as an id (message, account, mail, key).
 */
export async function auditFilterFor(
  deps: { storage: Storage },
  query: AuditQuery,
): Promise<AuditFilter> {
  const filter: AuditFilter = {};
  const actor = query.actor?.trim() ?? '';
  if (actor !== '') {
    const person = await resolvePerson(deps.storage, actor);
    if ('id' in person) filter.actorId = person.id;
    else filter.actorLabel = person.label;
  }
  const target = query.target?.trim() ?? '';
  if (target !== '') {
    const thing = await resolvePerson(deps.storage, target);
    filter.targetId = 'id' in thing ? thing.id : target;
  }
  if (query.action) filter.action = query.action;
  if (query.from) filter.from = query.from;
  if (query.to) filter.to = query.to;
  return filter;
}

/**
 * One page of search results, newest first, with the cursors of the pages either side:
 * `olderThan` for the next (older) page, `newerThan` for the previous (newer) one; null
 * where there is no such page.
 */
export type AuditPage = {
  events: AuditEvent[];
  olderThan: number | null;
  newerThan: number | null;
};

/**
 * One page of the audit trail matching `filter`, newest first. Paged by `seq`, never by
 * offset, so events appended while someone reads do not shift the pages: `olderThan`
 * continues to older events, `newerThan` goes back to newer ones.
 */
export async function searchAudit(
  deps: { storage: Storage },
  args: {
    filter: AuditFilter;
    olderThan?: number | null;
    newerThan?: number | null;
    limit: number;
  },
): Promise<AuditPage> {
  const audit = deps.storage.repos.audit;
  if (args.newerThan) {
    const rows = await audit.list({
      filter: args.filter,
      order: 'asc',
      afterSeq: args.newerThan,
      limit: args.limit + 1,
    });
    const events = rows.slice(0, args.limit).reverse();
    const first = events[0];
    const last = events[events.length - 1];
    return {
      events,
      // The page came from an older one, so there is one to go back to.
      olderThan: last ? last.seq : args.newerThan,
      newerThan: rows.length > args.limit && first ? first.seq : null,
    };
  }
  const rows = await audit.list({
    filter: args.filter,
    order: 'desc',
    limit: args.limit + 1,
    ...(args.olderThan ? { afterSeq: args.olderThan } : {}),
  });
  const events = rows.slice(0, args.limit);
  const first = events[0];
  const last = events[events.length - 1];
  return {
    events,
    olderThan: rows.length > args.limit && last ? last.seq : null,
    newerThan: args.olderThan && first ? first.seq : null,
  };
}
