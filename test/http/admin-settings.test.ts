import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../core/settings/model.ts';
import { type AdminHarness, adminHarness } from './admin-support.ts';
import { sharedCipher } from './mailbox-support.ts';
import { decodeEntities } from './staff-support.ts';

const keys = sharedCipher();
afterAll(() => keys.close());

/** Every field of the settings form, as the page would post it unchanged. */
function formFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const form = /<form method="post" action="\/admin\/settings"[^>]*>([\s\S]*?)<\/form>/.exec(
    html,
  )?.[1];
  if (!form) throw new Error('no settings form');
  for (const m of form.matchAll(/<input[^>]*>/g)) {
    const tag = m[0];
    const name = /name="([^"]+)"/.exec(tag)?.[1];
    const value = decodeEntities(/value="([^"]*)"/.exec(tag)?.[1] ?? '');
    if (!name) continue;
    if (/type="(radio|checkbox)"/.test(tag) && !/ checked/.test(tag)) continue;
    fields[name] = value;
  }
  for (const m of form.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) {
    fields[m[1] as string] = decodeEntities((m[2] as string).replace(/^\n/, ''));
  }
  return fields;
}

/** Single sign-on configured (with Entra ID), as break-glass needs. */
const SSO_ENV = {
  OIDC_ISSUER: 'https://login.microsoftonline.com/3f0c6a1e-0000-4000-8000-000000000000/v2.0',
  OIDC_CLIENT_ID: 'b2c6f1c4-0000-4000-8000-000000000001',
  OIDC_CLIENT_SECRET: 'a secret value',
  OIDC_ROLE_MAP: 'Sealpost.Admin=admin,Sealpost.Sender=sender',
};

describe('admin settings', () => {
  let h: AdminHarness;
  let cookie: string;
  beforeEach(async () => {
    h = await adminHarness(keys.cipher());
    await h.addStaff('ada', 'admin');
    cookie = await h.signInAdmin('ada@barnet.gov.uk');
  });
  afterEach(() => h.close());

  const save = async (changes: Record<string, string | null>) => {
    const page = await (await h.get('/admin/settings', cookie)).text();
    const fields = formFields(page);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) delete fields[key];
      else fields[key] = value;
    }
    return h.post('/admin/settings', { cookie, formPage: '/admin/settings', fields });
  };

  it('shows the settings in force', async () => {
    const fields = formFields(await (await h.get('/admin/settings', cookie)).text());
    expect(fields).toMatchObject({
      orgName: 'Barnet Council',
      orgColour: DEFAULT_SETTINGS.orgColour,
      internalDomains: 'barnet.gov.uk',
      accessDays: '45',
      maxTotalMb: '75',
      unretrievedAction: 'notify',
      forwardOutside: 'refuse',
      subjectKeywords: DEFAULT_SETTINGS.subjectKeywords.join('\n'),
    });
  });

  it('says which values were saved here, and puts the configured value back on request', async () => {
    const before = await (await h.get('/admin/settings', cookie)).text();
    expect(before).not.toContain('Saved on this page.');
    expect((await save({ accessDays: '30', forwardOutside: 'request' })).status).toBe(303);
    const page = await (await h.get('/admin/settings', cookie)).text();
    expect(page).toContain('Saved on this page. The server&#39;s configuration says: 45.');
    expect(page).toContain('Saved on this page. The server&#39;s configuration says: refuse.');
    expect(page).toMatch(/formaction="\/admin\/settings\/reset" name="reset" value="accessDays"/);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const reset = await h.post('/admin/settings/reset', {
      cookie,
      csrf,
      fields: { ...formFields(page), reset: 'accessDays' },
    });
    expect(reset.status).toBe(303);
    expect(reset.headers.get('location')).toBe('/admin/settings?done=reset');
    expect((await h.settings.get()).accessDays).toBe(45);
    expect((await h.settings.get()).forwardOutside).toBe('request');
    const after = await (await h.get('/admin/settings?done=reset', cookie)).text();
    expect(after).toContain('The configured value is in force again');
    expect(after).not.toMatch(/name="reset" value="accessDays"/);
    const events = await h.storage.repos.audit.list({
      filter: { action: 'settings.change' },
      limit: 10,
    });
    expect(events.map((e) => e.details)).toContainEqual({ keys: 'accessDays', reset: true });
    // A key that is not a setting, or not saved, changes nothing and records nothing.
    await h.post('/admin/settings/reset', { cookie, csrf, fields: { reset: 'installation.id' } });
    expect(
      await h.storage.repos.audit.list({ filter: { action: 'settings.change' }, limit: 10 }),
    ).toHaveLength(events.length);
  });

  it('saves changes, so they are the settings in force, and records the keys changed', async () => {
    const res = await save({
      orgName: 'Barnet & Enfield Council',
      accessDays: '30',
      maxTotalMb: '20',
      internalDomains: 'barnet.gov.uk\nEnfield.GOV.uk\n',
      allowSubdomains: 'yes',
      forwardOutside: 'request',
      subjectKeywords: '[secure]\nsendsecure',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/settings?done=saved');
    const settings = await h.settings.get();
    expect(settings).toMatchObject({
      orgName: 'Barnet & Enfield Council',
      accessDays: 30,
      maxTotalBytes: 20 * 1024 * 1024,
      internalDomains: ['barnet.gov.uk', 'enfield.gov.uk'],
      allowSubdomains: true,
      forwardOutside: 'request',
      subjectKeywords: ['[secure]', 'sendsecure'],
      retentionDays: 90,
    });
    const banner = await (await h.get('/admin/settings?done=saved', cookie)).text();
    expect(banner).toContain('Settings saved');
    expect(banner).toContain('Barnet &amp; Enfield Council');

    const [event] = await h.audit('settings.change');
    expect(event?.details).toEqual({
      keys: 'orgName,internalDomains,allowSubdomains,maxTotalBytes,accessDays,subjectKeywords,forwardOutside',
      allowSubdomains: true,
      maxTotalBytes: 20 * 1024 * 1024,
      accessDays: 30,
      forwardOutside: 'request',
    });
    // Names, domains and keywords are recorded by key only.
    expect(JSON.stringify(event)).not.toContain('Enfield');
    expect(JSON.stringify(event)).not.toContain('sendsecure');
    expect(event?.actorLabel).toBe('ada@barnet.gov.uk');
    expect(event?.ip).toBeTruthy();
  });

  it('switches shared mailboxes for generic addresses off and on again', async () => {
    expect((await h.settings.get()).sharedMailboxes).toBe(true);
    const page = await (await h.get('/admin/settings', cookie)).text();
    expect(page).toMatch(/name="sharedMailboxes"[^>]*checked|checked[^>]*name="sharedMailboxes"/);
    const off = await save({ sharedMailboxes: null });
    expect(off.headers.get('location')).toBe('/admin/settings?done=saved');
    expect((await h.settings.get()).sharedMailboxes).toBe(false);
    const [event] = await h.audit('settings.change');
    expect(event?.details).toMatchObject({ keys: 'sharedMailboxes', sharedMailboxes: false });
    await save({ sharedMailboxes: 'yes' });
    expect((await h.settings.get()).sharedMailboxes).toBe(true);
  });

  it('offers the sign-in choices with what each means, saves them, and records the values', async () => {
    // Break-glass needs single sign-on configured: this installation has it.
    await h.close();
    h = await adminHarness(keys.cipher(), { env: SSO_ENV });
    await h.addStaff('ada', 'admin');
    cookie = await h.signInAdmin('ada@barnet.gov.uk');
    const page = await (await h.get('/admin/settings', cookie)).text();
    // Each choice explained (the harness starts as an upgraded installation: admins only).
    expect(page).toContain('Who on the staff must use a second factor');
    expect(page).toContain('Installations upgraded from an earlier version start here');
    expect(page).toContain('Staff without one are asked to set it up the next time');
    expect(page).toContain('so it is still two factors');
    expect(page).toContain('administrators keep a way in for the day it is down');
    expect(formFields(page)).toMatchObject({
      staffSecondFactor: 'admins',
      passkeySignIn: 'second-factor',
      staffPasswords: 'on',
    });
    const res = await save({
      staffSecondFactor: 'all-staff',
      passkeySignIn: 'passwordless',
      staffPasswords: 'break-glass',
    });
    expect(res.headers.get('location')).toBe('/admin/settings?done=saved');
    expect(await h.settings.get()).toMatchObject({
      staffSecondFactor: 'all-staff',
      passkeySignIn: 'passwordless',
      staffPasswords: 'break-glass',
    });
    const [event] = await h.audit('settings.change');
    expect(event?.details).toMatchObject({
      staffSecondFactor: 'all-staff',
      passkeySignIn: 'passwordless',
      staffPasswords: 'break-glass',
    });
    // Saved here, so the page offers the configured value back.
    const after = await (await h.get('/admin/settings', cookie)).text();
    expect(after).toMatch(
      /formaction="\/admin\/settings\/reset" name="reset" value="staffSecondFactor"/,
    );

    // A value that is none of the choices (a hand-made form) is refused, with a reason.
    const bad = await save({ staffSecondFactor: 'nobody', passkeySignIn: null });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('Choose who on the staff must use a second factor');
    expect(html).toContain('Choose what a passkey can do');
    expect((await h.settings.get()).staffSecondFactor).toBe('all-staff');
  });

  it('refuses break-glass passwords without single sign-on, keeping the choice', async () => {
    const res = await save({ staffPasswords: 'break-glass', orgName: 'Barnet Borough Council' });
    expect(res.status).toBe(400);
    const html = await res.text();
    const message = 'Set up single sign-on before you turn staff passwords off';
    // In the error summary, linked to the field, and beside the field itself.
    expect(html).toMatch(new RegExp(`<a href="#staffPasswords">${message}`));
    expect(html).toContain(`<p id="staffPasswords-error" class="govuk-error-message">`);
    expect(html.split(message)).toHaveLength(3);
    // What was typed is kept: the choice, and the other field.
    expect(formFields(html)).toMatchObject({
      staffPasswords: 'break-glass',
      orgName: 'Barnet Borough Council',
    });
    expect(await h.settings.get()).toMatchObject({
      staffPasswords: 'on',
      orgName: 'Barnet Council',
    });
    expect(await h.audit('settings.change')).toHaveLength(0);
  });

  it('saves nothing and records nothing when nothing changed', async () => {
    const res = await save({});
    expect(res.headers.get('location')).toBe('/admin/settings?done=unchanged');
    expect(await h.audit('settings.change')).toEqual([]);
  });

  it('shows every problem beside its field, keeps what was typed, and saves nothing', async () => {
    const res = await save({
      orgName: '   ',
      orgColour: 'blue',
      accessDays: 'forty',
      retentionDays: '10',
      internalDomains: 'barnet.gov.uk\nnot a domain',
      maxAttachments: '1000',
      subjectKeywords: 'ok!\nno',
      unretrievedAction: 'shred',
      forwardOutside: null,
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('<title>Error: ');
    expect(html).toContain('govuk-error-summary');
    for (const [field, message] of [
      ['orgName', 'Enter an organisation name'],
      ['orgColour', 'Enter a colour in the format #1d70b8'],
      ['internalDomains', 'Enter “not a domain” as a domain'],
      ['maxAttachments', 'from 0 to 100'],
      ['accessDays', 'Enter the days as a whole number from 1 to 3650'],
      ['unretrievedAction', 'Choose what happens when the sender is told'],
      ['subjectKeywords', 'Enter at least one keyword'],
      ['forwardOutside', 'Choose what happens when a recipient wants to forward'],
    ] as const) {
      expect(html, field).toContain(`href="#${field}"`);
      expect(html, field).toContain(message);
      expect(html, field).toContain(`id="${field}-error"`);
    }
    // What was typed comes back as typed.
    expect(html).toContain('value="blue"');
    expect(html).toContain('value="forty"');
    expect(html).toContain('value="10"');
    expect(html).toMatch(/not a domain<\/textarea>/);
    expect(await h.settings.get()).toMatchObject({ accessDays: 45, retentionDays: 90 });
    expect(await h.audit('settings.change')).toEqual([]);
  });

  it('refuses a retention shorter than the access period, with a reason', async () => {
    const res = await save({ accessDays: '60', retentionDays: '30' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Keep messages at least as long as recipients can read them');
    expect(await h.settings.get()).toMatchObject({ accessDays: 45, retentionDays: 90 });
  });
});
