import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { argon2Hasher } from '../../../adapters/security/argon2-hasher.ts';
import { fileCommonPasswords } from '../../../adapters/security/common-passwords.ts';
import { nodeSecrets, randomIds } from '../../../adapters/security/secrets.ts';
import { sqliteStorage } from '../../../adapters/storage/sqlite/index.ts';
import type { AccountDeps } from '../../../core/accounts/deps.ts';
import { emailKey } from '../../../core/accounts/email.ts';
import type { Account } from '../../../core/accounts/model.ts';
import { normalisePassword } from '../../../core/accounts/password-policy.ts';
import type { PasswordHasher } from '../../../core/accounts/ports.ts';
import { DEFAULT_SESSION_POLICY } from '../../../core/auth/sessions.ts';
import type { Cipher } from '../../../core/crypto/ports.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../core/settings/model.ts';
import { mailTemplates } from '../../../views/mail/templates.ts';
import { GOOD_PASSWORD, manualClock } from '../../auth/support.ts';
import { scratchDir } from './scratch.ts';

/**
 * The account use cases over real SQLite (in the scratch folder) and a real cipher,
 * for attacks run at the use-case layer: thousands of sign-ins cost seconds there,
 * minutes over HTTP. `hasher` defaults to cheap argon2 settings, as test/auth does.
 */
export async function accountsHarness(
  cipher: Cipher,
  over: { hasher?: PasswordHasher; settings?: Partial<Settings> } = {},
) {
  const scratch = scratchDir('accounts');
  const storage = sqliteStorage({ path: path.join(scratch.dir, 'test.db') });
  await storage.migrate();
  const clock = manualClock(new Date('2025-03-03T09:00:00Z'));
  const settings: Settings = { ...DEFAULT_SETTINGS, orgName: 'Barnet Council', ...over.settings };
  const hasher = over.hasher ?? argon2Hasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
  const ids = randomIds();
  const deps: AccountDeps = {
    storage,
    hasher,
    commonPasswords: fileCommonPasswords(),
    secrets: nodeSecrets({ signingKey: randomBytes(32) }),
    ids,
    clock,
    cipher,
    templates: mailTemplates,
    settings: { get: async () => settings },
    policy: DEFAULT_SESSION_POLICY,
    publicUrl: 'https://messages.example.gov.uk',
    ssoConfigured: false,
  };

  /** A registered external recipient with `GOOD_PASSWORD`, or `extra` over it. */
  const addAccount = async (email: string, extra: Partial<Account> = {}) => {
    const now = clock.now();
    const account: Account = {
      id: ids.newId(),
      email,
      emailKey: emailKey(email),
      displayName: email,
      kind: 'external',
      role: 'recipient',
      passwordHash: await hasher.hash({ password: normalisePassword(GOOD_PASSWORD) }),
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
      passwordChangedAt: now,
      sharedMailbox: false,
      ssoSubject: null,
      passkeyCount: 0,
      language: null,
      ...extra,
    };
    await storage.repos.accounts.insert({ account });
    return account;
  };

  /** Queued mails of `kind` (left in the queue). */
  const queued = async (kind: string) => {
    const mails = await storage.repos.outbox.claimDue({
      now: new Date('2100-01-01T00:00:00Z'),
      leaseUntil: new Date('2000-01-01T00:00:00Z'),
      limit: 100_000,
    });
    return mails.filter((m) => m.kind === kind).length;
  };

  return {
    deps,
    storage,
    clock,
    settings,
    addAccount,
    queued,
    async close() {
      await storage.close();
      scratch.remove();
    },
  };
}
