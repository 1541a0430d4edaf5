import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, open, readdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { DecryptFailed } from '../../../core/crypto/errors.ts';
import { ConfigurationError } from '../../../core/shared/errors.ts';
import { syncPath } from '../../files/sync-path.ts';

/** One org key pair as loaded from its file. */
export type OrgKey = {
  /** Position in the keyring: 1 for the first key, +1 per rotation. The highest is primary. */
  seq: number;
  /** The key exactly as stored: secret parts protected by the passphrase. For export. */
  locked: openpgp.PrivateKey;
  /** The same key, unlocked, for decrypting session keys. */
  unlocked: openpgp.PrivateKey;
  publicKey: openpgp.PublicKey;
  /** Hex key id of the encryption subkey: what a PKESK packet names. */
  encryptionKeyId: string;
  /** Hex fingerprint of the primary key. */
  fingerprint: string;
  createdAt: Date;
};

/** The org keyring in a folder: every key ever made, newest (primary) first. */
export type Keyring = {
  /** All keys, primary first. */
  keys(): Promise<OrgKey[]>;
  /** The key new data is encrypted to. */
  primary(): Promise<OrgKey>;
  /** The key whose encryption subkey has this id, looking at the folder again on a miss. */
  findByKeyId(keyId: string): Promise<OrgKey | null>;
  /** Makes a new primary key; the old ones stay. */
  rotate(): Promise<OrgKey>;
};

// `org-key-0001.asc`, `org-key-0002.asc`, ...: one armoured secret key per file. The
// number orders them, so "primary" needs no separate pointer file that could disagree.
const KEY_FILE = /^org-key-(\d{4,})\.asc$/;
/** The file holding a generated passphrase when none is configured. */
export const PASSPHRASE_FILE = 'org-key.passphrase';
// Another process may rotate; a running one notices within this long.
const RESCAN_MS = 2_000;

function keyFileName(seq: number): string {
  return `org-key-${String(seq).padStart(4, '0')}.asc`;
}

/**
 * Creates `dir/name` with `content` (mode 0600) only if it does not exist yet; false
 * when it already did. The content goes to a temporary file (opened with 'wx'),
 * is synced, then hard-linked to the final name: link fails with EEXIST if another
 * process got there first, and a reader never sees a half-written key file.
 */
export async function createFileExclusive(
  dir: string,
  name: string,
  content: string,
): Promise<boolean> {
  const temp = path.join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, path.join(dir, name));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
    // No hard links on this filesystem: fall back to an exclusive create in place.
    return createInPlace(dir, name, content);
  } finally {
    await unlink(temp).catch(() => {});
  }
  await syncPath(dir);
  return true;
}

async function createInPlace(dir: string, name: string, content: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path.join(dir, name), 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await syncPath(dir);
  return true;
}

/**
 * The keyring kept as files in `dir` (mode 0700, files 0600). The first use creates
 * the first key pair; if no passphrase is configured, a random one is created in
 * `org-key.passphrase` beside it. Two processes starting at once end up with the
 * same key: each file is created exclusively and the loser re-reads the winner's.
 */
export function fileKeyring(args: {
  dir: string;
  passphrase: string | undefined;
  /**
   * Asked before the first key pair is made in an empty folder: null to go ahead, or
   * the sentence that says why not (the key guard: a database that already holds
   * encrypted data must never get a new key over it). Absent: always go ahead.
   */
  refuseFirstKey?: () => Promise<string | null>;
  /**
   * Asked after every scan whether the keys found belong to this installation: null
   * when they do, or the sentence that says why not (the key guard's second half).
   */
  checkKeys?: (keys: Array<{ seq: number; fingerprint: string }>) => Promise<string | null>;
}): Keyring {
  const dir = args.dir;
  const loaded = new Map<string, OrgKey>();
  let current: OrgKey[] | null = null;
  let scannedAt = 0;
  let scanning: Promise<OrgKey[]> | null = null;
  let passphrase: Promise<string> | null = null;

  async function ensureDir(): Promise<void> {
    const created = await mkdir(dir, { recursive: true, mode: 0o700 });
    // The umask may have narrowed the mode; nothing ever needs it wider than 0700.
    if (created !== undefined) await chmod(dir, 0o700);
  }

  async function keyFiles(): Promise<string[]> {
    return (await readdir(dir)).filter((name) => KEY_FILE.test(name));
  }

  function getPassphrase(): Promise<string> {
    passphrase ??= resolvePassphrase().catch((error: unknown) => {
      passphrase = null;
      throw error;
    });
    return passphrase;
  }

  async function resolvePassphrase(): Promise<string> {
    if (args.passphrase !== undefined) return args.passphrase;
    const file = path.join(dir, PASSPHRASE_FILE);
    const read = async () => (await readFile(file, 'utf8')).trim();
    try {
      return await read();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    // Only a brand-new keyring may get a generated passphrase: keys made under a
    // configured one must not be silently paired with a new, useless file.
    if ((await keyFiles()).length > 0) {
      throw new DecryptFailed(
        `The org keys in ${dir} cannot be unlocked: no key passphrase is configured and ${file} does not exist. Set SEALPOST_KEY_PASSPHRASE to the passphrase the keys were made with.`,
      );
    }
    const generated = randomBytes(32).toString('base64url');
    await createFileExclusive(dir, PASSPHRASE_FILE, `${generated}\n`);
    return read();
  }

  async function generateArmoredKey(): Promise<string> {
    const { privateKey } = await openpgp.generateKey({
      // v4 Curve25519 keys (EdDSA + ECDH): GnuPG 2.2 reads them, and unwrapping a
      // session key costs about a millisecond.
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ name: 'Sealpost organisation key' }],
      passphrase: await getPassphrase(),
      format: 'armored',
    });
    return privateKey;
  }

  async function loadKey(name: string): Promise<OrgKey> {
    const known = loaded.get(name);
    if (known) return known;
    const file = path.join(dir, name);
    let locked: openpgp.PrivateKey;
    try {
      locked = await openpgp.readPrivateKey({ armoredKey: await readFile(file, 'utf8') });
    } catch (error) {
      throw new ConfigurationError(
        `The org key file ${file} is not a readable OpenPGP secret key (${error instanceof Error ? error.message : String(error)}). Restore it from the key backup.`,
      );
    }
    const secret = await getPassphrase();
    let unlocked: openpgp.PrivateKey;
    try {
      unlocked = await openpgp.decryptKey({ privateKey: locked, passphrase: secret });
    } catch (error) {
      const hint =
        args.passphrase === undefined
          ? `the passphrase in ${path.join(dir, PASSPHRASE_FILE)} does not match it`
          : 'SEALPOST_KEY_PASSPHRASE is not the passphrase it was made with';
      throw new DecryptFailed(`The org key ${file} cannot be unlocked: ${hint}.`, error);
    }
    const encryptionKey = await locked.getEncryptionKey();
    const key: OrgKey = {
      seq: Number((KEY_FILE.exec(name) as RegExpExecArray)[1]),
      locked,
      unlocked,
      publicKey: locked.toPublic(),
      encryptionKeyId: encryptionKey.getKeyID().toHex(),
      fingerprint: locked.getFingerprint(),
      createdAt: locked.getCreationTime(),
    };
    loaded.set(name, key);
    return key;
  }

  async function scan(): Promise<OrgKey[]> {
    await ensureDir();
    let names = await keyFiles();
    if (names.length === 0) {
      const refused = args.refuseFirstKey ? await args.refuseFirstKey() : null;
      // Another process may have made the first key (and recorded it) since the look
      // above: only a folder that is still empty is refused.
      names = await keyFiles();
      if (refused !== null && names.length === 0) throw new KeyGuardRefused(refused);
    }
    if (names.length === 0) {
      // Whoever links the file first wins; everyone else reads that one.
      await createFileExclusive(dir, keyFileName(1), await generateArmoredKey());
      names = await keyFiles();
    }
    const keys = await Promise.all(names.map(loadKey));
    keys.sort((a, b) => b.seq - a.seq);
    const foreign = args.checkKeys
      ? await args.checkKeys(keys.map((k) => ({ seq: k.seq, fingerprint: k.fingerprint })))
      : null;
    if (foreign !== null) throw new KeyGuardRefused(foreign);
    current = keys;
    scannedAt = Date.now();
    return keys;
  }

  function rescan(): Promise<OrgKey[]> {
    scanning ??= scan().finally(() => {
      scanning = null;
    });
    return scanning;
  }

  // A scan that started before a file appeared may miss it; wait for it, then look again.
  async function freshScan(): Promise<OrgKey[]> {
    if (scanning) await scanning.catch(() => {});
    return rescan();
  }

  async function keys(): Promise<OrgKey[]> {
    if (current && Date.now() - scannedAt < RESCAN_MS) return current;
    return rescan();
  }

  return {
    keys,
    async primary() {
      return (await keys())[0] as OrgKey;
    },
    async findByKeyId(keyId) {
      const find = (list: OrgKey[]) => list.find((k) => k.encryptionKeyId === keyId) ?? null;
      return find(await keys()) ?? find(await freshScan());
    },
    async rotate() {
      // The guard first: a refused keyring must not leave a passphrase file behind.
      await freshScan();
      const armored = await generateArmoredKey();
      for (;;) {
        const existing = await freshScan();
        const seq = (existing[0]?.seq ?? 0) + 1;
        // Lost a race with a rotation elsewhere: take the next number.
        if (await createFileExclusive(dir, keyFileName(seq), armored)) {
          const fresh = await freshScan();
          return fresh.find((k) => k.seq === seq) as OrgKey;
        }
      }
    },
  };
}

/**
 * The keys folder is empty, but the database says keys existed: making a new key now
 * would strand every stored message. Thrown instead, with what to do.
 */
export class KeyGuardRefused extends ConfigurationError {
  constructor(message: string) {
    super(message, 'keys_missing');
  }
}
