import { randomBytes } from 'node:crypto';
import { chmod, link, unlink, writeFile } from 'node:fs/promises';

/**
 * Writes a file only its owner can read (0600), whatever the umask or the folder's
 * mode, and whether or not it existed before. For anything in DATA_DIR that says
 * more than it should to another local user.
 */
export async function writePrivateFile(file: string, content: string): Promise<void> {
  await writeFile(file, content, { mode: 0o600 });
  // `mode` applies only when the file is created, and the umask narrows it; an
  // existing file keeps its mode unless told.
  await chmod(file, 0o600);
}

/**
 * Creates a private file (0600) only if none is there yet: true when this call made
 * it. The content is written whole to a temporary file and then linked into place, so
 * another process never reads it half-written.
 */
export async function createPrivateFileOnce(file: string, content: string): Promise<boolean> {
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  await writeFile(temporary, content, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temporary);
  }
}
