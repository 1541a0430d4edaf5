import { describe, expect, it } from 'vitest';
import { runCrashTest } from './support/crash-harness.ts';

// CI runs 50 kills; `node --import tsx test/gateway/crash-soak.ts` runs as many as you like.
// Each restart is a start of the CLI (about 1.4 s on an idle machine, several times that
// on a busy one), so the run takes a minute or two and the time limit is generous.
const KILLS = 50;
const MESSAGES = 200;

describe('the gateway killed with SIGKILL at random moments', () => {
  it('stores every acknowledged message exactly once, and none partially', async () => {
    const report = await runCrashTest({ kills: KILLS, minMessages: MESSAGES, clients: 4 });
    console.info(
      `Gateway crash test: ${report.kills} kills (${report.killsBeforeReady} during start-up), ` +
        `${report.messages} messages, ${report.acknowledged} acknowledged, ${report.stored} stored, ` +
        `${report.retries} retries, ${report.duplicateAcks} retries found already stored, ${report.seconds} s.`,
    );
    expect(report.problems).toEqual([]);
    expect(report.kills).toBeGreaterThanOrEqual(KILLS);
    expect(report.messages).toBeGreaterThanOrEqual(MESSAGES);
    expect(report.acknowledged).toBe(report.messages);
    expect(report.stored).toBe(report.acknowledged);
    // The kills hit a gateway at work: some mail had to be sent again.
    expect(report.retries).toBeGreaterThan(0);
  }, 600_000);
});
