import { describe, expect, it } from 'vitest';
import { effectiveSettings, validateSettings } from './effective.ts';
import { DEFAULT_SETTINGS } from './model.ts';

describe('settings', () => {
  it('lays valid stored values over the defaults and ignores invalid ones', () => {
    const s = effectiveSettings(DEFAULT_SETTINGS, {
      accessDays: 30,
      lockoutMinutes: -1,
      orgName: 'Barnet Council',
      junk: 1,
    });
    expect(s.accessDays).toBe(30);
    expect(s.lockoutMinutes).toBe(DEFAULT_SETTINGS.lockoutMinutes);
    expect(s.orgName).toBe('Barnet Council');
    expect('junk' in s).toBe(false);
  });

  it('names every problem by key', () => {
    expect(
      validateSettings({
        accessDays: 0,
        orgColour: 'red',
        internalDomains: ['ok.gov.uk', 'not a domain'],
        nope: 1,
      } as never),
    ).toEqual({
      accessDays: 'must be a whole number from 1 to 3650',
      orgColour: 'must be a colour like #1d70b8',
      internalDomains: 'must be a list of domains such as barnet.gov.uk',
      nope: 'is not a setting',
    });
    expect(validateSettings({ accessDays: 45, retentionDays: 30 })).toEqual({
      retentionDays:
        'must be at least the access period, or messages would be deleted while still readable',
    });
    expect(
      validateSettings({ accessDays: 45, retentionDays: 90, subjectKeywords: ['zixencrypt'] }),
    ).toEqual({});
  });
});
