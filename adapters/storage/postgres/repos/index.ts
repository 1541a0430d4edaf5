import type { Repositories } from '../../../../core/storage/ports.ts';
import type { PgContext } from '../context.ts';
import { pgAccessRequests } from './access-requests.ts';
import { pgAccounts } from './accounts.ts';
import { pgAdminStats } from './admin-stats.ts';
import { pgAttachments } from './attachments.ts';
import { pgAudit } from './audit.ts';
import { pgBlobDeletions } from './blob-deletions.ts';
import { pgBlobReferences } from './blob-references.ts';
import { pgContacts } from './contacts.ts';
import { pgDeliveries } from './deliveries.ts';
import { pgDeviceLockouts } from './device-lockouts.ts';
import { pgDrafts } from './drafts.ts';
import { pgEmailCodes } from './email-codes.ts';
import { pgEncryptedValues } from './encrypted-values.ts';
import { pgFieldKeys } from './field-keys.ts';
import { pgInlineBlobs } from './inline-blobs.ts';
import { pgJobRuns } from './job-runs.ts';
import { pgMailboxMembers } from './mailbox-members.ts';
import { pgMessages } from './messages.ts';
import { pgOutbox } from './outbox.ts';
import { pgPasskeys } from './passkeys.ts';
import { pgPersonalData } from './personal-data.ts';
import { pgPurge } from './purge.ts';
import { pgRateLimitHits } from './rate-limit-hits.ts';
import { pgSessions } from './sessions.ts';
import { pgSettings } from './settings.ts';
import { pgTokens } from './tokens.ts';

/** Every repository, bound to one way of running statements (alone, or in a transaction). */
export function pgRepositories(ctx: PgContext): Repositories {
  return {
    accounts: pgAccounts(ctx),
    sessions: pgSessions(ctx),
    passkeys: pgPasskeys(ctx),
    tokens: pgTokens(ctx),
    emailCodes: pgEmailCodes(ctx),
    deviceLockouts: pgDeviceLockouts(ctx),
    messages: pgMessages(ctx),
    deliveries: pgDeliveries(ctx),
    attachments: pgAttachments(ctx),
    drafts: pgDrafts(ctx),
    accessRequests: pgAccessRequests(ctx),
    contacts: pgContacts(ctx),
    outbox: pgOutbox(ctx),
    audit: pgAudit(ctx),
    settings: pgSettings(ctx),
    jobRuns: pgJobRuns(ctx),
    blobDeletions: pgBlobDeletions(ctx),
    blobReferences: pgBlobReferences(ctx),
    personalData: pgPersonalData(ctx),
    adminStats: pgAdminStats(ctx),
    purge: pgPurge(ctx),
    rateLimitHits: pgRateLimitHits(ctx),
    fieldKeys: pgFieldKeys(ctx),
    encryptedValues: pgEncryptedValues(ctx),
    inlineBlobs: pgInlineBlobs(ctx),
    mailboxMembers: pgMailboxMembers(ctx),
  };
}
