import type { SettingsStore } from '../../core/admin/deps.ts';
import {
  effectiveSettings,
  SETTING_KEYS,
  validateSettings,
} from '../../core/settings/effective.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../core/settings/model.ts';
import type { Storage } from '../../core/storage/ports.ts';
import type { Config } from '../config/config.ts';

/** The settings in force, read from the database and kept briefly in memory (`get` is at most `ttlMs` old). */
export type SettingsService = SettingsStore;

/** The configured values, used wherever an admin has not changed a setting. */
export function settingsFromConfig(config: Config): Settings {
  return {
    orgName: config.orgName,
    orgColour: config.orgColour,
    internalDomains: config.internalDomains,
    allowSubdomains: config.allowSubdomains,
    accessDays: config.accessDays,
    extensionDays: config.extensionDays,
    retentionDays: config.retentionDays,
    unretrievedNoticeDays: config.unretrievedNoticeDays,
    unretrievedAction: config.unretrievedAction,
    lockoutMaxFailures: config.lockoutMaxFailures,
    lockoutWindowMinutes: config.lockoutWindowMinutes,
    lockoutMinutes: config.lockoutMinutes,
    maxAttachments: config.maxAttachments,
    maxTotalBytes: config.maxTotalBytes,
    subjectKeywords: config.subjectKeywords,
    forwardOutside: config.forwardOutside,
    maxRecipients: config.maxRecipients,
    forwardsPerHour: config.forwardsPerHour,
    linkAccessRequests: config.linkAccessRequests,
    sharedMailboxes: config.sharedMailboxes,
    staffSecondFactor: config.staffSecondFactor,
    passkeySignIn: config.passkeySignIn,
    staffPasswords: config.staffPasswords,
    // Set on the admin settings page only (no environment variable yet).
    emailLanguage: DEFAULT_SETTINGS.emailLanguage,
  };
}

/**
 * Settings backed by the settings table. Several app nodes share the table, so a
 * change reaches the others within `ttlMs` (a few seconds) without any messaging.
 */
export function settingsService(args: {
  storage: Storage;
  defaults: Settings;
  ttlMs?: number;
  now?: () => number;
}): SettingsService {
  const ttlMs = args.ttlMs ?? 5_000;
  const now = args.now ?? Date.now;
  let cached: { at: number; value: Settings } | null = null;
  return {
    async get() {
      if (cached && now() - cached.at < ttlMs) return cached.value;
      const value = effectiveSettings(args.defaults, await args.storage.repos.settings.getAll());
      cached = { at: now(), value };
      return value;
    },
    async update(changes) {
      const current = await this.get();
      const problems = validateSettings({ ...current, ...changes });
      if (Object.keys(problems).length > 0) return problems;
      await args.storage.transaction(async (repos) => {
        for (const [key, value] of Object.entries(changes))
          await repos.settings.set({ key, value });
      });
      cached = null;
      return {};
    },
    async sources() {
      const stored = await args.storage.repos.settings.getAll();
      const saved = SETTING_KEYS.filter((key) => key in stored);
      return { saved, configured: args.defaults };
    },
    async reset(key) {
      await args.storage.repos.settings.delete({ key });
      cached = null;
    },
  };
}
