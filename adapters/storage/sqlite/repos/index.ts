import type { Repositories } from '../../../../core/storage/ports.ts';
import type { SqliteContext } from '../connection.ts';
import { sqliteAccessRequests } from './access-requests.ts';
import { sqliteAccounts } from './accounts.ts';
import { sqliteAdminStats } from './admin-stats.ts';
import { sqliteAttachments } from './attachments.ts';
import { sqliteAudit } from './audit.ts';
import { sqliteBlobDeletions } from './blob-deletions.ts';
import { sqliteBlobReferences } from './blob-references.ts';
import { sqliteContacts } from './contacts.ts';
import { sqliteDeliveries } from './deliveries.ts';
import { sqliteDeviceLockouts } from './device-lockouts.ts';
import { sqliteDrafts } from './drafts.ts';
import { sqliteEmailCodes } from './email-codes.ts';
import { sqliteEncryptedValues } from './encrypted-values.ts';
import { sqliteFieldKeys } from './field-keys.ts';
import { sqliteInlineBlobs } from './inline-blobs.ts';
import { sqliteJobRuns } from './job-runs.ts';
import { sqliteMailboxMembers } from './mailbox-members.ts';
import { sqliteMessages } from './messages.ts';
import { sqliteOutbox } from './outbox.ts';
import { sqlitePasskeys } from './passkeys.ts';
import { sqlitePersonalData } from './personal-data.ts';
import { sqlitePurge } from './purge.ts';
import { sqliteRateLimitHits } from './rate-limit-hits.ts';
import { sqliteSessions } from './sessions.ts';
import { sqliteSettings } from './settings.ts';
import { sqliteTokens } from './tokens.ts';

/** Every repository, bound to one way of running statements (alone, or in a transaction). */
export function sqliteRepositories(ctx: SqliteContext): Repositories {
  return {
    accounts: sqliteAccounts(ctx),
    sessions: sqliteSessions(ctx),
    passkeys: sqlitePasskeys(ctx),
    tokens: sqliteTokens(ctx),
    emailCodes: sqliteEmailCodes(ctx),
    deviceLockouts: sqliteDeviceLockouts(ctx),
    messages: sqliteMessages(ctx),
    deliveries: sqliteDeliveries(ctx),
    attachments: sqliteAttachments(ctx),
    drafts: sqliteDrafts(ctx),
    accessRequests: sqliteAccessRequests(ctx),
    contacts: sqliteContacts(ctx),
    outbox: sqliteOutbox(ctx),
    audit: sqliteAudit(ctx),
    settings: sqliteSettings(ctx),
    jobRuns: sqliteJobRuns(ctx),
    blobDeletions: sqliteBlobDeletions(ctx),
    blobReferences: sqliteBlobReferences(ctx),
    personalData: sqlitePersonalData(ctx),
    adminStats: sqliteAdminStats(ctx),
    purge: sqlitePurge(ctx),
    rateLimitHits: sqliteRateLimitHits(ctx),
    fieldKeys: sqliteFieldKeys(ctx),
    encryptedValues: sqliteEncryptedValues(ctx),
    inlineBlobs: sqliteInlineBlobs(ctx),
    mailboxMembers: sqliteMailboxMembers(ctx),
  };
}
