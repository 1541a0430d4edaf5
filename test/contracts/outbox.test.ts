// The in-memory outbox that core's tests use must keep the same contract as the SQL
// adapters' outboxes (those run it through the storage contract).

import { describe } from 'vitest';
import { memoryOutbox } from '../../core/mail/memory-outbox.ts';
import { outboxContract } from './outbox-contract.ts';

describe('Outbox contract: in-memory fake (core tests)', () => {
  outboxContract(async () => memoryOutbox());
});
