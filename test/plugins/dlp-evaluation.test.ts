// The two labelled DLP sets through the real pipeline, as `npm run bench:dlp` runs
// them: the main set (test/fixtures/dlp, written with the detectors) and the second
// set (test/fixtures/dlp/holdout), written apart from the detectors. Each set is
// whole and consistent, and recall and precision per detector and policy stay at or
// above what they reach today. The floors are the figures reached when they were
// set, less 0.01, per set: a regression fails, an improvement passes (raise the
// floor with it). Neither set is blind any more: the second one found weaknesses
// that were then fixed, so it is a development set too. Its figures are still the
// better guide (it was not written to fit the rules); a blind set is future work.

import { existsSync, readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { stopExtractWorkers } from '../../adapters/gateway/extract/extract-text.ts';
import {
  evaluateSet,
  type MailResult,
  readLabels,
  SETS,
  scoreResults,
  TRIGGERS,
  type Trigger,
} from '../fixtures/dlp/evaluate.ts';

type Floors = Record<Trigger, { recall: number; precision: number }>;

// Main set: every trigger reaches 1.000 on both.
const MAIN_FLOORS: Floors = {
  'nhs-number': { recall: 0.99, precision: 0.99 },
  'ni-number': { recall: 0.99, precision: 0.99 },
  'payment-card': { recall: 0.99, precision: 0.99 },
  'bank-account': { recall: 0.99, precision: 0.99 },
  classification: { recall: 0.99, precision: 0.99 },
  'subject-keyword': { recall: 0.99, precision: 0.99 },
  unreadable: { recall: 0.99, precision: 0.99 },
};

// Holdout, as reached (every remaining miss is tagged [judgement] or [scope] in its
// label): an NHS number labelled "NHS No" that fails the check digit (the check is
// the point: 0.950); a placeholder NI number in guidance (0.917); the council's own
// published bank details in an invoice footer (0.909); a subject about the marking
// (0.923), a forward with the marking below the forward header and a Purview label
// the evaluator does not configure (0.857). The holdout has no unreadable files,
// so that row reads 1.000 on nothing.
const HOLDOUT_FLOORS: Floors = {
  'nhs-number': { recall: 0.94, precision: 0.99 },
  'ni-number': { recall: 0.99, precision: 0.907 },
  'payment-card': { recall: 0.99, precision: 0.99 },
  'bank-account': { recall: 0.99, precision: 0.899 },
  classification: { recall: 0.847, precision: 0.913 },
  'subject-keyword': { recall: 0.99, precision: 0.99 },
  unreadable: { recall: 0.99, precision: 0.99 },
};

afterAll(() => stopExtractWorkers());

describe.each([
  { set: SETS.main, floors: MAIN_FLOORS, least: { mails: 300, perTrigger: 10, negatives: 80 } },
  {
    set: SETS.holdout,
    floors: HOLDOUT_FLOORS,
    least: { mails: 100, perTrigger: 0, negatives: 30 },
  },
])('the DLP $set.name set', ({ set, floors, least }) => {
  const labels = readLabels(set.folder);
  const mails = `${set.folder}mails/`;

  it('holds its labelled mails, each file present and labelled once', () => {
    expect(labels.length).toBeGreaterThanOrEqual(least.mails);
    const files = readdirSync(mails).filter((f) => f.endsWith('.eml'));
    expect(new Set(labels.map((l) => l.file)).size).toBe(labels.length);
    expect(files.sort()).toEqual(labels.map((l) => l.file).sort());
    for (const label of labels) {
      expect(existsSync(`${mails}${label.file}`)).toBe(true);
      expect(label.expect.every((t) => (TRIGGERS as readonly string[]).includes(t))).toBe(true);
      expect([...new Set(label.expect)].sort()).toEqual(label.expect);
      expect(label.note.length).toBeGreaterThan(0);
    }
  });

  it('has positives for every trigger and hard negatives beside them', () => {
    for (const trigger of TRIGGERS) {
      expect(labels.filter((l) => l.expect.includes(trigger)).length).toBeGreaterThanOrEqual(
        least.perTrigger,
      );
    }
    expect(labels.filter((l) => l.expect.length === 0).length).toBeGreaterThanOrEqual(
      least.negatives,
    );
  });

  let results: MailResult[] = [];
  it('is read by the real pipeline without a refusal', async () => {
    results = await evaluateSet(set.folder, labels);
    expect(results.filter((r) => r.refused !== null).map((r) => r.label.file)).toEqual([]);
  }, 180_000);

  it.each(TRIGGERS)('keeps recall and precision of %s at or above the floor', (trigger) => {
    expect(results.length).toBe(labels.length);
    const score = scoreResults(results).perTrigger[trigger];
    expect(score.recall).toBeGreaterThanOrEqual(floors[trigger].recall);
    expect(score.precision).toBeGreaterThanOrEqual(floors[trigger].precision);
  });
});
