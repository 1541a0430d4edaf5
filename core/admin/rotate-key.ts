import { recordAudit } from '../audit/record.ts';
import type { KeyInfo } from '../crypto/ports.ts';
import { type AdminActor, type AdminDeps, auditActor, type CliActor } from './deps.ts';

/**
 * Makes a new primary key for the organisation's keyring: new data is encrypted to
 * it from now on, and the older keys stay to decrypt what they encrypted (until
 * `sealpost keys reencrypt` has rewritten it). Records `key.rotate` with the new
 * key's fingerprint (public information, not a secret).
 */
export async function rotateOrgKey(
  deps: Pick<AdminDeps, 'storage' | 'cipher' | 'ids' | 'clock' | 'secrets'>,
  input: { actor: AdminActor | CliActor },
): Promise<KeyInfo> {
  const key = await deps.cipher.rotateKey();
  await recordAudit(deps, deps.storage.repos, {
    action: 'key.rotate',
    ...auditActor(input.actor),
    targetType: 'key',
    targetId: key.fingerprint,
    details: { fingerprint: key.fingerprint },
  });
  return key;
}
