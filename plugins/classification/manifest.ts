import type { PluginManifest } from '../registry.ts';
import { classificationPolicy } from './classification-policy.ts';

/** What the classification plugin reads from the plugin settings. */
export type ClassificationSettings = {
  /**
   * Present (even empty) to turn the plugin on. Microsoft Purview sensitivity
   * label names (case-insensitive) or GUIDs that ask for encryption. The subject
   * marking OFFICIAL-SENSITIVE always does, once the plugin is on.
   */
  classificationLabels?: string[];
};

/**
 * The classification plugin: a `policy` that encrypts mail marked
 * OFFICIAL-SENSITIVE in its subject or the first line of its body, or carrying a configured Purview sensitivity
 * label (`msip_labels` header). It loads when `classificationLabels` is given.
 */
export const classificationPlugin: PluginManifest<'policy', ClassificationSettings> = {
  id: 'classification',
  name: 'Classification',
  description:
    'Encrypts mail marked OFFICIAL-SENSITIVE in its subject or first line, or carrying a configured sensitivity label.',
  hook: 'policy',
  order: 200,
  isConfigured: (settings) => Array.isArray(settings.classificationLabels),
  create: ({ settings }) => classificationPolicy({ labels: settings.classificationLabels ?? [] }),
};
