/**
 * The mail transports. The composition root picks one: `outboxFolderMailer` (the
 * zero-config default, `.eml` files under DATA_DIR/outbox) or `smtpMailer`
 * (MAIL_TRANSPORT=smtp). Either is driven by `startOutboxWorker` in core/mail.
 */
export { type OutboxFolderOptions, outboxFolderMailer } from './outbox-folder.ts';
export { classifySmtpError, type DkimOptions, type SmtpMailerOptions, smtpMailer } from './smtp.ts';
