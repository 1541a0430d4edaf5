// The prepared statements of the hot repositories, in one place for the plan tests
// (test/storage/query-plans.test.ts), which explain exactly what the repositories run.

export { accessRequestStatements } from './access-requests.ts';
export { accountStatements } from './accounts.ts';
export { attachmentStatements } from './attachments.ts';
export { auditStatements } from './audit.ts';
export { contactStatements } from './contacts.ts';
export { deliveryStatements } from './deliveries.ts';
export { draftStatements } from './drafts.ts';
export { inlineBlobStatements } from './inline-blobs.ts';
export { messageStatements } from './messages.ts';
export { outboxStatements } from './outbox.ts';
export { sessionStatements } from './sessions.ts';
