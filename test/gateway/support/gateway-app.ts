import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compose, type Sealpost } from '../../../adapters/compose.ts';
import { parseConfig } from '../../../adapters/config/config.ts';
import type { SmtpGateway } from '../../../adapters/gateway/smtp-gateway.ts';
import { startGateway } from '../../../adapters/gateway/start-gateway.ts';
import { createLogger } from '../../../adapters/logging/logger.ts';
import type { Account } from '../../../core/accounts/model.ts';
import type { Message } from '../../../core/messages/model.ts';
import { tempDir } from '../../support/cli.ts';

/** The council's domain in every gateway test. */
export const COUNCIL = 'council.test';
/** The passphrase of the test keyring. */
export const PASSPHRASE = 'correct horse battery staple gateway';
/** The test certificate for STARTTLS (self-signed, for localhost and 127.0.0.1). */
export const TLS_CERT = path.join(import.meta.dirname, '../fixtures/localhost.crt');
export const TLS_KEY = path.join(import.meta.dirname, '../fixtures/localhost.key');
/** The test certificate's PEM, for clients that must trust it. */
export const TLS_CA = () => readFileSync(TLS_CERT, 'utf8');

/** The environment every gateway test starts from. */
export function gatewayEnv(dir: string, over: Record<string, string> = {}): Record<string, string> {
  return {
    DATA_DIR: dir,
    INTERNAL_DOMAINS: COUNCIL,
    PUBLIC_URL: 'https://sealpost.council.test',
    SEALPOST_KEY_PASSPHRASE: PASSPHRASE,
    LOG_LEVEL: 'silent',
    GATEWAY_NETWORKS: '127.0.0.1/32,::1/128',
    // The staff who log in here have no second factor, as after an upgrade from before
    // 0.4; test/gateway/smtp-auth.test.ts also runs the default (all staff).
    STAFF_SECOND_FACTOR: 'admins',
    ...over,
  };
}

/** The application with real adapters (SQLite, OpenPGP, blobs on disk) and a running gateway. */
export type GatewayApp = {
  dir: string;
  app: Sealpost;
  gateway: SmtpGateway;
  port: number;
  /** Every message the staff member `email` sent, newest first. */
  sentBy(email: string): Promise<Message[]>;
  account(email: string): Promise<Account | null>;
  close(): Promise<void>;
};

/** Builds the application in a fresh folder and starts the gateway on a free port. */
export async function openGatewayApp(over: Record<string, string> = {}): Promise<GatewayApp> {
  const dir = tempDir('sealpost-gateway-');
  const config = parseConfig(gatewayEnv(dir, over));
  const app = await compose(config, { logger: createLogger({ level: 'silent' }) });
  const gateway = await startGateway(app, { port: 0 });
  const account = (email: string) =>
    app.storage.repos.accounts.findByEmailKey({ emailKey: email.toLowerCase() });
  return {
    dir,
    app,
    gateway,
    port: gateway.port,
    account,
    async sentBy(email) {
      const sender = await account(email);
      if (!sender) return [];
      return app.storage.repos.messages.listSent({ senderId: sender.id, limit: 1000, offset: 0 });
    },
    async close() {
      await gateway.close();
      await app.close();
    },
  };
}
