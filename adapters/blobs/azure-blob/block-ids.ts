import { randomBytes } from 'node:crypto';

// A block id names the put that staged it and when that put began, so a sweep can tell
// a dead put's blocks from a live one's by reading the block list alone: Azure keeps no
// time per uncommitted block, and uncommitted blocks cannot be listed any other way.
// Azure wants every block id of one blob to have the same length (before base64, at
// most 64 bytes): `v1-<13-digit ms>-<16 hex>-<6-digit seq>` is always 40 characters.
const FORMAT = /^v1-(\d{13})-([0-9a-f]{16})-(\d{6})$/;
/** Azure's limit on the blocks of one blob. */
export const MAX_BLOCKS = 50_000;

/** One put's block naming: its start time and a random upload id. */
export type Upload = {
  startedAt: Date;
  uploadId: string;
  /** The base64 block id of the put's `seq`-th block. */
  blockId(seq: number): string;
};

/** A new upload begun at `startedAt` (the clock, or a test's past time). */
export function newUpload(startedAt: Date): Upload {
  const uploadId = randomBytes(8).toString('hex');
  const ms = String(startedAt.getTime()).padStart(13, '0');
  return {
    startedAt,
    uploadId,
    blockId(seq) {
      if (seq >= MAX_BLOCKS) {
        throw new Error(
          `A blob may have at most ${MAX_BLOCKS} blocks; raise blockBytes for blobs this big.`,
        );
      }
      const raw = `v1-${ms}-${uploadId}-${String(seq).padStart(6, '0')}`;
      return Buffer.from(raw, 'utf8').toString('base64');
    },
  };
}

/** Which put staged a block, and when it began; null for a block this store did not name. */
export function readBlockId(blockId: string): { uploadId: string; startedAt: Date } | null {
  const match = FORMAT.exec(Buffer.from(blockId, 'base64').toString('utf8'));
  if (!match) return null;
  return { uploadId: match[2] as string, startedAt: new Date(Number(match[1])) };
}
