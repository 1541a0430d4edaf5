import { recordAudit } from '../audit/record.ts';
import type { OneTimeToken } from '../auth/model.ts';
import { cleanLine } from '../shared/clean-text.ts';
import type { Clock, Ids, Secrets } from '../shared/ports.ts';
import { addDays } from '../shared/time.ts';
import type { Storage } from '../storage/ports.ts';
import { type EmailProblem, emailKey, normaliseEmail } from './email.ts';
import type { Account, Role } from './model.ts';

/** How long a staff member's set-password link works. */
export const SET_PASSWORD_DAYS = 7;

/** What creating a staff account needs. */
export type CreateStaffDeps = { storage: Storage; ids: Ids; clock: Clock; secrets: Secrets };

/**
 * What is wrong with a new staff account, by field, as codes (views/codes.ts
 * `createStaffIssueText` words them): the address is no address or already has an
 * account; the name is missing, or longer than one line of `max` characters or holds
 * < or >.
 */
export type CreateStaffIssue =
  | { code: 'email-invalid'; problem: EmailProblem }
  | { code: 'email-taken' }
  | { code: 'name-missing' }
  | { code: 'name-invalid'; max: number };

/** Every create-staff issue code, for tests that check each has words. */
export const CREATE_STAFF_ISSUE_CODES = [
  'email-invalid',
  'email-taken',
  'name-missing',
  'name-invalid',
] as const satisfies ReadonlyArray<CreateStaffIssue['code']>;

/** The issues of a refused account, by field. */
export type CreateStaffIssues = Partial<Record<'email' | 'name', CreateStaffIssue>>;

/** The longest name a staff account may have. */
const MAX_NAME = 100;

/** The outcome: the account and its one-time link secret, or why not. */
export type CreateStaffResult =
  | { ok: true; account: Account; setPasswordToken: string }
  | { ok: false; issues: CreateStaffIssues };

/**
 * Creates a staff account without a password and a one-time token to set one.
 * The caller shows or emails `<publicUrl>/set-password/<setPasswordToken>`.
 */
export async function createStaffAccount(
  deps: CreateStaffDeps,
  input: {
    email: string;
    name: string;
    role: Exclude<Role, 'recipient'>;
    actorId: string | null;
    /**
     * Who acted, for the audit trail, when no account did (`actorId` null): the command
     * line by default, or `gateway` when a council mail server's first mail from a new
     * colleague creates their account.
     */
    actorLabel?: 'cli' | 'gateway';
    ip?: string | null;
  },
): Promise<CreateStaffResult> {
  const issues: CreateStaffIssues = {};
  const normalised = normaliseEmail(input.email);
  if (!normalised.ok) issues.email = { code: 'email-invalid', problem: normalised.problem };
  // Invisible and bidi-override characters go, so a name cannot read backwards.
  const name = cleanLine(input.name);
  if (name === '') issues.name = { code: 'name-missing' };
  else if (name.length > MAX_NAME || /[\r\n<>]/.test(input.name.trim()))
    issues.name = { code: 'name-invalid', max: MAX_NAME };
  if (!normalised.ok || Object.keys(issues).length > 0) return { ok: false, issues };

  const now = deps.clock.now();
  const key = emailKey(normalised.email);
  const secret = deps.secrets.randomToken({ bytes: 16 });
  const tokenId = deps.ids.newId();
  return deps.storage.transaction(async (repos) => {
    if (await repos.accounts.findByEmailKey({ emailKey: key })) {
      return {
        ok: false,
        issues: { email: { code: 'email-taken' } },
      } as const;
    }
    const account: Account = {
      id: deps.ids.newId(),
      email: normalised.email,
      emailKey: key,
      displayName: name,
      kind: 'staff',
      role: input.role,
      passwordHash: null,
      status: 'active',
      failedSignIns: 0,
      failureWindowStartedAt: null,
      lockedUntil: null,
      totpKeyEnc: null,
      recoveryCodeHashes: [],
      legalHold: false,
      createdAt: now,
      updatedAt: now,
      lastSignInAt: null,
      passwordChangedAt: null,
      sharedMailbox: false,
      ssoSubject: null,
      passkeyCount: 0,
      language: null,
    };
    await repos.accounts.insert({ account });
    const token: OneTimeToken = {
      id: tokenId,
      purpose: 'set-password',
      secretHash: deps.secrets.hashToken({ value: secret }),
      accountId: account.id,
      email: account.email,
      deliveryId: null,
      createdAt: now,
      expiresAt: addDays(now, SET_PASSWORD_DAYS),
      usedAt: null,
    };
    await repos.tokens.insert({ token });
    await recordAudit(deps, repos, {
      action: 'account.create',
      actorId: input.actorId,
      actorLabel: input.actorId === null ? (input.actorLabel ?? 'cli') : null,
      ip: input.ip ?? null,
      targetType: 'account',
      targetId: account.id,
      details: { role: account.role, kind: 'staff' },
    });
    return { ok: true, account, setPasswordToken: `${tokenId}.${secret}` } as const;
  });
}
