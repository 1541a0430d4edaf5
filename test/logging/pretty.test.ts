import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../adapters/config/config.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { formatLogLine, prettyDestination } from '../../adapters/logging/pretty.ts';

describe('logs a person reads at a terminal', () => {
  it('turns a JSON line into time, level, message and fields, still redacted', () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      destination: prettyDestination({ write: (text: string) => lines.push(text) }),
    });
    logger.warn({ outboxId: 'abc', to: 'ann@example.org' }, 'mail for ann@example.org waits');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\d\d:\d\d:\d\d WARN {2}mail for \[email\] waits outboxId=abc to=\[redacted\]\n$/,
    );
    expect(lines[0]).not.toContain('ann@example.org');
  });

  it('passes anything that is not JSON through unchanged', () => {
    expect(formatLogLine('plain words')).toBe('plain words\n');
  });
});

describe('credential links in the log', () => {
  it('are printed only when asked for (PRINT_LINKS)', () => {
    expect(parseConfig({}).printLinks).toBe(false);
    expect(parseConfig({ PRINT_LINKS: 'on' }).printLinks).toBe(true);
  });
});
