import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bankAccountDetector, findBankAccounts, NEARBY } from './bank-account.ts';

describe('bank account detector', () => {
  it('finds a sort code with an account number near it, in either order', () => {
    expect(findBankAccounts('Sort code 12-34-56, account number 12345678.')).toEqual([
      '123456:12345678',
    ]);
    expect(findBankAccounts('Account 12345678 (sort code 12-34-56)')).toEqual(['123456:12345678']);
  });

  it('pairs each sort code with its nearest account number', () => {
    const text = 'Sort code 12-34-56 acc 12345678; sort code 65-43-21 acc 87654321';
    expect(findBankAccounts(text)).toEqual(['123456:12345678', '654321:87654321']);
  });

  it('does not pair numbers further apart than NEARBY characters', () => {
    const far = ' '.repeat(NEARBY + 1);
    const near = ' '.repeat(NEARBY);
    expect(findBankAccounts(`12-34-56${far}12345678`)).toEqual([]);
    expect(findBankAccounts(`12-34-56${near}12345678`)).toEqual(['123456:12345678']);
  });

  it('ignores dates and amounts that look like sort codes when no account number is near', () => {
    expect(findBankAccounts('Meeting on 01-02-23 at 10:30, fee £12.34')).toEqual([]);
    expect(findBankAccounts('Born 12-03-84. Paid 1,234.56 on 2024-01-15.')).toEqual([]);
    expect(findBankAccounts('Sort code 12-34-56 only')).toEqual([]);
  });

  it('ignores an account number that is part of a longer run, and longer hyphenated runs', () => {
    expect(findBankAccounts('12-34-56 123456789')).toEqual([]);
    expect(findBankAccounts('12-34-56 9912345678')).toEqual([]);
    expect(findBankAccounts('12-34-56-78 12345678')).toEqual([]);
    expect(findBankAccounts('2024-01-15 12345678')).toEqual([]);
  });

  it('describes its count without values', async () => {
    const detector = bankAccountDetector({ threshold: 1 });
    expect(await detector.count({ texts: ['12-34-56 12345678', '12-34-56 12345678'] })).toBe(1);
    expect(detector.describe(1)).toBe('1 bank account number with sort code');
    expect(detector.describe(2)).toBe('2 bank account numbers with sort codes');
  });

  it('never matches text without digits', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
        expect(findBankAccounts(s.replace(/\d/g, ''))).toEqual([]);
      }),
    );
  });
});
