// The gateway's policy plugins are turned on and tuned from the config.

import { describe, expect, it } from 'vitest';
import { ConfigProblems, parseConfig } from '../../adapters/config/config.ts';
import { pluginSettingsFrom } from '../../adapters/gateway/start-gateway.ts';
import { decide, loadPlugins } from '../../plugins/registry.ts';

const mail = (subject: string, text = '') => ({
  from: 'officer@barnet.gov.uk',
  to: ['resident@example.org'],
  subject,
  headers: {},
  text,
  attachments: [],
});

describe('plugin settings from the config', () => {
  it('runs classification by default and DLP only when asked, with its thresholds', async () => {
    const byDefault = loadPlugins(pluginSettingsFrom(parseConfig({ DATA_DIR: '/tmp/x' })));
    expect(byDefault.map((p) => p.name)).toContain('classification');
    expect(byDefault.map((p) => p.name)).not.toContain('dlp');
    expect((await decide(byDefault, mail('OFFICIAL-SENSITIVE: case notes'))).action).toBe(
      'encrypt',
    );

    const config = parseConfig({
      DATA_DIR: '/tmp/x',
      DLP: 'on',
      DLP_THRESHOLDS: 'nhs-number=2',
      CLASSIFICATION: 'off',
    });
    const policies = loadPlugins(pluginSettingsFrom(config));
    expect(policies.map((p) => p.name)).toContain('dlp');
    expect(policies.map((p) => p.name)).not.toContain('classification');
    // 943 476 5919 and 401 023 2137 are valid NHS numbers: one is under the threshold.
    expect((await decide(policies, mail('Referral', 'NHS 943 476 5919'))).action).toBe('relay');
    expect(
      (await decide(policies, mail('Referral', 'NHS 943 476 5919 and 401 023 2137'))).action,
    ).toBe('encrypt');
  });

  it('names a malformed threshold and an unknown detector', () => {
    expect(() => parseConfig({ DATA_DIR: '/tmp/x', DLP_THRESHOLDS: 'nhs-number=lots' })).toThrow(
      ConfigProblems,
    );
    const config = parseConfig({ DATA_DIR: '/tmp/x', DLP: 'on', DLP_DETECTORS: 'dna-sequence' });
    expect(() => loadPlugins(pluginSettingsFrom(config))).toThrow(/dna-sequence/);
  });
});
