import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bankAccountDetector,
  findBankAccounts,
  isValidIban,
  LABELLED_NEARBY,
  NEARBY,
} from './bank-account.ts';

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

  it('pairs a labelled sort code and account number further apart, as a form sets them out', () => {
    const form = [
      'Sort code: 12-34-56',
      'Bank name: Example Bank',
      'Branch: High Street',
      'Account name: A Person',
      'Account number: 12345678',
    ].join('\n');
    expect(findBankAccounts(form)).toEqual(['123456:12345678']);
    const gap = ' '.repeat(LABELLED_NEARBY - 'Account number: '.length);
    expect(findBankAccounts(`Sort code: 12-34-56${gap}Account number: 12345678`)).toEqual([
      '123456:12345678',
    ]);
    expect(findBankAccounts(`Sort code: 12-34-56 ${gap}Account number: 12345678`)).toEqual([]);
    // Without both labels the short reach holds.
    expect(findBankAccounts(`Sort code: 12-34-56${' '.repeat(NEARBY + 20)}12345678`)).toEqual([]);
  });

  it('reads s/c and a/c, and labels joined with underscores', () => {
    expect(findBankAccounts('s/c 123456 a/c 12345678')).toEqual(['123456:12345678']);
    expect(findBankAccounts('S/C: 12-34-56, A/C: 12345678')).toEqual(['123456:12345678']);
    expect(findBankAccounts('sort_code: 123456\taccount_no: 12345678')).toEqual([
      '123456:12345678',
    ]);
    expect(findBankAccounts('sortcode 123456, acc no 12345678')).toEqual(['123456:12345678']);
    // Six digits with no sort code label are not a sort code.
    expect(findBankAccounts('Batch 123456 item 12345678')).toEqual([]);
  });

  it('takes a seven-digit account number only after an account label, padded with a 0', () => {
    expect(findBankAccounts('Sort code 12 34 56, account number 1234567')).toEqual([
      '123456:01234567',
    ]);
    expect(findBankAccounts('s/c 12-34-56 a/c 1234567')).toEqual(['123456:01234567']);
    expect(findBankAccounts('Sort code 12-34-56, ref 1234567')).toEqual([]);
    expect(findBankAccounts('12-34-56 1234567')).toEqual([]);
    // The same account written with and without its leading 0 counts once.
    expect(
      findBankAccounts('Sort code 12-34-56 account 1234567; sort code 12-34-56 account 01234567'),
    ).toEqual(['123456:01234567']);
  });

  it('does not take a date labelled as one for a sort code, nor a labelled reference for an account', () => {
    expect(findBankAccounts('Date: 14-05-24 12345678')).toEqual([]);
    expect(findBankAccounts('Date received: 14-05-24\nReference: 20247916')).toEqual([]);
    expect(findBankAccounts('Due date 12-06-24, account 12345678')).toEqual([]);
    expect(findBankAccounts('Sort code 12-34-56, invoice 12345678')).toEqual([]);
    expect(findBankAccounts('Sort code 12-34-56, our ref 12345678')).toEqual([]);
  });

  it('never splits a run of fourteen digits into a sort code and an account number', () => {
    expect(findBankAccounts('DPD parcel 12345612345678')).toEqual([]);
    expect(findBankAccounts('12345678123456')).toEqual([]);
    expect(findBankAccounts('123456 12345678')).toEqual(['123456:12345678']);
    expect(findBankAccounts('123456/12345678')).toEqual(['123456:12345678']);
  });

  it('reads a UK IBAN with a valid check as the sort code and account it holds', () => {
    expect(isValidIban('GB29NWBK60161331926819')).toBe(true);
    expect(isValidIban('GB28NWBK60161331926819')).toBe(false);
    expect(findBankAccounts('IBAN GB29 NWBK 6016 1331 9268 19')).toEqual(['601613:31926819']);
    expect(findBankAccounts('iban gb29nwbk60161331926819.')).toEqual(['601613:31926819']);
    expect(findBankAccounts('IBAN GB28 NWBK 6016 1331 9268 19')).toEqual([]);
    expect(findBankAccounts('Ref XGB29NWBK60161331926819')).toEqual([]);
    // The IBAN and the same details written out are one account.
    expect(
      findBankAccounts('GB29NWBK60161331926819 (sort code 60-16-13, account 31926819)'),
    ).toEqual(['601613:31926819']);
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
