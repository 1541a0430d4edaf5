import type { PluginManifest } from '../registry.ts';
import { subjectKeywordPolicy } from './subject-keyword-policy.ts';

/** What the subject keyword plugin reads from the plugin settings. */
export type SubjectKeywordSettings = {
  /** Keywords that ask for encryption: `zixencrypt` (a word), `[secure]` (anywhere), `secure:` (at the start). */
  subjectKeywords?: string[];
};

/**
 * The subject keyword plugin: a `policy` that encrypts a mail whose subject carries
 * one of the configured keywords, and strips it. It loads when at least one keyword
 * is configured.
 */
export const subjectKeywordPlugin: PluginManifest<'policy', SubjectKeywordSettings> = {
  id: 'subject-keyword',
  name: 'Subject keyword',
  description: 'Encrypts a mail whose subject carries a keyword such as [secure], and strips it.',
  hook: 'policy',
  // First: a keyword is the sender's explicit request, and only this policy tidies the subject.
  order: 100,
  isConfigured: (settings) => (settings.subjectKeywords?.length ?? 0) > 0,
  create: ({ settings }) => subjectKeywordPolicy({ keywords: settings.subjectKeywords ?? [] }),
};
