// The contract suites, for adapters written outside this repository. An adapter in its
// own package runs the very suite Sealpost's own adapters pass:
//
//   import { blobStoreContract } from 'sealpost/test-kit';
//   blobStoreContract('s3BlobStore', async () => s3BlobStore({ bucket: await freshBucket() }));
//
// The suites register vitest tests, so vitest must be installed beside them. The port
// types are re-exported too, so an adapter package can type itself against them
// without reaching into Sealpost's folders. docs/adapters/ says how to write one.

export type { PasswordHasher } from '../../core/accounts/ports.ts';
export type { BlobStore, StoredBlob } from '../../core/blobs/ports.ts';
export type { Cipher } from '../../core/crypto/ports.ts';
export type {
  InboundMail,
  Policy,
  PolicyDecision,
  Scanner,
  ScanResult,
} from '../../core/gateway/ports.ts';
export type { MailContent } from '../../core/mail/model.ts';
export type { Mailer, SendResult } from '../../core/mail/ports.ts';
// A scanner whose engine is down throws this (the scanner suite checks the class).
export { TemporaryFailure } from '../../core/shared/errors.ts';
export type { OutboxRepository, Repositories, Storage } from '../../core/storage/ports.ts';
export {
  type AbandonPut,
  blobStoreContract,
  digestOf,
  patternBytes,
  streamInPieces,
} from '../contracts/blob-store-contract.ts';
export { cipherContract } from '../contracts/cipher-contract.ts';
export {
  type DeliveredMail,
  type MailerFailures,
  type MailerUnderTest,
  mailerContract,
} from '../contracts/mailer-contract.ts';
export { outboxContract } from '../contracts/outbox-contract.ts';
export {
  type PasswordHasherContractOptions,
  passwordHasherContract,
} from '../contracts/password-hasher-contract.ts';
export {
  expectWellFormedDecision,
  inboundMail,
  oddMails,
  type PolicyContractOptions,
  policyContract,
} from '../contracts/policy-contract.ts';
export {
  eicarBytes,
  type ScannerContractOptions,
  scannerContract,
} from '../contracts/scanner-contract.ts';
export { storageContract } from '../contracts/storage-contract.ts';
