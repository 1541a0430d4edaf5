import type { InboundMail, Policy } from '../../core/gateway/ports.ts';
import { ConfigurationError } from '../../core/shared/errors.ts';

// The Government Security Classifications marking anywhere in the text, as a whole
// word: `OFFICIAL-SENSITIVE`, `[OFFICIAL-SENSITIVE]`, `official sensitive`,
// `OFFICIAL_SENSITIVE`, `OFFICIAL-SENSITIVE_Care`, but not `UNOFFICIAL-SENSITIVE`
// or `OFFICIAL-SENSITIVEX`. An underscore is a boundary: senders and tools join
// words with it. The blanks are bounded, so a subject full of spaces stays linear.
const SENSITIVE_MARKING =
  /(?<![\p{L}\p{N}])OFFICIAL(?:[ \t]{0,3}[-\u2010-\u2014_][ \t]{0,3}|[ \t]{1,3})SENSITIVE(?![\p{L}\p{N}])/giu;

// A negation right before the marking: "NOT OFFICIAL-SENSITIVE", "is not marked
// OFFICIAL-SENSITIVE", "non-OFFICIAL-SENSITIVE". Such a line says the mail is not
// sensitive, so it does not count. Only the words directly in front are read (up
// to 32 characters), so "Do not forward: OFFICIAL-SENSITIVE" is still a marking.
const NEGATED =
  /(?<![\p{L}\p{N}])(?:not|non|isn['\u2019]?t|never)(?:[ \t]{1,3}marked(?:[ \t]{1,3}as)?)?[ \t]{0,3}[-\u2010-\u2014"'\u2018\u201c([]{0,2}[ \t]{0,3}$/iu;

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

/**
 * True when `text` carries an OFFICIAL-SENSITIVE marking anywhere, read in Unicode
 * compatibility form (NFKC), so full-width letters (`ＯＦＦＩＣＩＡＬ`) count. A
 * negated marking ("NOT OFFICIAL-SENSITIVE") is not one; another, plain marking
 * in the same text still is.
 */
export function hasSensitiveMarking(text: string): boolean {
  const normal = text.normalize('NFKC');
  // matchAll scans a copy of the global pattern, so the shared one keeps no state.
  for (const m of normal.matchAll(SENSITIVE_MARKING)) {
    if (!NEGATED.test(normal.slice(Math.max(0, m.index - 32), m.index))) return true;
  }
  return false;
}

/** The first line of `body` that is not blank, where a marking heads a letter. */
export function firstLine(body: string): string {
  const match = /[^\s][^\n]*/.exec(body.slice(0, 4096));
  return match ? match[0] : '';
}

/** Where a mail is marked OFFICIAL-SENSITIVE: in any Subject header, or the body's first line. */
export function sensitiveMarkingIn(mail: InboundMail): 'subject' | 'body' | null {
  for (const subject of [mail.subject, ...(mail.headers.subject ?? [])]) {
    if (hasSensitiveMarking(subject)) return 'subject';
  }
  return hasSensitiveMarking(firstLine(mail.text)) ? 'body' : null;
}

function normalise(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}

/**
 * The classification policy: encrypts mail marked OFFICIAL-SENSITIVE in its
 * subject or the first line of its body, or carrying an applied Microsoft Purview sensitivity label whose name
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
      const marked = sensitiveMarkingIn(mail);
      if (marked === 'subject') reasons.push('subject marked OFFICIAL-SENSITIVE');
      if (marked === 'body') reasons.push('body marked OFFICIAL-SENSITIVE');
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
