import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedCipher } from '../http/mailbox-support.ts';
import { FIELD_ID_COVERAGE, matrixRows, TOKEN_ROUTES } from './support/matrix.ts';
import { appRoutes, ROUTES } from './support/routes.ts';
import { openWorld, type World } from './support/world.ts';

const keys = sharedCipher();
let w: World;
beforeAll(async () => {
  w = await openWorld(keys.cipher(), { signIn: false });
}, 60_000);
afterAll(async () => {
  await w?.close();
  keys.close();
});

const HOW_TO_FIX =
  'Add it to test/security/support/routes.ts (who it is for, which ids it takes) and, if it ' +
  'takes an id, give it rows in test/security/support/matrix.ts so the access-control, CSRF ' +
  'and header suites try it.';

/**
 * The route table comes from the app itself (`createPortal(...).routes`, the same Hono
 * app `sealpost serve` runs), so a route added anywhere in any area shows up here, and
 * this suite fails until the security suites know it.
 */
describe('route inventory', () => {
  it('knows every route the portal answers', () => {
    const unknown = appRoutes(w.http).filter((key) => !(key in ROUTES));
    expect(unknown, `Routes the security suites do not cover. ${HOW_TO_FIX}`).toEqual([]);
  });

  it('would see a new route in any area, and tell middleware from routes', () => {
    const area = new Hono();
    area.use('/x/*', async (_c, next) => next());
    area.get('/x/:id', (c) => c.text('x'));
    area.all('/y', (c) => c.text('y'));
    const app = new Hono();
    app.use(async (_c, next) => next());
    app.route('/', area);
    expect(appRoutes(app)).toEqual(['ALL /y', 'GET /x/:id']);
  });

  it('lists no route the portal no longer has', () => {
    const routes = new Set(appRoutes(w.http));
    const stale = Object.keys(ROUTES).filter((key) => !routes.has(key));
    expect(stale, 'Routes in test/security/support/routes.ts that are gone').toEqual([]);
  });

  it('answers only GET and POST (HEAD follows GET)', () => {
    const methods = new Set(appRoutes(w.http).map((key) => key.split(' ')[0]));
    expect([...methods].sort()).toEqual(['GET', 'POST']);
  });

  it('classifies every path parameter as an id or says why it is not one', () => {
    const problems: string[] = [];
    for (const [key, spec] of Object.entries(ROUTES)) {
      for (const [, name] of key.matchAll(/:(\w+)/g)) {
        const isId = spec.ids.some((id) => id.in === 'path' && id.name === name);
        if (!isId && !spec.notAnId) problems.push(`${key} :${name}`);
      }
    }
    expect(problems, 'Path parameters that are neither an id nor explained').toEqual([]);
  });

  it('covers every id a route takes with the access-control matrix', () => {
    const rows = matrixRows({ now: () => new Date() });
    const missing: string[] = [];
    for (const [key, spec] of Object.entries(ROUTES)) {
      for (const id of spec.ids) {
        const covered =
          id.resource === 'link-token'
            ? TOKEN_ROUTES.includes(key)
            : id.in === 'path'
              ? rows.some((row) => row.route === key && row.covers.includes(id.name))
              : FIELD_ID_COVERAGE.includes(`${key} ${id.name}`);
        if (!covered) missing.push(`${key} ${id.in} ${id.name}`);
      }
    }
    expect(missing, `Ids the matrix does not try. ${HOW_TO_FIX}`).toEqual([]);
    for (const row of rows) expect(ROUTES[row.route], row.route).toBeDefined();
  });

  it('says who may read each admin page, and covers the accounts and the audit export', () => {
    const admin = Object.entries(ROUTES).filter(([key]) => / \/admin(\/|$)/.test(key));
    expect(admin.length).toBeGreaterThan(0);
    for (const [key, spec] of admin) expect(spec.area, key).toBe('admin');
    const ids = admin.flatMap(([, spec]) => spec.ids.map((id) => id.resource));
    expect(new Set(ids)).toEqual(new Set(['account', 'outbox-mail']));
    expect(ROUTES['GET /admin/audit.csv']?.readers).toEqual(['adam', 'audrey']);
  });
});
