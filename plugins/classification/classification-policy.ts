import type { InboundMail, Policy } from '../../core/gateway/ports.ts';
import { ConfigurationError } from '../../core/shared/errors.ts';
import { replyPrefixEnd } from '../subject-keyword/reply-prefix.ts';

// The Government Security Classifications marking at the start of the subject's
// own text: `OFFICIAL-SENSITIVE`, `[OFFICIAL-SENSITIVE]`, `(official-sensitive)`,
// `OFFICIAL SENSITIVE: ...`, with any trailing text, but not `OFFICIAL-SENSITIVEX`.
// Sticky, tried at one position only; the two ways to join the words share no
// blank, so a subject full of spaces cannot make the match backtrack quadratically.
const SENSITIVE_MARKING =
  /[[(]?[ \t]*OFFICIAL(?:[ \t]*[-\u2010-\u2014_][ \t]*|[ \t]+)SENSITIVE(?![\p{L}\p{N}_])/iuy;

// One key of a Purview `msip_labels` header: MSIP_Label_<label guid>_<attribute>.
const LABEL_KEY =
  /^MSIP_Label_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})_(\w+)$/i;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One sensitivity label read from an `msip_labels` header. */
export type SensitivityLabel = {
  /** The label's GUID, lower case. */
  id: string;
  /** The label's unique name within its tenant, if the header gives one. */
  name: string | null;
  /** The Microsoft Entra tenant (SiteId) the label belongs to, lower case. */
  siteId: string | null;
  /** Whether the label is applied (`Enabled=true`). */
  isEnabled: boolean;
};

/**
 * Reads the labels from `msip_labels` header values. Outlook writes one label (per
 * tenant) as `key=value;` pairs keyed `MSIP_Label_<guid>_<Attribute>`: Enabled,
 * SetDate, Method, Name, SiteId, ActionId, ContentBits. A mail replied to across
 * organisations may carry labels from several tenants. Values folded over lines
 * are unfolded to single spaces.
 */
export function parseSensitivityLabels(values: string[]): SensitivityLabel[] {
  const labels = new Map<string, SensitivityLabel>();
  for (const value of values) {
    for (const pair of value.split(';')) {
      const eq = pair.indexOf('=');
      if (eq < 0) continue;
      const key = LABEL_KEY.exec(pair.slice(0, eq).trim());
      if (!key) continue;
      const id = (key[1] as string).toLowerCase();
      const attribute = (key[2] as string).toLowerCase();
      const text = pair
        .slice(eq + 1)
        .replace(/\s+/g, ' ')
        .trim();
      const label = labels.get(id) ?? { id, name: null, siteId: null, isEnabled: false };
      if (attribute === 'enabled') label.isEnabled = text.toLowerCase() === 'true';
      else if (attribute === 'name') label.name = text;
      else if (attribute === 'siteid') label.siteId = text.toLowerCase();
      labels.set(id, label);
    }
  }
  return [...labels.values()];
}

/** True when the subject's own text (after `Re:`/`Fwd:`) starts with an OFFICIAL-SENSITIVE marking. */
export function hasSensitiveMarking(subject: string): boolean {
  SENSITIVE_MARKING.lastIndex = replyPrefixEnd(subject);
  return SENSITIVE_MARKING.test(subject);
}

function normalise(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}

/**
 * The classification policy: encrypts mail marked OFFICIAL-SENSITIVE in its
 * subject, or carrying an applied Microsoft Purview sensitivity label whose name
 * or GUID is configured. Reasons name the marking or the configured label, never
 * text taken from the mail.
 */
export function classificationPolicy(args: { labels: string[] }): Policy {
  // Configured entries by their lower-case form, kept as written for the reasons.
  const wanted = new Map<string, string>();
  for (const raw of args.labels) {
    const entry = normalise(raw);
    if (entry.length === 0) {
      throw new ConfigurationError(
        'classificationLabels must hold label names (e.g. Official Sensitive) or label GUIDs, not empty entries.',
      );
    }
    wanted.set(entry, raw.trim());
  }

  function matchingLabels(mail: InboundMail): string[] {
    if (wanted.size === 0) return [];
    const found = new Set<string>();
    for (const label of parseSensitivityLabels(mail.headers.msip_labels ?? [])) {
      if (!label.isEnabled) continue;
      const byId = wanted.get(label.id);
      const byName = label.name === null ? undefined : wanted.get(normalise(label.name));
      const configured = byId ?? byName;
      if (configured !== undefined) found.add(configured);
    }
    return [...found];
  }

  return {
    name: 'classification',
    async evaluate({ mail }) {
      const reasons: string[] = [];
      if (hasSensitiveMarking(mail.subject)) reasons.push('subject marked OFFICIAL-SENSITIVE');
      for (const label of matchingLabels(mail)) {
        reasons.push(
          GUID.test(label)
            ? `sensitivity label ${label.toLowerCase()}`
            : `sensitivity label ${JSON.stringify(label)}`,
        );
      }
      if (reasons.length === 0) return { action: 'abstain', reasons: [] };
      return { action: 'encrypt', reasons };
    },
  };
}
