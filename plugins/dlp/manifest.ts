import { ConfigurationError } from '../../core/shared/errors.ts';
import type { PluginManifest } from '../registry.ts';
import { bankAccountDetector } from './bank-account.ts';
import {
  type Detector,
  type DlpSettings,
  isDetectorEnabled,
  thresholdFor,
  WHEN_UNSURE_VALUES,
} from './detector.ts';
import { dlpPolicy } from './dlp-policy.ts';
import { nhsNumberDetector } from './nhs-number.ts';
import { niNumberDetector } from './ni-number.ts';
import { paymentCardDetector } from './payment-card.ts';

/** Builds the manifest of one built-in detector; it loads when DLP is on and the detector is listed. */
function detectorPlugin(args: {
  id: string;
  name: string;
  description: string;
  order: number;
  build: (options: { threshold: number }) => Detector;
}): PluginManifest<'detector', DlpSettings> {
  const { id, build, ...rest } = args;
  return {
    id,
    ...rest,
    hook: 'detector',
    isConfigured: (settings) => isDetectorEnabled(settings, id),
    create: ({ settings }) => build({ threshold: thresholdFor(settings, id) }),
  };
}

/** NHS numbers: ten digits (or 3-3-4), modulus-11 check digit. */
export const nhsNumberPlugin = detectorPlugin({
  id: 'nhs-number',
  name: 'NHS numbers',
  description: 'Finds NHS numbers with a valid modulus-11 check digit.',
  order: 100,
  build: nhsNumberDetector,
});

/** National Insurance numbers under HMRC's allocation rules. */
export const niNumberPlugin = detectorPlugin({
  id: 'ni-number',
  name: 'National Insurance numbers',
  description: 'Finds National Insurance numbers that follow the allocation rules.',
  order: 200,
  build: niNumberDetector,
});

/** Payment card numbers: known networks, Luhn-valid. */
export const paymentCardPlugin = detectorPlugin({
  id: 'payment-card',
  name: 'Payment card numbers',
  description: 'Finds Luhn-valid card numbers of the known card networks.',
  order: 300,
  build: paymentCardDetector,
});

/** A sort code with an account number near it. */
export const bankAccountPlugin = detectorPlugin({
  id: 'bank-account',
  name: 'Bank account numbers',
  description: 'Finds a sort code (NN-NN-NN or NN NN NN) with an 8-digit account number near it.',
  order: 400,
  build: bankAccountDetector,
});

/** The built-in detector plugins, whose ids are the keys DLP settings may use. */
export const DETECTOR_PLUGINS = [
  nhsNumberPlugin,
  niNumberPlugin,
  paymentCardPlugin,
  bankAccountPlugin,
];

const KNOWN_IDS = DETECTOR_PLUGINS.map((p) => p.id);

/**
 * The DLP plugin: a `policy` that runs the loaded detectors and encrypts when any
 * reaches its threshold. It loads when `dlp` is given in the settings, and checks
 * that every detector id named there exists, so a typo is not a silent gap.
 */
export const dlpPlugin: PluginManifest<'policy', DlpSettings> = {
  id: 'dlp',
  name: 'Data loss prevention',
  description:
    'Encrypts mail holding personal data (NHS, National Insurance, card or bank numbers), or a file it cannot read.',
  hook: 'policy',
  // Last: it reads every byte of the body and attachments, and runs only when
  // neither an explicit keyword nor a classification has decided already.
  order: 300,
  isConfigured: (settings) => settings.dlp !== undefined,
  create: ({ settings, detectors }) => {
    const named = [
      ...Object.keys(settings.dlp?.thresholds ?? {}),
      ...(settings.dlp?.detectors ?? []),
    ];
    const unknown = [...new Set(named.filter((id) => !KNOWN_IDS.includes(id)))];
    if (unknown.length > 0) {
      throw new ConfigurationError(
        `dlp names unknown detectors (${unknown.join(', ')}); the detectors are ${KNOWN_IDS.join(', ')}.`,
      );
    }
    const whenUnsure = settings.dlp?.whenUnsure ?? 'encrypt';
    if (!WHEN_UNSURE_VALUES.includes(whenUnsure)) {
      throw new ConfigurationError(
        `dlp.whenUnsure must be ${WHEN_UNSURE_VALUES.join(' or ')} (what to do with a mail holding a file that cannot be read), not ${JSON.stringify(whenUnsure)}.`,
      );
    }
    return dlpPolicy({ detectors, whenUnsure });
  },
};
