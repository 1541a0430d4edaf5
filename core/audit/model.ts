/** Security-relevant acts that leave a trace. Never content, only who, what and when. */
export type AuditAction =
  | 'message.send'
  | 'message.notify'
  | 'message.open'
  | 'message.download'
  | 'message.reply'
  | 'message.forward'
  | 'message.delete'
  | 'message.purge'
  | 'delivery.revoke'
  | 'delivery.restore'
  | 'delivery.expiry-change'
  /** The sender was told a delivery was never opened (and, per the setting, it was deleted). */
  | 'delivery.unretrieved'
  | 'access.request'
  | 'access.grant'
  | 'access.deny'
  | 'account.create'
  | 'account.register'
  | 'account.signin'
  | 'account.signin-failed'
  | 'account.lockout'
  | 'account.unlock'
  | 'account.reset-request'
  | 'account.password-reset'
  | 'account.signout'
  | 'account.disable'
  | 'account.enable'
  | 'account.delete'
  | 'account.totp-enrol'
  /** Two-step verification turned off by the account's holder (password typed again). */
  | 'account.totp-remove'
  /** A signed-in person's password, asked again before a sensitive change, was wrong. */
  | 'account.reauth-failed'
  /** Single sign-on (docs/decisions/0029): a staff account made on first sign-in at the provider. */
  | 'account.sso-provisioned'
  /** An existing staff account linked to the person at the provider, by its address. */
  | 'account.sso-linked'
  /** The provider now grants a different role; the account took it at this sign-in. */
  | 'account.sso-role-change'
  /** A sign-in or recheck through the provider refused; `details.reason` says why. */
  | 'account.sso-refused'
  /** A passkey (WebAuthn credential) registered, renamed or removed by the account's holder. */
  | 'account.passkey-add'
  | 'account.passkey-rename'
  | 'account.passkey-remove'
  /** An admin cleared another person's lost second factor: app, recovery codes and passkeys. */
  | 'account.second-factor-reset'
  | 'settings.change'
  | 'key.rotate'
  /** An admin put a mail that had given up back in the outbox queue. */
  | 'mail.retry'
  | 'gateway.decision'
  | 'subject.export'
  | 'subject.erase'
  /** A legal hold placed on a message or a person (`sealpost hold`), or lifted. */
  | 'legal-hold.set'
  | 'legal-hold.clear'
  /** The trail, or part of it, was exported (CSV from the admin pages, or the CLI). */
  | 'audit.export'
  /** Shared mailboxes (docs/decisions/0028): invitations, members, team mailboxes. */
  | 'mailbox.invite'
  | 'mailbox.accept'
  | 'mailbox.remove'
  | 'mailbox.create'
  | 'mailbox.assign'
  | 'mailbox.unassign'
  | 'job.run';

/** Plain values only, so an event can never carry a blob of content by accident. */
export type AuditDetails = Record<string, string | number | boolean | null>;

/** What a caller says happened; the chain fields are added when it is appended. */
export type AuditEntry = {
  action: AuditAction;
  actorId: string | null;
  /** The actor's address or a job name, kept so the trail reads after an account is erased. */
  actorLabel: string | null;
  ip: string | null;
  targetType: string | null;
  targetId: string | null;
  details: AuditDetails;
};

/**
 * One event of the append-only trail. `hash` covers every field and `prevHash`, so
 * editing or removing a row breaks the chain from there on.
 */
export type AuditEvent = AuditEntry & {
  seq: number;
  id: string;
  at: Date;
  prevHash: string;
  hash: string;
};
