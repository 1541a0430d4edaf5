// The contract suites, for adapters written outside this repository. An adapter in its
// own package runs the very suite Sealpost's own adapters pass:
//
//   import { blobStoreContract } from 'sealpost/test-kit';
//   blobStoreContract('s3BlobStore', async () => s3BlobStore({ bucket: await freshBucket() }));
//
// The suites register vitest tests, so vitest must be installed beside them. The port
// types are re-exported too, so an adapter package can type itself against them
// without reaching into Sealpost's folders. docs/adapters/ says how to write one.

export type { BlobStore, StoredBlob } from '../../core/blobs/ports.ts';
export type { Cipher } from '../../core/crypto/ports.ts';
export type { Mailer } from '../../core/mail/ports.ts';
export type { OutboxRepository, Repositories, Storage } from '../../core/storage/ports.ts';
export {
  type AbandonPut,
  blobStoreContract,
  digestOf,
  patternBytes,
  streamInPieces,
} from '../contracts/blob-store-contract.ts';
export { cipherContract } from '../contracts/cipher-contract.ts';
export { outboxContract } from '../contracts/outbox-contract.ts';
export { storageContract } from '../contracts/storage-contract.ts';
