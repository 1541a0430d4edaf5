import { accessSync, constants } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { Port } from '../registry/define.ts';
import { isAdapterPackageName } from '../registry/names.ts';
import { type AzureBlobConfig, resolveAzureBlob } from './azure-blob-config.ts';
import { resolveSso, type SsoConfig } from './sso-config.ts';

/** The validated configuration every adapter is built from. */
export type Config = {
  port: number;
  host: string;
  /**
   * WORKERS: HTTP worker processes `serve` runs over the one database (default: the
   * number of cores). 1 serves from the one process, as before (docs/decisions/0026).
   */
  workers: number;
  publicUrl: string;
  /** `sqlite:<file>` or a postgres URL, resolved. */
  database: { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };
  dataDir: string;
  orgName: string;
  orgColour: string;
  internalDomains: string[];
  allowSubdomains: boolean;
  accessDays: number;
  extensionDays: number;
  retentionDays: number;
  unretrievedNoticeDays: number;
  unretrievedAction: 'notify' | 'delete';
  lockoutMaxFailures: number;
  lockoutWindowMinutes: number;
  lockoutMinutes: number;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  rememberMeDays: number;
  staffIdleMinutes: number;
  maxAttachments: number;
  maxTotalBytes: number;
  /** MAIL_TRANSPORT: a built-in mailer, or an installed adapter package (loadConfig loads it). */
  mailTransport: 'outbox' | 'smtp' | (string & {});
  smtpUrl: string | null;
  smtpRequireTls: boolean;
  mailFrom: string;
  internalDelivery: 'portal' | 'smtp';
  forwardOutside: 'refuse' | 'request';
  maxRecipients: number;
  forwardsPerHour: number;
  linkAccessRequests: boolean;
  /** SHARED_MAILBOXES: whether generic addresses may have members (decision 0028). */
  sharedMailboxes: boolean;
  /** STAFF_SECOND_FACTOR: `all-staff` (default) or `admins` (decision 0029). */
  staffSecondFactor: 'all-staff' | 'admins';
  /** PASSKEY_SIGN_IN: `second-factor` (default) or `passwordless`. */
  passkeySignIn: 'second-factor' | 'passwordless';
  /** STAFF_PASSWORDS: `on` (default) or `break-glass` (admins with a second factor only). */
  staffPasswords: 'on' | 'break-glass';
  /** OIDC_*: staff single sign-on through the council's provider, or null (adapters/config/sso-config.ts). */
  sso: SsoConfig | null;
  keyPassphrase: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * PRINT_LINKS: with the outbox folder, also print each mail's first link (a credential)
   * on standard error, for a first look without a mail server. Off unless asked for.
   */
  printLinks: boolean;
  jobs: boolean;
  jobsTimezone: string;
  trustProxy: boolean;
  gateway: boolean;
  gatewayPort: number;
  relaySmtpUrl: string | null;
  subjectKeywords: string[];
  /** The address the SMTP gateway listens on. */
  gatewayHost: string;
  /** Client networks (CIDR) that may send through the gateway without logging in. */
  gatewayNetworks: string[];
  /** PEM certificate and key files for STARTTLS; null offers no STARTTLS (and no login). */
  gatewayTls: { certPath: string; keyPath: string } | null;
  /**
   * DKIM signing of the portal's own mail (notifications, links), for a council whose
   * mail server does not sign it: the signing domain, the DNS selector, and the PEM
   * private key's path. Null when not set (the usual case: the relay signs).
   */
  dkim: { domain: string; selector: string; keyPath: string } | null;
  /** The largest message the gateway accepts, in bytes (advertised as SIZE). */
  gatewayMaxBytes: number;
  /** The most recipients of one message; more are answered 452 (send the rest again). */
  gatewayMaxRecipients: number;
  /**
   * Where encrypted blobs live: files under DATA_DIR/blobs, chunks in the database, or
   * block blobs in an Azure Storage container (docs/admin/azure-blob.md).
   */
  blobStore: 'fs' | 'database' | 'azure-blob' | (string & {});
  /** AZURE_BLOB_*: the container and the way in, with BLOB_STORE=azure-blob; else null. */
  azureBlob: AzureBlobConfig | null;
  /**
   * Adapters named with options: by sealpost.config.json, or by an installed package in
   * BLOB_STORE or MAIL_TRANSPORT (with BLOB_STORE_OPTIONS or MAIL_TRANSPORT_OPTIONS).
   * Filled by loadConfig (adapters/registry/load.ts), which also loads the packages; a
   * port not here uses the built-in the settings above name (docs/decisions/0032).
   */
  adapters?: Partial<Record<Port, { name: string; options: unknown }>>;
  /**
   * Blobs (encrypted) of at most this many bytes are written as rows in their
   * message's transaction instead of the blob store (INLINE_BLOB_MAX_KB; 0: never).
   */
  inlineBlobMaxBytes: number;
  /** The bearer token `/metrics` asks for; null leaves `/metrics` out altogether. */
  metricsToken: string | null;
  /** The classification policy: OFFICIAL-SENSITIVE subjects and these Purview labels. */
  classification: { enabled: boolean; labels: string[] };
  /** Drafts untouched for this many days are deleted by housekeeping. */
  staleDraftDays: number;
  /** Where clamd listens, when attachments are to be scanned for malware. */
  clamd: { socketPath: string } | { host: string; port: number } | null;
  /**
   * The UK DLP policy: which detectors run, how many matches trigger each, and what
   * becomes of a mail with a file that cannot be read (`encrypt` it, or `ignore` the file).
   */
  dlp: {
    enabled: boolean;
    detectors: string[];
    thresholds: Record<string, number>;
    whenUnsure: 'encrypt' | 'ignore';
  };
};

/** Every problem found in the environment, each with how to fix it. */
export class ConfigProblems extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Sealpost cannot start: ${problems.length} configuration problem(s).`);
    this.name = 'ConfigProblems';
    this.problems = problems;
  }
}

const int = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({
          code: 'custom',
          message: `${name} must be a whole number from ${min} to ${max} (got "${v}"). Example: ${name}=${fallback}`,
        });
        return z.NEVER;
      }
      return n;
    });

const bool = (name: string, fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const s = v.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(s)) return true;
      if (['0', 'false', 'no', 'off'].includes(s)) return false;
      ctx.addIssue({ code: 'custom', message: `${name} must be on or off (got "${v}").` });
      return z.NEVER;
    });

const oneOf = <T extends string>(name: string, values: readonly T[], fallback: T) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const s = v.trim().toLowerCase() as T;
      if (values.includes(s)) return s;
      ctx.addIssue({
        code: 'custom',
        message: `${name} must be one of ${values.join(', ')} (got "${v}").`,
      });
      return z.NEVER;
    });

/** A built-in's name, or an installed adapter package's (loaded by loadConfig). */
const oneOfOrPackage = <T extends string>(name: string, values: readonly T[], fallback: T) =>
  z
    .string()
    .optional()
    .transform((v, ctx): T | (string & {}) => {
      if (v === undefined || v.trim() === '') return fallback;
      const s = v.trim().toLowerCase() as T;
      if (values.includes(s) || isAdapterPackageName(s)) return s;
      ctx.addIssue({
        code: 'custom',
        message: `${name} must be one of ${values.join(', ')} (got "${v}").`,
      });
      return z.NEVER;
    });

const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s !== ''),
  );

const url = (name: string, protocols: string[]) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return null;
      try {
        const u = new URL(v.trim());
        if (!protocols.includes(u.protocol)) throw new Error('protocol');
        return u.toString();
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: `${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')} (got "${v}").`,
        });
        return z.NEVER;
      }
    });

/** True when `value` is an IPv4 or IPv6 network in CIDR form (a bare address is one host). */
export function isCidr(value: string): boolean {
  const [address = '', bits, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  if (!/^[0-9]{1,3}$/.test(bits) || n > (family === 4 ? 32 : 128)) return false;
  try {
    new BlockList().addSubnet(address, n, family === 4 ? 'ipv4' : 'ipv6');
    return true;
  } catch {
    return false;
  }
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;

const schema = z.object({
  PORT: int('PORT', 1, 65535, 3000),
  WORKERS: int('WORKERS', 1, 64, Math.min(64, availableParallelism())),
  HOST: z.string().optional(),
  PUBLIC_URL: url('PUBLIC_URL', ['http:', 'https:']),
  DATABASE_URL: z.string().optional(),
  DATA_DIR: z.string().optional(),
  ORG_NAME: z.string().max(100, 'ORG_NAME must be at most 100 characters.').optional(),
  ORG_COLOUR: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'ORG_COLOUR must be a colour like #1d70b8.')
    .optional(),
  INTERNAL_DOMAINS: list.refine((ds) => ds.every((d) => DOMAIN.test(d)), {
    message:
      'INTERNAL_DOMAINS must be a comma-separated list of domains, e.g. INTERNAL_DOMAINS=barnet.gov.uk,hr.barnet.gov.uk',
  }),
  ALLOW_SUBDOMAINS: bool('ALLOW_SUBDOMAINS', false),
  ACCESS_DAYS: int('ACCESS_DAYS', 1, 3650, 45),
  EXTENSION_DAYS: int('EXTENSION_DAYS', 1, 3650, 45),
  RETENTION_DAYS: int('RETENTION_DAYS', 1, 36500, 90),
  UNRETRIEVED_NOTICE_DAYS: int('UNRETRIEVED_NOTICE_DAYS', 1, 3650, 14),
  UNRETRIEVED_ACTION: oneOf('UNRETRIEVED_ACTION', ['notify', 'delete'] as const, 'notify'),
  LOCKOUT_MAX_FAILURES: int('LOCKOUT_MAX_FAILURES', 1, 100, 3),
  LOCKOUT_WINDOW_MINUTES: int('LOCKOUT_WINDOW_MINUTES', 1, 1440, 15),
  LOCKOUT_MINUTES: int('LOCKOUT_MINUTES', 1, 10080, 30),
  SESSION_IDLE_MINUTES: int('SESSION_IDLE_MINUTES', 1, 1440, 15),
  SESSION_MAX_HOURS: int('SESSION_MAX_HOURS', 1, 720, 12),
  REMEMBER_ME_DAYS: int('REMEMBER_ME_DAYS', 1, 365, 30),
  STAFF_IDLE_MINUTES: int('STAFF_IDLE_MINUTES', 1, 1440, 30),
  MAX_ATTACHMENTS: int('MAX_ATTACHMENTS', 0, 100, 10),
  MAX_TOTAL_MB: int('MAX_TOTAL_MB', 1, 2048, 75),
  MAIL_TRANSPORT: oneOfOrPackage('MAIL_TRANSPORT', ['outbox', 'smtp'] as const, 'outbox'),
  SMTP_URL: url('SMTP_URL', ['smtp:', 'smtps:']),
  SMTP_REQUIRE_TLS: bool('SMTP_REQUIRE_TLS', true),
  MAIL_FROM: z.string().optional(),
  INTERNAL_DELIVERY: oneOf('INTERNAL_DELIVERY', ['portal', 'smtp'] as const, 'portal'),
  FORWARD_OUTSIDE: oneOf('FORWARD_OUTSIDE', ['refuse', 'request'] as const, 'refuse'),
  PRINT_LINKS: bool('PRINT_LINKS', false),
  MAX_RECIPIENTS: int('MAX_RECIPIENTS', 1, 500, 100),
  FORWARDS_PER_HOUR: int('FORWARDS_PER_HOUR', 1, 1000, 20),
  LINK_ACCESS_REQUESTS: bool('LINK_ACCESS_REQUESTS', true),
  SHARED_MAILBOXES: bool('SHARED_MAILBOXES', true),
  STAFF_SECOND_FACTOR: oneOf('STAFF_SECOND_FACTOR', ['all-staff', 'admins'] as const, 'all-staff'),
  PASSKEY_SIGN_IN: oneOf(
    'PASSKEY_SIGN_IN',
    ['second-factor', 'passwordless'] as const,
    'second-factor',
  ),
  STAFF_PASSWORDS: oneOf('STAFF_PASSWORDS', ['on', 'break-glass'] as const, 'on'),
  SEALPOST_KEY_PASSPHRASE: z.string().optional(),
  LOG_LEVEL: oneOf(
    'LOG_LEVEL',
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
    'info',
  ),
  JOBS: bool('JOBS', true),
  JOBS_TIMEZONE: z.string().optional(),
  TRUST_PROXY: bool('TRUST_PROXY', false),
  GATEWAY: bool('GATEWAY', false),
  GATEWAY_PORT: int('GATEWAY_PORT', 1, 65535, 2525),
  RELAY_SMTP_URL: url('RELAY_SMTP_URL', ['smtp:', 'smtps:']),
  SUBJECT_KEYWORDS: list,
  GATEWAY_HOST: z.string().optional(),
  GATEWAY_NETWORKS: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '127.0.0.1/32,::1/128')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    )
    .refine((nets) => nets.every(isCidr), {
      message:
        'GATEWAY_NETWORKS must be a comma-separated list of networks in CIDR form, e.g. GATEWAY_NETWORKS=10.0.0.0/8,192.0.2.25/32',
    }),
  GATEWAY_TLS_CERT: z.string().optional(),
  GATEWAY_TLS_KEY: z.string().optional(),
  GATEWAY_MAX_MB: int('GATEWAY_MAX_MB', 1, 2048, 100),
  GATEWAY_MAX_RECIPIENTS: int('GATEWAY_MAX_RECIPIENTS', 1, 100, 100),
  STALE_DRAFT_DAYS: int('STALE_DRAFT_DAYS', 1, 3650, 30),
  CLAMD_SOCKET: z.string().optional(),
  CLAMD_HOST: z.string().optional(),
  CLAMD_PORT: int('CLAMD_PORT', 1, 65535, 3310),
  CLASSIFICATION: bool('CLASSIFICATION', true),
  CLASSIFICATION_LABELS: list,
  DLP: bool('DLP', false),
  DLP_DETECTORS: list,
  DLP_WHEN_UNSURE: oneOf('DLP_WHEN_UNSURE', ['encrypt', 'ignore'] as const, 'encrypt'),
  DLP_THRESHOLDS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const thresholds: Record<string, number> = {};
      for (const pair of (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)) {
        const match = /^([a-z-]+)=(\d{1,3})$/.exec(pair);
        if (!match || Number(match[2]) < 1) {
          ctx.addIssue({
            code: 'custom',
            message: `DLP_THRESHOLDS must list detector=count pairs (got "${pair}"). Example: DLP_THRESHOLDS=nhs-number=2,payment-card=1`,
          });
          return z.NEVER;
        }
        thresholds[match[1] as string] = Number(match[2]);
      }
      return thresholds;
    }),
  BLOB_STORE: oneOfOrPackage('BLOB_STORE', ['fs', 'database', 'azure-blob'] as const, 'fs'),
  INLINE_BLOB_MAX_KB: int('INLINE_BLOB_MAX_KB', 0, 1024, 64),
  METRICS_TOKEN: z
    .string()
    .optional()
    .refine((v) => v === undefined || v.trim() === '' || /^[\x21-\x7e]{32,}$/.test(v.trim()), {
      message:
        'METRICS_TOKEN must be at least 32 characters with no spaces, e.g. the output of: openssl rand -hex 32',
    }),
});

/** DKIM: all three settings or none; the key file readable. Checked in full when the mailer starts. */
function resolveDkim(env: Record<string, string | undefined>, problems: string[]): Config['dkim'] {
  const domain = env.DKIM_DOMAIN?.trim().toLowerCase() ?? '';
  const selector = env.DKIM_SELECTOR?.trim() ?? '';
  const keyPath = env.DKIM_PRIVATE_KEY_FILE?.trim() ?? '';
  const set = [domain, selector, keyPath].filter((v) => v !== '').length;
  if (set === 0) return null;
  if (set < 3) {
    problems.push(
      'DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE go together: set all three to sign mail with DKIM, or none.',
    );
    return null;
  }
  let ok = true;
  if (!DOMAIN.test(domain)) {
    problems.push(`DKIM_DOMAIN "${domain}" is not a domain, e.g. DKIM_DOMAIN=barnet.gov.uk`);
    ok = false;
  }
  if (
    !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(selector)
  ) {
    problems.push(`DKIM_SELECTOR "${selector}" is not a DNS label, e.g. DKIM_SELECTOR=sealpost1`);
    ok = false;
  }
  try {
    accessSync(keyPath, constants.R_OK);
  } catch {
    problems.push(
      `DKIM_PRIVATE_KEY_FILE names "${keyPath}", which cannot be read. Give the path of a PEM private key.`,
    );
    ok = false;
  }
  return ok ? { domain, selector, keyPath: path.resolve(keyPath) } : null;
}

/** The gateway's certificate and key: both or neither, each a readable file. */
function resolveGatewayTls(
  env: Record<string, string | undefined>,
  problems: string[],
): Config['gatewayTls'] {
  const certPath = env.GATEWAY_TLS_CERT?.trim() ?? '';
  const keyPath = env.GATEWAY_TLS_KEY?.trim() ?? '';
  if (certPath === '' && keyPath === '') return null;
  if (certPath === '' || keyPath === '') {
    problems.push(
      'GATEWAY_TLS_CERT and GATEWAY_TLS_KEY go together: set both (PEM files) to offer STARTTLS, or neither.',
    );
    return null;
  }
  for (const [name, file] of [
    ['GATEWAY_TLS_CERT', certPath],
    ['GATEWAY_TLS_KEY', keyPath],
  ] as const) {
    try {
      accessSync(file, constants.R_OK);
    } catch {
      problems.push(`${name} names "${file}", which cannot be read. Give the path of a PEM file.`);
    }
  }
  return { certPath: path.resolve(certPath), keyPath: path.resolve(keyPath) };
}

function resolveDatabase(
  raw: string | undefined,
  dataDir: string,
  problems: string[],
): Config['database'] {
  const value = raw?.trim() ?? '';
  if (value === '') return { kind: 'sqlite', path: path.join(dataDir, 'sealpost.db') };
  if (/^postgres(ql)?:\/\//i.test(value)) {
    try {
      new URL(value);
      return { kind: 'postgres', url: value };
    } catch {
      problems.push(
        `DATABASE_URL is not a valid postgres:// URL. Example: DATABASE_URL=postgres://sealpost@127.0.0.1:5432/sealpost`,
      );
    }
  } else if (value.startsWith('sqlite:') || value.startsWith('file:')) {
    return { kind: 'sqlite', path: path.resolve(value.replace(/^(sqlite|file):(\/\/)?/, '')) };
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    problems.push(
      `DATABASE_URL "${value.split('://')[0]}://..." is not supported: use a SQLite file path (e.g. ./data/sealpost.db) or a postgres:// URL.`,
    );
  } else {
    return { kind: 'sqlite', path: path.resolve(value) };
  }
  return { kind: 'sqlite', path: path.join(dataDir, 'sealpost.db') };
}

/**
 * Reads and checks the whole configuration at once. Throws `ConfigProblems` listing
 * every problem found, so an admin fixes them in one go rather than one per restart.
 */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const problems: string[] = [];
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '');
      const message = issue.message.includes(key) ? issue.message : `${key}: ${issue.message}`;
      problems.push(message.includes('(got ') ? message : `${message}${echoOf(key, env[key])}`);
    }
  }
  const e = parsed.success ? parsed.data : null;
  const dataDir = path.resolve(env.DATA_DIR?.trim() || './data');
  const database = resolveDatabase(env.DATABASE_URL, dataDir, problems);
  const mailTransport = e?.MAIL_TRANSPORT ?? 'outbox';
  // Checks across settings read what was typed, so they are reported together with
  // every per-setting problem, not only once those are fixed.
  const typed = (key: string) => env[key]?.trim().toLowerCase() ?? '';
  const hasSmtpUrl = typed('SMTP_URL') !== '';
  if (typed('MAIL_TRANSPORT') === 'smtp' && !hasSmtpUrl) {
    problems.push(
      'MAIL_TRANSPORT=smtp needs SMTP_URL, e.g. SMTP_URL=smtp://mail.council.gov.uk:587',
    );
  }
  if (typed('INTERNAL_DELIVERY') === 'smtp' && !hasSmtpUrl) {
    problems.push(
      'INTERNAL_DELIVERY=smtp needs SMTP_URL (the council mail server reached over TLS).',
    );
  }
  const gatewayTls = resolveGatewayTls(env, problems);
  const sso = resolveSso(env, problems, e?.STAFF_IDLE_MINUTES ?? 30);
  const dkim = resolveDkim(env, problems);
  // Read with another BLOB_STORE too when a container is named, so `sealpost
  // migrate-data --blobs-from` can move blobs between the container and another store.
  const azureBlob =
    typed('BLOB_STORE') === 'azure-blob' || typed('AZURE_BLOB_CONTAINER') !== ''
      ? resolveAzureBlob(env, problems)
      : null;
  const timezone = env.JOBS_TIMEZONE?.trim() || 'Europe/London';
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: timezone });
  } catch {
    problems.push(
      `JOBS_TIMEZONE "${timezone}" is not a known time zone, e.g. JOBS_TIMEZONE=Europe/London`,
    );
  }
  if (problems.length > 0 || !e) throw new ConfigProblems(problems);
  const port = e.PORT;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${port}/`).replace(/\/+$/, '');
  const host = new URL(publicUrl).hostname;
  return {
    port,
    workers: e.WORKERS,
    host: e.HOST?.trim() || '127.0.0.1',
    publicUrl,
    database,
    dataDir,
    orgName: e.ORG_NAME?.trim() || 'Sealpost',
    orgColour: e.ORG_COLOUR ?? '#1d70b8',
    internalDomains: e.INTERNAL_DOMAINS,
    allowSubdomains: e.ALLOW_SUBDOMAINS,
    accessDays: e.ACCESS_DAYS,
    extensionDays: e.EXTENSION_DAYS,
    retentionDays: e.RETENTION_DAYS,
    unretrievedNoticeDays: e.UNRETRIEVED_NOTICE_DAYS,
    unretrievedAction: e.UNRETRIEVED_ACTION,
    lockoutMaxFailures: e.LOCKOUT_MAX_FAILURES,
    lockoutWindowMinutes: e.LOCKOUT_WINDOW_MINUTES,
    lockoutMinutes: e.LOCKOUT_MINUTES,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    sessionMaxHours: e.SESSION_MAX_HOURS,
    rememberMeDays: e.REMEMBER_ME_DAYS,
    staffIdleMinutes: e.STAFF_IDLE_MINUTES,
    maxAttachments: e.MAX_ATTACHMENTS,
    maxTotalBytes: e.MAX_TOTAL_MB * 1024 * 1024,
    mailTransport,
    smtpUrl: e.SMTP_URL,
    smtpRequireTls: e.SMTP_REQUIRE_TLS,
    mailFrom: e.MAIL_FROM?.trim() || `no-reply@${host}`,
    internalDelivery: e.INTERNAL_DELIVERY,
    forwardOutside: e.FORWARD_OUTSIDE,
    maxRecipients: e.MAX_RECIPIENTS,
    forwardsPerHour: e.FORWARDS_PER_HOUR,
    linkAccessRequests: e.LINK_ACCESS_REQUESTS,
    sharedMailboxes: e.SHARED_MAILBOXES,
    staffSecondFactor: e.STAFF_SECOND_FACTOR,
    passkeySignIn: e.PASSKEY_SIGN_IN,
    staffPasswords: e.STAFF_PASSWORDS,
    sso,
    keyPassphrase: e.SEALPOST_KEY_PASSPHRASE ?? null,
    logLevel: e.LOG_LEVEL,
    printLinks: e.PRINT_LINKS,
    jobs: e.JOBS,
    jobsTimezone: timezone,
    trustProxy: e.TRUST_PROXY,
    gateway: e.GATEWAY,
    gatewayPort: e.GATEWAY_PORT,
    relaySmtpUrl: e.RELAY_SMTP_URL,
    subjectKeywords:
      e.SUBJECT_KEYWORDS.length > 0 ? e.SUBJECT_KEYWORDS : ['zixencrypt', '[secure]', 'secure:'],
    gatewayHost: e.GATEWAY_HOST?.trim() || '127.0.0.1',
    gatewayNetworks: e.GATEWAY_NETWORKS,
    gatewayTls,
    dkim,
    gatewayMaxBytes: e.GATEWAY_MAX_MB * 1024 * 1024,
    gatewayMaxRecipients: e.GATEWAY_MAX_RECIPIENTS,
    blobStore: e.BLOB_STORE,
    azureBlob,
    inlineBlobMaxBytes: e.INLINE_BLOB_MAX_KB * 1024,
    metricsToken: e.METRICS_TOKEN?.trim() || null,
    staleDraftDays: e.STALE_DRAFT_DAYS,
    clamd: e.CLAMD_SOCKET?.trim()
      ? { socketPath: e.CLAMD_SOCKET.trim() }
      : e.CLAMD_HOST?.trim()
        ? { host: e.CLAMD_HOST.trim(), port: e.CLAMD_PORT }
        : null,
    classification: { enabled: e.CLASSIFICATION, labels: e.CLASSIFICATION_LABELS },
    dlp: {
      enabled: e.DLP,
      detectors: e.DLP_DETECTORS,
      thresholds: e.DLP_THRESHOLDS,
      whenUnsure: e.DLP_WHEN_UNSURE,
    },
  };
}

/** Settings whose values are secrets (or hold one) and are never repeated in a message. */
const SECRET_SETTING = /PASSPHRASE|TOKEN|PASSWORD|SECRET|_URL$|_KEY|CONNECTION_STRING/;

/**
 * `(got "value")` after a problem, so the admin sees what was read, unless the value
 * is secret or was not set at all.
 */
function echoOf(key: string, value: string | undefined): string {
  if (value === undefined || SECRET_SETTING.test(key)) return '';
  const shown = value.length > 60 ? `${value.slice(0, 60)}...` : value;
  return ` (got "${shown}")`;
}
