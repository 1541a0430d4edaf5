import { describe, expect, it } from 'vitest';
import type { InboundMail } from '../../core/gateway/ports.ts';
import { ConfigurationError } from '../../core/shared/errors.ts';
import {
  classificationPolicy,
  hasSensitiveMarking,
  parseSensitivityLabels,
} from '../../plugins/classification/classification-policy.ts';
import { classificationPlugin } from '../../plugins/classification/manifest.ts';

const LABEL = '8b9e4d2c-1f3a-4c5e-9a7b-2d6f1e0c3b4a';
const OTHER = 'd4243a53-6221-4f75-8154-e4b33a5707a1';
const TENANT = '3dd8961f-e488-4e60-8e11-a82d994e183d';

/** An msip_labels value as Outlook writes it (after the header is unfolded). */
function msipLabels(id: string, name: string, enabled = 'true'): string {
  const key = `MSIP_Label_${id}`;
  return [
    `${key}_ActionId=1611ccea-be21-4318-85c2-388ecd06d0b4`,
    `${key}_ContentBits=0`,
    `${key}_Enabled=${enabled}`,
    `${key}_Method=Privileged`,
    `${key}_Name=${name}`,
    `${key}_SetDate=2024-05-14T08:52:36Z`,
    `${key}_SiteId=${TENANT};`,
  ].join('; ');
}

function mail(subject: string, headers: Record<string, string[]> = {}): InboundMail {
  return {
    from: 'officer@council.gov.uk',
    to: ['resident@example.com'],
    subject,
    headers,
    text: '',
    attachments: [],
  };
}

describe('OFFICIAL-SENSITIVE subject marking', () => {
  it.each([
    'OFFICIAL-SENSITIVE',
    'OFFICIAL-SENSITIVE: Case notes',
    'official-sensitive case notes',
    '[OFFICIAL-SENSITIVE] Case notes',
    '(OFFICIAL-SENSITIVE) Case notes',
    '[ OFFICIAL-SENSITIVE PERSONAL ] Case notes',
    'OFFICIAL SENSITIVE - Case notes',
    'OFFICIAL\u2013SENSITIVE Case notes',
    'Re: OFFICIAL-SENSITIVE: Case notes',
    'RE: FW: [OFFICIAL-SENSITIVE] Case notes',
    // Anywhere in the subject, joined by an underscore, in full-width letters.
    'Case notes OFFICIAL-SENSITIVE',
    'Minutes - OFFICIAL SENSITIVE',
    'OFFICIAL-SENSITIVE_Care plan',
    'Care plan OFFICIAL_SENSITIVE',
    '\uff2f\uff26\uff26\uff29\uff23\uff29\uff21\uff2c\uff0d\uff33\uff25\uff2e\uff33\uff29\uff34\uff29\uff36\uff25 notes',
  ])('finds it in %j', (subject) => {
    expect(hasSensitiveMarking(subject)).toBe(true);
  });

  it.each([
    'OFFICIAL: Newsletter',
    'OFFICIAL',
    'OFFICIAL-SENSITIVEX notes',
    'UNOFFICIAL-SENSITIVE',
    'OFFICIALSENSITIVE',
    'Sensitive: officially closed',
  ])('does not find it in %j', (subject) => {
    expect(hasSensitiveMarking(subject)).toBe(false);
  });

  it.each([
    'NOT OFFICIAL-SENSITIVE - bin collection dates',
    'This email is NOT OFFICIAL-SENSITIVE and can be shared',
    'This email is not marked as Official Sensitive',
    'Newsletter (non-OFFICIAL-SENSITIVE)',
    "It isn't OFFICIAL SENSITIVE",
  ])('does not take the negated marking in %j for a marking', (text) => {
    expect(hasSensitiveMarking(text)).toBe(false);
  });

  it.each([
    'Do not forward: OFFICIAL-SENSITIVE',
    'NOT OFFICIAL-SENSITIVE until 1 May - OFFICIAL-SENSITIVE',
    'Notes OFFICIAL-SENSITIVE',
  ])('still finds a marking that is not negated in %j', (text) => {
    expect(hasSensitiveMarking(text)).toBe(true);
  });

  it('does not encrypt a mail whose subject or first line is negated', async () => {
    const policy = classificationPolicy({ labels: [] });
    expect(await policy.evaluate({ mail: mail('NOT OFFICIAL-SENSITIVE: newsletter') })).toEqual({
      action: 'abstain',
      reasons: [],
    });
    const body = { ...mail('Newsletter'), text: '\nThis email is NOT OFFICIAL-SENSITIVE.\nHi' };
    expect(await policy.evaluate({ mail: body })).toEqual({ action: 'abstain', reasons: [] });
    const marked = { ...mail('Newsletter'), text: 'OFFICIAL-SENSITIVE\nNOT OFFICIAL-SENSITIVE' };
    expect((await policy.evaluate({ mail: marked })).action).toBe('encrypt');
  });

  it('copes with a long run of blanks', () => {
    expect(hasSensitiveMarking(`OFFICIAL${' '.repeat(200_000)}x`)).toBe(false);
    expect(hasSensitiveMarking(`${'OFFICIAL '.repeat(50_000)}x`)).toBe(false);
    expect(hasSensitiveMarking(`${'not OFFICIAL SENSITIVE '.repeat(20_000)}x`)).toBe(false);
  });
});

describe('msip_labels header', () => {
  it('reads each label with its name, tenant and state', () => {
    const labels = parseSensitivityLabels([
      `${msipLabels(LABEL, 'Official Sensitive')} ${msipLabels(OTHER, 'Public-AIP 2.0', 'false')}`,
    ]);
    expect(labels).toEqual([
      { id: LABEL, name: 'Official Sensitive', siteId: TENANT, isEnabled: true },
      { id: OTHER, name: 'Public-AIP 2.0', siteId: TENANT, isEnabled: false },
    ]);
  });

  it('unfolds names split over lines and ignores pairs it does not know', () => {
    const labels = parseSensitivityLabels([
      `MSIP_Label_${LABEL.toUpperCase()}_Enabled=True;\r\n MSIP_Label_${LABEL}_Name=Official\r\n Sensitive; junk; X=1; =`,
    ]);
    expect(labels).toEqual([
      { id: LABEL, name: 'Official Sensitive', siteId: null, isEnabled: true },
    ]);
  });
});

describe('classification policy', () => {
  const policy = classificationPolicy({ labels: ['Official Sensitive', OTHER.toUpperCase()] });

  it('encrypts a mail whose body starts with the marking, not one that mentions it later', async () => {
    const marked = { ...mail('Case notes'), text: '\n  OFFICIAL-SENSITIVE\n\nDear colleague,' };
    expect(await policy.evaluate({ mail: marked })).toEqual({
      action: 'encrypt',
      reasons: ['body marked OFFICIAL-SENSITIVE'],
    });
    const footer = {
      ...mail('Case notes'),
      text: 'Dear colleague,\n\nThis may hold OFFICIAL-SENSITIVE data.',
    };
    expect((await policy.evaluate({ mail: footer })).action).toBe('abstain');
  });

  it('reads every Subject header', async () => {
    const twice = mail('Case notes', { subject: ['Case notes', 'OFFICIAL-SENSITIVE Case notes'] });
    expect((await policy.evaluate({ mail: twice })).action).toBe('encrypt');
  });

  it('encrypts a subject marked OFFICIAL-SENSITIVE, leaving the marking in place', async () => {
    expect(await policy.evaluate({ mail: mail('[OFFICIAL-SENSITIVE] Case notes') })).toEqual({
      action: 'encrypt',
      reasons: ['subject marked OFFICIAL-SENSITIVE'],
    });
  });

  it('encrypts a mail carrying a configured label, matched by name in any case', async () => {
    const headers = { msip_labels: [msipLabels(LABEL, 'OFFICIAL SENSITIVE')] };
    expect(await policy.evaluate({ mail: mail('Case notes', headers) })).toEqual({
      action: 'encrypt',
      reasons: ['sensitivity label "Official Sensitive"'],
    });
  });

  it('encrypts a mail carrying a configured label, matched by GUID', async () => {
    const headers = { msip_labels: [msipLabels(OTHER, 'Renamed Label')] };
    expect(await policy.evaluate({ mail: mail('Case notes', headers) })).toEqual({
      action: 'encrypt',
      reasons: [`sensitivity label ${OTHER}`],
    });
  });

  it('gives every reason when both the marking and a label are present', async () => {
    const headers = { msip_labels: [msipLabels(LABEL, 'Official Sensitive')] };
    const decision = await policy.evaluate({ mail: mail('OFFICIAL-SENSITIVE: x', headers) });
    expect(decision.reasons).toEqual([
      'subject marked OFFICIAL-SENSITIVE',
      'sensitivity label "Official Sensitive"',
    ]);
  });

  it('abstains for a label that is not enabled, not configured, or absent', async () => {
    const cases: Array<Record<string, string[]>> = [
      { msip_labels: [msipLabels(LABEL, 'Official Sensitive', 'false')] },
      { msip_labels: [msipLabels(LABEL, 'General')] },
      { msip_labels: ['garbage'] },
      {},
    ];
    for (const headers of cases) {
      expect(await policy.evaluate({ mail: mail('Case notes', headers) })).toEqual({
        action: 'abstain',
        reasons: [],
      });
    }
  });

  it('with no labels configured, still honours the subject marking and ignores labels', async () => {
    const markingOnly = classificationPolicy({ labels: [] });
    const headers = { msip_labels: [msipLabels(LABEL, 'Official Sensitive')] };
    expect((await markingOnly.evaluate({ mail: mail('Case notes', headers) })).action).toBe(
      'abstain',
    );
    expect((await markingOnly.evaluate({ mail: mail('OFFICIAL-SENSITIVE x') })).action).toBe(
      'encrypt',
    );
  });

  it('refuses an empty label name', () => {
    expect(() => classificationPolicy({ labels: [' '] })).toThrow(ConfigurationError);
  });
});

describe('classification plugin', () => {
  it('loads when classificationLabels is given, even empty', () => {
    expect(classificationPlugin.isConfigured({})).toBe(false);
    expect(classificationPlugin.isConfigured({ classificationLabels: [] })).toBe(true);
  });
});
