// The prepared statements of the hot repositories, in one place for the plan tests
// (test/storage/query-plans.test.ts), which explain exactly what the repositories run.

export { accountStatements } from './accounts.ts';
export { attachmentStatements } from './attachments.ts';
export { deliveryStatements } from './deliveries.ts';
export { messageStatements } from './messages.ts';
export { sessionStatements } from './sessions.ts';
