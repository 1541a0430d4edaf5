import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrubText } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

describe('logger', () => {
  it('scrubs addresses and tokens in free text', () => {
    expect(
      scrubText(
        'sent to Jane.Doe@barnet.gov.uk via abcdefghijklmnopqrstuvwx.abcdefghijklmnopqrstuvwx',
      ),
    ).toBe('sent to [email] via [token]');
  });

  it('redacts sensitive keys and scrubs nested strings', () => {
    const { lines, logger } = capture();
    logger.info(
      { email: 'a@b.example', detail: { note: 'from c@d.example' }, password: 'x' },
      'hello e@f.example',
    );
    const line = lines.join('');
    expect(line).not.toMatch(/@[a-z]\.example/);
    expect(line).toContain('[redacted]');
    expect(line).toContain('hello [email]');
    expect(JSON.parse(line).detail.note).toBe('from [email]');
  });
});
