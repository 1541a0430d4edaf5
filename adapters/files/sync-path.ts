import { open } from 'node:fs/promises';

/**
 * Flushes a file or a folder to disk. A folder's fsync makes a rename, a new entry or an
 * unlink in it durable. Some platforms cannot fsync a directory; the file's own data is
 * synced already, so there it is only a weaker guarantee, not an error.
 */
export async function syncPath(target: string): Promise<void> {
  try {
    const handle = await open(target, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw error;
  }
}
