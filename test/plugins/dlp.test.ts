import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigProblems, parseConfig } from '../../adapters/config/config.ts';
import { pluginSettingsFrom } from '../../adapters/gateway/start-gateway.ts';
import type { InboundMail } from '../../core/gateway/ports.ts';
import { ConfigurationError } from '../../core/shared/errors.ts';
import { findBankAccounts } from '../../plugins/dlp/bank-account.ts';
import { dlpPolicy, textsOf } from '../../plugins/dlp/dlp-policy.ts';
import { bankAccountPlugin, dlpPlugin, nhsNumberPlugin } from '../../plugins/dlp/manifest.ts';
import { findNhsNumbers, nhsNumberDetector } from '../../plugins/dlp/nhs-number.ts';
import { findNiNumbers, niNumberDetector } from '../../plugins/dlp/ni-number.ts';
import { findCardNumbers, paymentCardDetector } from '../../plugins/dlp/payment-card.ts';
import { decide, loadHooks, loadPlugins } from '../../plugins/registry.ts';

function mail(parts: Partial<InboundMail>): InboundMail {
  return {
    from: 'officer@council.gov.uk',
    to: ['resident@example.com'],
    subject: 'Update',
    headers: {},
    text: '',
    attachments: [],
    ...parts,
  };
}

function attachment(text: string | null, unreadable = false) {
  return {
    name: 'notes.txt',
    contentType: 'text/plain',
    size: text?.length ?? 0,
    text,
    unreadable,
  };
}

const policy = dlpPolicy({
  detectors: [
    nhsNumberDetector({ threshold: 1 }),
    niNumberDetector({ threshold: 1 }),
    paymentCardDetector({ threshold: 2 }),
  ],
});

describe('DLP policy', () => {
  it('reads the subject, the body and every attachment with text', () => {
    const m = mail({ subject: 's', text: 'b', attachments: [attachment('a'), attachment(null)] });
    expect(textsOf(m)).toEqual(['s', 'b', 'a']);
  });

  it('reads every Subject header, in NFKC form (full-width digits are digits)', () => {
    const m = mail({ subject: 's', headers: { subject: ['s', 't'] }, text: '\uff19\uff14\uff13' });
    expect(textsOf(m)).toEqual(['s', 't', '943']);
  });

  it('encrypts a mail with a file it could not read, by default, naming only the count', async () => {
    const m = mail({
      attachments: [attachment(null, true), attachment(null, true), attachment('x')],
    });
    expect(await policy.evaluate({ mail: m })).toEqual({
      action: 'encrypt',
      reasons: ['2 files could not be read'],
    });
    const one = mail({ text: 'NI AB123456C', attachments: [attachment(null, true)] });
    expect(await policy.evaluate({ mail: one })).toEqual({
      action: 'encrypt',
      reasons: ['1 National Insurance number', '1 file could not be read'],
    });
  });

  it('judges on what it could read when unsure is ignore', async () => {
    const ignoring = dlpPolicy({
      detectors: [nhsNumberDetector({ threshold: 1 })],
      whenUnsure: 'ignore',
    });
    const m = mail({ attachments: [attachment(null, true)] });
    expect(await ignoring.evaluate({ mail: m })).toEqual({
      action: 'abstain',
      reasons: ['1 file could not be read, ignored (when unsure: ignore)'],
    });
  });

  it('encrypts when a detector reaches its threshold, counting across all texts', async () => {
    const m = mail({
      subject: 'Re 943 476 5919',
      text: 'Patients 943 476 5919 and 401 023 2137',
      attachments: [attachment('NI AB123456C')],
    });
    expect(await policy.evaluate({ mail: m })).toEqual({
      action: 'encrypt',
      reasons: ['2 NHS numbers', '1 National Insurance number'],
    });
  });

  it('never puts a matched value in a reason', async () => {
    const m = mail({ text: '943 476 5919 AB123456C 4111111111111111 5555555555554444' });
    const decision = await policy.evaluate({ mail: m });
    expect(decision.action).toBe('encrypt');
    for (const reason of decision.reasons) {
      expect(reason).not.toMatch(/\d{4}|AB123456C/);
    }
  });

  it('abstains below a threshold, naming what nearly triggered', async () => {
    const m = mail({ text: 'Card 4111 1111 1111 1111' });
    expect(await policy.evaluate({ mail: m })).toEqual({
      action: 'abstain',
      reasons: ['1 payment card number, below the threshold of 2'],
    });
  });

  it('abstains with no reasons on a plain mail', async () => {
    expect(
      await policy.evaluate({ mail: mail({ text: 'See you at 10:30 on 01-02-23.' }) }),
    ).toEqual({
      action: 'abstain',
      reasons: [],
    });
  });

  it('finishes on a 5 MB body of random text', async () => {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 -- \n.,:;/£';
    const size = 5 * 1024 * 1024;
    const chars = new Array<string>(size);
    // A fixed linear congruential sequence: reproducible, and far faster than fast-check for 5 MB.
    let seed = 42;
    for (let i = 0; i < size; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      chars[i] = alphabet[seed % alphabet.length] as string;
    }
    const body = chars.join('');
    const all = dlpPolicy({
      detectors: loadHooks({ dlp: {} }).detectors,
    });
    const decision = await all.evaluate({
      mail: mail({ text: body, attachments: [attachment(body)] }),
    });
    expect(['encrypt', 'abstain']).toContain(decision.action);
  });

  it('finishes on 5 MB bodies built to make a backtracking pattern struggle', async () => {
    const size = 5 * 1024 * 1024;
    for (const unit of ['7', '123 ', '12-', ' ', 'AB12 ', '12-34-5', '4111 ']) {
      const body = unit.repeat(Math.ceil(size / unit.length));
      const decision = await policy.evaluate({ mail: mail({ text: body }) });
      expect(decision.action).toBe('abstain');
    }
  });

  it('no detector ever matches text without digits', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => {
        const text = s.replace(/\d/g, '');
        expect([
          ...findNhsNumbers(text),
          ...findNiNumbers(text),
          ...findCardNumbers(text),
          ...findBankAccounts(text),
        ]).toEqual([]);
      }),
    );
  });
});

describe('DLP plugins', () => {
  it('load only when dlp is configured, and each detector only when listed', () => {
    expect(dlpPlugin.isConfigured({})).toBe(false);
    expect(dlpPlugin.isConfigured({ dlp: {} })).toBe(true);
    expect(nhsNumberPlugin.isConfigured({ dlp: {} })).toBe(true);
    expect(nhsNumberPlugin.isConfigured({ dlp: { detectors: ['ni-number'] } })).toBe(false);
    expect(bankAccountPlugin.isConfigured({})).toBe(false);
  });

  it('read per-detector thresholds, default 1', () => {
    const { detectors } = loadHooks({ dlp: { thresholds: { 'nhs-number': 3 } } });
    const byId = Object.fromEntries(detectors.map((d) => [d.id, d.threshold]));
    expect(byId).toEqual({ 'nhs-number': 3, 'ni-number': 1, 'payment-card': 1, 'bank-account': 1 });
  });

  it('read whenUnsure, refusing a value it does not know', () => {
    expect(() => loadHooks({ dlp: { whenUnsure: 'ignore' } })).not.toThrow();
    const wrong = { dlp: { whenUnsure: 'maybe' as 'ignore' } };
    expect(() => loadHooks(wrong)).toThrow(/dlp\.whenUnsure must be encrypt or ignore/);
  });

  it('take whenUnsure from DLP_WHEN_UNSURE (default encrypt), refusing other values at start', async () => {
    const unreadable = mail({ subject: 'Referral', attachments: [attachment(null, true)] });
    const byDefault = loadPlugins(
      pluginSettingsFrom(parseConfig({ DATA_DIR: '/tmp/x', DLP: 'on' })),
    );
    expect(await decide(byDefault, unreadable)).toMatchObject({ action: 'encrypt' });
    const ignoring = parseConfig({ DATA_DIR: '/tmp/x', DLP: 'on', DLP_WHEN_UNSURE: 'ignore' });
    expect(await decide(loadPlugins(pluginSettingsFrom(ignoring)), unreadable)).toMatchObject({
      action: 'relay',
    });
    expect(() => parseConfig({ DATA_DIR: '/tmp/x', DLP_WHEN_UNSURE: 'sometimes' })).toThrow(
      ConfigProblems,
    );
  });

  it('list every settings problem together', () => {
    const load = () =>
      loadHooks({
        dlp: { thresholds: { 'nhs-number': 0, 'payment-card': 1.5, 'nhs-numbr': 2 } },
      });
    expect(load).toThrow(ConfigurationError);
    expect(load).toThrow(/3 problems/);
    expect(load).toThrow(/nhs-number: dlp\.thresholds\.nhs-number must be a whole number/);
    expect(load).toThrow(/payment-card: dlp\.thresholds\.payment-card/);
    expect(load).toThrow(/dlp: dlp names unknown detectors \(nhs-numbr\)/);
  });
});
