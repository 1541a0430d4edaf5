// Every built-in policy plugin, built through its manifest with real settings as the
// registry builds it, keeps the Policy contract; so do the fixed policies the gateway
// and registry tests stand in with.

import type { Policy, PolicyDecision } from '../../core/gateway/ports.ts';
import { loadHooks, type PluginSettings } from '../../plugins/registry.ts';
import { inboundMail, policyContract } from './policy-contract.ts';

/** The one policy the registry loads for `settings`. */
function policyOf(settings: PluginSettings): Policy {
  const { policies } = loadHooks(settings);
  if (policies.length !== 1) throw new Error(`expected one policy, got ${policies.length}`);
  return policies[0] as Policy;
}

const LABEL = '8b9e4d2c-1f3a-4c5e-9a7b-2d6f1e0c3b4a';
const TENANT = '3dd8961f-e488-4e60-8e11-a82d994e183d';
const msipLabels = (id: string, name: string) =>
  [
    `MSIP_Label_${id}_Enabled=true`,
    `MSIP_Label_${id}_Method=Privileged`,
    `MSIP_Label_${id}_Name=${name}`,
    `MSIP_Label_${id}_SiteId=${TENANT};`,
  ].join('; ');

const subjected = (subject: string) => inboundMail({ subject, headers: { subject: [subject] } });

policyContract(
  'subject-keyword',
  () => policyOf({ subjectKeywords: ['zixencrypt', '[secure]', 'secure:'] }),
  {
    deciding: [
      { mail: subjected('[secure] Case 42'), action: 'encrypt' },
      { mail: subjected('Secure: your benefits'), action: 'encrypt' },
      { mail: subjected('Re: zixencrypt notes'), action: 'encrypt' },
    ],
  },
);

policyContract(
  'classification',
  () => policyOf({ classificationLabels: ['Official Sensitive', LABEL] }),
  {
    deciding: [
      { mail: subjected('OFFICIAL-SENSITIVE: case notes'), action: 'encrypt' },
      {
        mail: inboundMail({ text: 'OFFICIAL-SENSITIVE\nThe case notes follow.' }),
        action: 'encrypt',
      },
      {
        mail: inboundMail({ headers: { msip_labels: [msipLabels(LABEL, 'Restricted')] } }),
        action: 'encrypt',
      },
    ],
  },
);

const personal = [
  { mail: inboundMail({ text: 'NHS number 943 476 5919.' }), action: 'encrypt' as const },
  { mail: inboundMail({ text: 'NI AB123456C' }), action: 'encrypt' as const },
  {
    mail: inboundMail({
      attachments: [
        { name: 'scan.pdf', contentType: 'application/pdf', size: 9, text: null, unreadable: true },
      ],
    }),
    action: 'encrypt' as const,
  },
];

policyContract('dlp (every detector, defaults)', () => policyOf({ dlp: {} }), {
  deciding: personal,
});

policyContract(
  'dlp (thresholds, some detectors, when unsure: ignore)',
  () =>
    policyOf({
      dlp: {
        detectors: ['nhs-number', 'payment-card'],
        thresholds: { 'nhs-number': 2 },
        whenUnsure: 'ignore',
      },
    }),
  {
    deciding: [
      {
        mail: inboundMail({ text: 'NHS numbers 943 476 5919 and 401 023 2137.' }),
        action: 'encrypt',
      },
      { mail: inboundMail({ text: 'Card 4111 1111 1111 1111' }), action: 'encrypt' },
    ],
  },
);

/** A policy that always gives `decision`: the stand-in the registry and gateway tests use. */
const fixed = (name: string, decision: PolicyDecision): Policy => ({
  name,
  evaluate: async () => decision,
});

policyContract('fixed encrypt (gateway tests)', () =>
  fixed('test', { action: 'encrypt', reasons: ['test rule'] }),
);
policyContract('fixed reject (gateway tests)', () =>
  fixed('test', {
    action: 'reject',
    reasons: ['test rule'],
    message: 'Card numbers may not be sent by email.',
  }),
);
policyContract('fixed abstain (registry tests)', () =>
  fixed('why-not', { action: 'abstain', reasons: ['why not'] }),
);
