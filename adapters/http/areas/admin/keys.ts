import type { Hono } from 'hono';
import { rotateOrgKey } from '../../../../core/admin/rotate-key.ts';
import { KeysPage } from '../../../../views/pages/admin/keys.tsx';
import { ADMIN_PATHS } from '../../../../views/pages/admin/shared.tsx';
import type { AppEnv } from '../../env.ts';
import { redirectKeepingLang } from '../../language.ts';
import { type AdminAreaDeps, actorOf, adminPageProps } from './context.ts';

/**
 * The organisation's keys: fingerprints, when each was made, which is primary; and
 * rotating to a new primary key (recorded as `key.rotate`). Only public facts are shown:
 * no key material ever reaches a page.
 */
export function keyRoutes(area: Hono<AppEnv>, deps: AdminAreaDeps): void {
  area.get(ADMIN_PATHS.keys, async (c) => {
    const keys = await deps.admin.cipher.listKeys();
    const rotated = c.req.query('done') === 'rotated' ? (keys[0]?.fingerprint ?? null) : null;
    return c.html(KeysPage({ ...(await adminPageProps(deps, c)), keys, rotated }));
  });

  area.post(ADMIN_PATHS.rotateKey, async (c) => {
    await rotateOrgKey(deps.admin, { actor: actorOf(c) });
    return redirectKeepingLang(c, `${ADMIN_PATHS.keys}?done=rotated`);
  });
}
