import { describe, expect, it } from 'vitest';
import { ConfigProblems, parseConfig } from '../../adapters/config/config.ts';
import { freePort, runCli, startServe, stop, tempDir } from '../support/cli.ts';
import { gatewayEnv, TLS_CERT, TLS_KEY } from './support/gateway-app.ts';
import { rawClient } from './support/raw-client.ts';

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigProblems) return error.problems;
    throw error;
  }
  return [];
}

describe('the gateway settings', () => {
  it('default to loopback only, no TLS, 100 MB and 100 recipients', () => {
    const config = parseConfig({});
    expect(config.gatewayHost).toBe('127.0.0.1');
    expect(config.gatewayPort).toBe(2525);
    expect(config.gatewayNetworks).toEqual(['127.0.0.1/32', '::1/128']);
    expect(config.gatewayTls).toBeNull();
    expect(config.gatewayMaxBytes).toBe(100 * 1024 * 1024);
    expect(config.gatewayMaxRecipients).toBe(100);
  });

  it('read networks, certificate, sizes and the listening address', () => {
    const config = parseConfig({
      GATEWAY_HOST: '0.0.0.0',
      GATEWAY_NETWORKS: '10.0.0.0/8, 192.0.2.25, 2001:db8::/32',
      GATEWAY_TLS_CERT: TLS_CERT,
      GATEWAY_TLS_KEY: TLS_KEY,
      GATEWAY_MAX_MB: '35',
      GATEWAY_MAX_RECIPIENTS: '50',
    });
    expect(config.gatewayHost).toBe('0.0.0.0');
    expect(config.gatewayNetworks).toEqual(['10.0.0.0/8', '192.0.2.25', '2001:db8::/32']);
    expect(config.gatewayTls).toEqual({ certPath: TLS_CERT, keyPath: TLS_KEY });
    expect(config.gatewayMaxBytes).toBe(35 * 1024 * 1024);
    expect(config.gatewayMaxRecipients).toBe(50);
  });

  it('report every problem at once, with how to fix it', () => {
    const problems = problemsOf({
      GATEWAY_NETWORKS: '10.0.0.0/33,mail.council.gov.uk',
      GATEWAY_TLS_CERT: '/nonexistent/cert.pem',
      GATEWAY_MAX_MB: '0',
      GATEWAY_MAX_RECIPIENTS: '1000',
    });
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/GATEWAY_NETWORKS must be a comma-separated list/);
    expect(problems.join('\n')).toMatch(/GATEWAY_TLS_CERT and GATEWAY_TLS_KEY go together/);
    expect(problems.join('\n')).toMatch(/GATEWAY_MAX_MB must be a whole number/);
    expect(problems.join('\n')).toMatch(/GATEWAY_MAX_RECIPIENTS must be a whole number/);
    expect(
      problemsOf({ GATEWAY_TLS_CERT: '/nonexistent/cert.pem', GATEWAY_TLS_KEY: TLS_KEY }),
    ).toEqual([
      'GATEWAY_TLS_CERT names "/nonexistent/cert.pem", which cannot be read. Give the path of a PEM file.',
    ]);
  });
});

describe('sealpost gateway', () => {
  it('is listed in the help', async () => {
    const { code, stdout } = await runCli(['help'], {});
    expect(code).toBe(0);
    expect(stdout).toMatch(/gateway\s+Run the SMTP gateway/);
  });

  it('exits 2 with one line per problem when the configuration is wrong', async () => {
    const { code, stderr } = await runCli(
      ['gateway'],
      gatewayEnv(tempDir(), { GATEWAY_NETWORKS: 'not-a-network' }),
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/GATEWAY_NETWORKS must be a comma-separated list/);
  });

  it('exits 2 on a flag it does not know', async () => {
    const { code, stderr } = await runCli(['gateway', '--port', '25'], gatewayEnv(tempDir()));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^sealpost gateway: Unknown option '--port'/);
  });

  it('runs inside serve with GATEWAY=on, and stops with it', async () => {
    const port = await freePort();
    const served = await startServe(
      gatewayEnv(tempDir(), { GATEWAY: 'on', GATEWAY_PORT: String(port), LOG_LEVEL: 'warn' }),
    );
    try {
      // serve is healthy once HTTP answers; the gateway starts right after.
      let greeting = null;
      for (let i = 0; i < 100 && !greeting; i++) {
        greeting = await rawClient(port).then(
          (c) => {
            c.close();
            return c.greeting;
          },
          () => new Promise<null>((r) => setTimeout(() => r(null), 50)),
        );
      }
      expect(greeting?.code).toBe(220);
      expect(greeting?.lines[0]).toMatch(/Sealpost secure mail gateway/);
    } finally {
      expect(await stop(served.child)).toBe(0);
    }
  });
});
