import { describe, expect, it } from 'vitest';
import type { InboundMail } from '../../core/gateway/ports.ts';
import { decide, loadPlugins } from '../../plugins/registry.ts';

// Settings as the composition root would pass them: the shipped default keywords,
// one Purview label by name, DLP with default thresholds.
const policies = loadPlugins({
  subjectKeywords: ['zixencrypt', '[secure]', 'secure:'],
  classificationLabels: ['Official Sensitive'],
  dlp: {},
});

const LABEL = '8b9e4d2c-1f3a-4c5e-9a7b-2d6f1e0c3b4a';

function sample(parts: Partial<InboundMail>): InboundMail {
  return {
    from: 'officer@council.gov.uk',
    to: ['resident@example.com'],
    subject: 'Your appointment',
    headers: { 'content-type': ['text/plain; charset=utf-8'] },
    text: 'Dear resident,\n\nYour appointment is at 10:30 on 01-02-25.\n\nRegards',
    attachments: [],
    ...parts,
  };
}

describe('decide over sample mails with the built-in policies', () => {
  it('encrypts on a subject keyword and strips it', async () => {
    expect(await decide(policies, sample({ subject: 'Re: [secure] Case notes' }))).toEqual({
      action: 'encrypt',
      reasons: ['subject keyword "[secure]"'],
      subject: 'Re: Case notes',
    });
  });

  it('encrypts on a Purview sensitivity label', async () => {
    const headers = {
      msip_labels: [
        `MSIP_Label_${LABEL}_Enabled=true; MSIP_Label_${LABEL}_Method=Privileged; MSIP_Label_${LABEL}_Name=Official Sensitive; MSIP_Label_${LABEL}_SiteId=3dd8961f-e488-4e60-8e11-a82d994e183d;`,
      ],
    };
    expect(await decide(policies, sample({ headers }))).toEqual({
      action: 'encrypt',
      reasons: ['sensitivity label "Official Sensitive"'],
    });
  });

  it('encrypts on an OFFICIAL-SENSITIVE subject', async () => {
    expect(await decide(policies, sample({ subject: 'OFFICIAL-SENSITIVE: referral' }))).toEqual({
      action: 'encrypt',
      reasons: ['subject marked OFFICIAL-SENSITIVE'],
    });
  });

  it('encrypts on a DLP hit in an attachment', async () => {
    const attachments = [
      {
        name: 'referral.txt',
        contentType: 'text/plain',
        size: 40,
        text: 'Child NHS number: 943 476 5919',
        unreadable: false,
      },
    ];
    expect(await decide(policies, sample({ attachments }))).toEqual({
      action: 'encrypt',
      reasons: ['1 NHS number'],
    });
  });

  it('relays a plain mail', async () => {
    expect(await decide(policies, sample({}))).toEqual({
      action: 'relay',
      reasons: ['no policy matched'],
    });
  });

  it('lets the keyword decide first, so DLP does not scan', async () => {
    const decision = await decide(
      policies,
      sample({ subject: 'zixencrypt notes', text: 'NI AB123456C' }),
    );
    expect(decision).toEqual({
      action: 'encrypt',
      reasons: ['subject keyword "zixencrypt"'],
      subject: 'notes',
    });
  });
});
