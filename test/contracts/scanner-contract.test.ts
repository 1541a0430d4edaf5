// The ClamAV scanner keeps the Scanner contract against a real clamd (started with a
// test database: the EICAR signature ClamAV ships, and Sealpost's marker). No test
// stands in a fake scanner: upload tests use clamd or none (`scanner: null`).

import { afterAll, beforeAll } from 'vitest';
import { clamdScanner } from '../../plugins/clamav/clamd-scanner.ts';
import { clamdAvailable, startTestClamd } from '../support/clamd.ts';
import { freePort } from '../support/cli.ts';
import { scannerContract } from './scanner-contract.ts';

if (clamdAvailable('Scanner contract (clamd)')) {
  let clamd: { port: number; stop: () => void } | undefined;
  beforeAll(async () => {
    clamd = await startTestClamd();
  }, 40_000);
  afterAll(() => clamd?.stop());

  const port = () => {
    if (!clamd) throw new Error('clamd did not start');
    return clamd.port;
  };

  scannerContract(
    'clamdScanner (real clamd)',
    () => clamdScanner({ host: '127.0.0.1', port: port() }),
    {
      unavailable: async () => clamdScanner({ host: '127.0.0.1', port: await freePort() }),
    },
  );
}
