import type { AuditDetails } from '../audit/model.ts';
import { recordAudit } from '../audit/record.ts';
import type { Settings } from '../settings/model.ts';
import { type AdminActor, type AdminDeps, auditActor } from './deps.ts';

/** The outcome: saved (with the keys that changed), or the problems by setting. */
export type ChangeSettingsResult =
  | { ok: true; changed: Array<keyof Settings> }
  | { ok: false; problems: Record<string, string> };

/**
 * Settings whose values the audit trail may record. The rest (names, domains,
 * keywords: free text that may say more than it should, and lists that would make
 * events long) are recorded by key only.
 */
const LOGGED_VALUES = new Set<keyof Settings>([
  'orgColour',
  'allowSubdomains',
  'accessDays',
  'extensionDays',
  'retentionDays',
  'unretrievedNoticeDays',
  'unretrievedAction',
  'lockoutMaxFailures',
  'lockoutWindowMinutes',
  'lockoutMinutes',
  'maxAttachments',
  'maxTotalBytes',
  'forwardOutside',
  'maxRecipients',
  'forwardsPerHour',
  'linkAccessRequests',
  'sharedMailboxes',
  // Who must use a second factor, and how people may sign in: what an auditor asks first.
  'staffSecondFactor',
  'passkeySignIn',
  'staffPasswords',
  'emailLanguage',
]);

/** True when two setting values are the same (lists compared item by item). */
function isSame(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Changes settings: only the keys whose value differs from the one in force are
 * stored, after `validateSettings` has passed them (with the rest of the settings, so
 * rules across settings, such as retention at least the access period, hold). Records
 * `settings.change` with the changed keys, and the new value of those in
 * `LOGGED_VALUES`. Nothing changed: nothing stored, nothing recorded. The event is
 * written just after the save, which the settings service makes on its own (it also
 * clears its cache), so the two are not one transaction.
 */
export async function changeSettings(
  deps: AdminDeps,
  input: { changes: Partial<Settings>; actor: AdminActor },
): Promise<ChangeSettingsResult> {
  const current = await deps.settings.get();
  const changed = (Object.keys(input.changes) as Array<keyof Settings>).filter(
    (key) => !isSame(input.changes[key], current[key]),
  );
  if (changed.length === 0) return { ok: true, changed };
  const changes: Partial<Record<keyof Settings, unknown>> = {};
  for (const key of changed) changes[key] = input.changes[key];
  const problems = await deps.settings.update(changes);
  if (Object.keys(problems).length > 0) return { ok: false, problems };

  const details: AuditDetails = { keys: changed.join(',') };
  for (const key of changed) {
    const value = input.changes[key];
    if (LOGGED_VALUES.has(key) && (typeof value !== 'object' || value === null)) {
      details[key] = value as string | number | boolean;
    }
  }
  await recordAudit(deps, deps.storage.repos, {
    action: 'settings.change',
    ...auditActor(input.actor),
    targetType: 'settings',
    targetId: null,
    details,
  });
  return { ok: true, changed };
}

/**
 * Forgets the value saved on the settings page for `key`, so the configured value (the
 * environment, or the default) is in force again; records `settings.change` with the
 * key reset. Nothing saved: nothing changes, nothing recorded.
 */
export async function resetSetting(
  deps: AdminDeps,
  input: { key: keyof Settings; actor: AdminActor },
): Promise<{ reset: boolean }> {
  const { saved } = await deps.settings.sources();
  if (!saved.includes(input.key)) return { reset: false };
  await deps.settings.reset(input.key);
  await recordAudit(deps, deps.storage.repos, {
    action: 'settings.change',
    ...auditActor(input.actor),
    targetType: 'settings',
    targetId: null,
    details: { keys: input.key, reset: true },
  });
  return { reset: true };
}
