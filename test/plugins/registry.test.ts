import { describe, expect, it } from 'vitest';
import type { InboundMail, Policy, PolicyDecision } from '../../core/gateway/ports.ts';
import { ConfigurationError } from '../../core/shared/errors.ts';
import {
  type AnyPluginManifest,
  BUILT_IN_PLUGINS,
  decide,
  loadHooks,
  loadPlugins,
  type PluginManifest,
} from '../../plugins/registry.ts';

const mail: InboundMail = {
  from: 'officer@council.gov.uk',
  to: ['resident@example.com'],
  subject: 'Hello',
  headers: {},
  text: '',
  attachments: [],
};

/** A policy that always gives `decision`, and records that it ran. */
function fixed(name: string, decision: PolicyDecision, ran: string[] = []): Policy {
  return {
    name,
    async evaluate() {
      ran.push(name);
      return decision;
    },
  };
}

function policyPlugin(
  id: string,
  order: number,
  options: { configured?: boolean; create?: () => Policy } = {},
): PluginManifest<'policy'> {
  return {
    id,
    name: id,
    description: `test plugin ${id}`,
    hook: 'policy',
    order,
    isConfigured: () => options.configured ?? true,
    create: options.create ?? (() => fixed(id, { action: 'abstain', reasons: [] })),
  };
}

describe('loading plugins', () => {
  it('loads configured policies sorted by order, ties in listed order', () => {
    const plugins: AnyPluginManifest[] = [
      policyPlugin('c', 300),
      policyPlugin('a', 100),
      policyPlugin('b1', 200),
      policyPlugin('b2', 200),
    ];
    expect(loadPlugins({}, plugins).map((p) => p.name)).toEqual(['a', 'b1', 'b2', 'c']);
  });

  it('never creates a plugin that is not configured', () => {
    const plugins = [
      policyPlugin('off', 100, {
        configured: false,
        create: () => {
          throw new Error('must not be created');
        },
      }),
      policyPlugin('on', 200),
    ];
    expect(loadPlugins({}, plugins).map((p) => p.name)).toEqual(['on']);
  });

  it('gives policies the loaded detectors', () => {
    let seen: string[] = [];
    const detector: PluginManifest<'detector'> = {
      id: 'd',
      name: 'd',
      description: 'test detector',
      hook: 'detector',
      order: 1,
      isConfigured: () => true,
      create: () => ({ id: 'd', threshold: 1, count: async () => 0, describe: (n) => `${n} d` }),
    };
    const policy: PluginManifest<'policy'> = {
      ...policyPlugin('p', 1),
      create: ({ detectors }) => {
        seen = detectors.map((d) => d.id);
        return fixed('p', { action: 'abstain', reasons: [] });
      },
    };
    loadPlugins({}, [policy, detector]);
    expect(seen).toEqual(['d']);
  });

  it('refuses two plugins with one id', () => {
    expect(() => loadPlugins({}, [policyPlugin('x', 1), policyPlugin('x', 2)])).toThrow(
      ConfigurationError,
    );
  });

  it('passes on errors that are not about configuration', () => {
    const broken = policyPlugin('broken', 1, {
      create: () => {
        throw new TypeError('bug');
      },
    });
    expect(() => loadPlugins({}, [broken])).toThrow(TypeError);
  });

  it('loads nothing from empty settings', () => {
    expect(loadHooks({})).toEqual({ policies: [], detectors: [], scanners: [] });
  });

  it('loads the built-in policies in their order from the settings', () => {
    const policies = loadPlugins({
      subjectKeywords: ['zixencrypt'],
      classificationLabels: ['Official Sensitive'],
      dlp: {},
    });
    expect(policies.map((p) => p.name)).toEqual(['subject-keyword', 'classification', 'dlp']);
  });

  it('loads the ClamAV scanner when clamd is configured, and leaves it out of loadPlugins', () => {
    const settings = { clamd: { host: '127.0.0.1', port: 3310 }, subjectKeywords: ['x-secure'] };
    expect(loadHooks(settings).scanners.map((s) => s.name)).toEqual(['clamd']);
    expect(loadPlugins({ clamd: { host: '127.0.0.1', port: 0 } })).toEqual([]);
    expect(() => loadHooks({ clamd: { host: '127.0.0.1', port: 0 } })).toThrow(
      /clamav: clamd needs/,
    );
  });

  it('gives every built-in plugin a unique id, a name and a description', () => {
    const ids = BUILT_IN_PLUGINS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const plugin of BUILT_IN_PLUGINS) {
      expect(plugin.id).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(plugin.name.length).toBeGreaterThan(0);
      expect(plugin.description.length).toBeGreaterThan(0);
    }
  });
});

describe('decide', () => {
  it('returns the first decision that is not abstain, with the reasons so far', async () => {
    const ran: string[] = [];
    const decision = await decide(
      [
        fixed('quiet', { action: 'abstain', reasons: [] }, ran),
        fixed(
          'near',
          { action: 'abstain', reasons: ['1 NHS number, below the threshold of 2'] },
          ran,
        ),
        fixed('yes', { action: 'encrypt', reasons: ['subject keyword "x"'], subject: 'S' }, ran),
        fixed('late', { action: 'reject', reasons: ['late'], message: 'no' }, ran),
      ],
      mail,
    );
    expect(decision).toEqual({
      action: 'encrypt',
      reasons: ['1 NHS number, below the threshold of 2', 'subject keyword "x"'],
      subject: 'S',
    });
    expect(ran).toEqual(['quiet', 'near', 'yes']);
  });

  it('passes reject and relay decisions through', async () => {
    expect(
      await decide([fixed('r', { action: 'reject', reasons: ['r'], message: 'Refused.' })], mail),
    ).toEqual({ action: 'reject', reasons: ['r'], message: 'Refused.' });
    expect(await decide([fixed('p', { action: 'relay', reasons: ['internal'] })], mail)).toEqual({
      action: 'relay',
      reasons: ['internal'],
    });
  });

  it('relays when every policy abstains, or there are none', async () => {
    expect(await decide([], mail)).toEqual({ action: 'relay', reasons: ['no policy matched'] });
    expect(await decide([fixed('a', { action: 'abstain', reasons: ['why not'] })], mail)).toEqual({
      action: 'relay',
      reasons: ['why not', 'no policy matched'],
    });
  });

  it('fails when a policy fails, rather than relaying a mail it could not judge', async () => {
    const failing: Policy = {
      name: 'failing',
      evaluate: async () => {
        throw new Error('down');
      },
    };
    await expect(decide([failing], mail)).rejects.toThrow('down');
  });
});
