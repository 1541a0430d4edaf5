import { describe, expect, it } from 'vitest';
import {
  claimValues,
  isRightTenant,
  parseRoleMap,
  providerProvedSecondFactor,
  roleFromClaims,
} from './roles.ts';

const policy = {
  rolesClaim: 'roles',
  roleMap: {
    'Sealpost.Admin': 'admin',
    'Sealpost.Sender': 'sender',
    'Sealpost.Auditor': 'auditor',
  } as const,
};

describe('roleFromClaims', () => {
  it('maps one value to its role', () => {
    expect(roleFromClaims(policy, { roles: ['Sealpost.Sender'] })).toBe('sender');
    expect(roleFromClaims(policy, { roles: 'Sealpost.Auditor' })).toBe('auditor');
  });

  it('gives the most powerful of several: admin, then auditor, then sender', () => {
    expect(roleFromClaims(policy, { roles: ['Sealpost.Sender', 'Sealpost.Auditor'] })).toBe(
      'auditor',
    );
    expect(
      roleFromClaims(policy, { roles: ['Sealpost.Auditor', 'Sealpost.Admin', 'Sealpost.Sender'] }),
    ).toBe('admin');
  });

  it('grants nothing for unmapped values, other cases, a missing claim or odd types', () => {
    expect(roleFromClaims(policy, { roles: ['Everyone'] })).toBeNull();
    expect(roleFromClaims(policy, { roles: ['sealpost.admin', 'SEALPOST.SENDER'] })).toBeNull();
    expect(roleFromClaims(policy, {})).toBeNull();
    expect(roleFromClaims(policy, { roles: [1, null, { admin: true }] })).toBeNull();
    // Inherited names are not map entries.
    expect(roleFromClaims(policy, { roles: ['constructor', 'toString'] })).toBeNull();
  });

  it('reads whichever claim is configured, e.g. group object ids', () => {
    const groups = {
      rolesClaim: 'groups',
      roleMap: { '4f1b7c2e-0000-4000-8000-000000000001': 'sender' } as const,
    };
    expect(
      roleFromClaims(groups, {
        roles: ['Sealpost.Admin'],
        groups: ['4f1b7c2e-0000-4000-8000-000000000001'],
      }),
    ).toBe('sender');
  });
});

describe('parseRoleMap', () => {
  it('reads value=role pairs, keeping the case of the values', () => {
    expect(parseRoleMap(' Sealpost.Admin=admin , grp-1=sender,A=B=auditor')).toEqual({
      ok: true,
      map: { 'Sealpost.Admin': 'admin', 'grp-1': 'sender', 'A=B': 'auditor' },
    });
  });

  it('names every item it cannot read, and refuses an empty map', () => {
    expect(parseRoleMap('x=owner,=sender,y')).toEqual({
      ok: false,
      problems: ['x=owner', '=sender', 'y'],
    });
    expect(parseRoleMap('x=recipient')).toEqual({ ok: false, problems: ['x=recipient'] });
    expect(parseRoleMap(' , ')).toEqual({ ok: false, problems: [] });
  });
});

describe('the tenant and the second factor', () => {
  it('accepts any tenant when none is set, else only the one set', () => {
    expect(isRightTenant({ tenantId: null }, {})).toBe(true);
    const t = { tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47' };
    expect(isRightTenant(t, { tid: '72F988BF-86F1-41AF-91AB-2D7CD011DB47' })).toBe(true);
    expect(isRightTenant(t, { tid: 'another' })).toBe(false);
    expect(isRightTenant(t, {})).toBe(false);
  });

  it('counts the provider as a second factor when configured so, or when amr says mfa', () => {
    expect(providerProvedSecondFactor({ providerMfa: true }, {})).toBe(true);
    expect(providerProvedSecondFactor({ providerMfa: false }, { amr: ['pwd', 'mfa'] })).toBe(true);
    expect(providerProvedSecondFactor({ providerMfa: false }, { amr: ['pwd'] })).toBe(false);
    expect(providerProvedSecondFactor({ providerMfa: false }, {})).toBe(false);
  });

  it('reads a claim as a list of strings', () => {
    expect(claimValues({ a: 'x' }, 'a')).toEqual(['x']);
    expect(claimValues({ a: ['x', 2, 'y'] }, 'a')).toEqual(['x', 'y']);
    expect(claimValues({ a: 3 }, 'a')).toEqual([]);
  });
});
