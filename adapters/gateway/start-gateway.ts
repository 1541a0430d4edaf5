import { readFileSync } from 'node:fs';
import { isAllowedAddress } from '../../core/access/allowed-domains.ts';
import { emailKey, normaliseEmail } from '../../core/accounts/email.ts';
import { type AcceptMailDeps, acceptMail } from '../../core/gateway/accept-mail.ts';
import type { Policy } from '../../core/gateway/ports.ts';
import { ConfigurationError } from '../../core/shared/errors.ts';
import { decide, loadPlugins, type PluginSettings } from '../../plugins/registry.ts';
import { emailProblemText } from '../../views/codes.ts';
import { stringsFor } from '../../views/strings/index.ts';
import type { Sealpost } from '../compose.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import { type Refusal, type SmtpGateway, startSmtpGateway } from './smtp-gateway.ts';
import { smtpRelay } from './smtp-relay.ts';
import { SMTP_REPLIES } from './smtp-replies.ts';
import { staffLogin } from './staff-login.ts';

/**
 * The plugins behind core's Policy port, loaded through the plugin registry. The
 * subject keywords are an admin setting, so the policies are rebuilt when the
 * settings in force change; other plugin settings come from `base`.
 */
export function pluginPolicy(settings: SettingsService, base: PluginSettings = {}): Policy {
  let loaded: { key: string; policies: Policy[] } | null = null;
  return {
    name: 'plugins',
    async evaluate({ mail }) {
      const current: PluginSettings = {
        ...base,
        subjectKeywords: (await settings.get()).subjectKeywords,
      };
      const key = JSON.stringify(current);
      if (loaded?.key !== key) loaded = { key, policies: loadPlugins(current) };
      return decide(loaded.policies, mail);
    },
  };
}

function readTls(app: Sealpost): { key: Buffer; cert: Buffer } | null {
  const tls = app.config.gatewayTls;
  if (!tls) return null;
  try {
    return { key: readFileSync(tls.keyPath), cert: readFileSync(tls.certPath) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigurationError(
      `The gateway certificate or key cannot be read (${reason}); check GATEWAY_TLS_CERT and GATEWAY_TLS_KEY.`,
    );
  }
}

/**
 * The plugins' settings from the config (the subject keywords come from the admin
 * settings at each mail). Unknown DLP detector ids stop the start with their names.
 */
export function pluginSettingsFrom(config: Sealpost['config']): PluginSettings {
  const settings: PluginSettings = {};
  if (config.classification.enabled) settings.classificationLabels = config.classification.labels;
  if (config.dlp.enabled) {
    settings.dlp = {
      thresholds: config.dlp.thresholds,
      whenUnsure: config.dlp.whenUnsure,
      ...(config.dlp.detectors.length > 0 ? { detectors: config.dlp.detectors } : {}),
    };
  }
  return settings;
}

/**
 * Starts the SMTP gateway from the composed application: the relay from
 * RELAY_SMTP_URL, the policy plugins, staff login when a certificate is configured,
 * and core's acceptMail for every mail. Used by `sealpost gateway` and by `serve`
 * with GATEWAY=on. `close()` stops the gateway and the relay (not the application).
 */
export async function startGateway(
  app: Sealpost,
  options: { port?: number; pluginSettings?: PluginSettings } = {},
): Promise<SmtpGateway> {
  const { config, logger } = app;
  const tls = readTls(app);
  const relay = config.relaySmtpUrl ? smtpRelay({ url: config.relaySmtpUrl, logger }) : null;
  const deps: AcceptMailDeps = {
    storage: app.storage,
    cipher: app.cipher,
    blobs: app.blobs,
    ids: app.ids,
    clock: app.clock,
    secrets: app.secrets,
    templates: app.templates,
    publicUrl: config.publicUrl,
    policy: pluginPolicy(app.settings, options.pluginSettings ?? pluginSettingsFrom(config)),
    relay,
    scanner: app.scanner,
    ...(app.inlineBlobMaxBytes === undefined ? {} : { inlineBlobMaxBytes: app.inlineBlobMaxBytes }),
  };

  const checkSender = async ({
    address,
    user,
  }: {
    address: string;
    user: { email: string } | null;
  }): Promise<Refusal | null> => {
    // The null sender (bounces, some automatic replies) comes only from a council server.
    const s = SMTP_REPLIES.sender;
    if (address === '') return user ? { code: 553, message: s.nullFromUser } : null;
    const normalised = normaliseEmail(address);
    if (!normalised.ok) {
      const reason = emailProblemText(stringsFor('en'), normalised.problem);
      return { code: 553, message: s.invalid(reason) };
    }
    const settings = await app.settings.get();
    if (settings.internalDomains.length === 0) return { code: 451, message: s.noDomains };
    const internal = isAllowedAddress({
      email: normalised.email,
      allowedDomains: settings.internalDomains,
      allowSubdomains: settings.allowSubdomains,
    });
    if (!internal) return { code: 550, message: s.notInternal };
    if (user && emailKey(user.email) !== emailKey(normalised.email)) {
      return { code: 553, message: s.someoneElse };
    }
    return null;
  };

  if ((await app.settings.get()).internalDomains.length === 0) {
    logger.warn('the gateway has no INTERNAL_DOMAINS: it will answer every sender "try later"');
  }
  if (!relay) {
    logger.warn('the gateway has no RELAY_SMTP_URL: mail that needs no protection is refused');
  }

  // Load the keyring before taking mail: a wrong passphrase stops the start here rather
  // than deferring every mail, and the first mail does not wait for the keys.
  await app.cipher.listKeys();
  const gateway = await startSmtpGateway({
    host: config.gatewayHost,
    port: options.port ?? config.gatewayPort,
    tls,
    networks: config.gatewayNetworks,
    maxBytes: config.gatewayMaxBytes,
    maxRecipients: config.gatewayMaxRecipients,
    logger,
    checkSender,
    authenticate: tls ? staffLogin(app) : null,
    accept: async (mail) => acceptMail(deps, await app.settings.get(), mail),
  });
  logger.info(
    { host: config.gatewayHost, port: gateway.port, starttls: tls !== null },
    'the SMTP gateway is listening',
  );
  return {
    port: gateway.port,
    async close() {
      await gateway.close();
      await relay?.close();
    },
  };
}
