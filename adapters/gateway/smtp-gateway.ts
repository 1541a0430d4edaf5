import { createHash } from 'node:crypto';
import {
  SMTPServer,
  type SMTPServerDataStream,
  type SMTPServerOptions,
  type SMTPServerSession,
} from 'smtp-server';
import { normaliseEmail } from '../../core/accounts/email.ts';
import type { AcceptOutcome } from '../../core/gateway/accept-mail.ts';
import type { ReceivedMail } from '../../core/gateway/ports.ts';
import { ConfigurationError } from '../../core/shared/errors.ts';
import { emailProblemText } from '../../views/codes.ts';
import { stringsFor } from '../../views/strings/index.ts';
import type { Logger } from '../logging/logger.ts';
import { lineEndingNormaliser } from './line-endings.ts';
import { policyView, secureContent } from './mail-content.ts';
import { clientNetworks } from './networks.ts';
import { readMail } from './parse-mail.ts';
import { refusalReply, SMTP_REPLIES } from './smtp-replies.ts';

/** A staff member who logged in over SMTP (AUTH). */
export type GatewayUser = { accountId: string; email: string };

/** A refusal of one SMTP command: the reply code and a sentence for the sender. */
export type Refusal = { code: number; message: string };

/** Options of the SMTP gateway. */
export type SmtpGatewayOptions = {
  /** Address and port to listen on (port 0: any free port, for tests). */
  host: string;
  port: number;
  /** The name in the greeting and EHLO reply (default: the machine's host name). */
  name?: string;
  /** Certificate and key (PEM) for STARTTLS; null offers neither STARTTLS nor AUTH. */
  tls: { key: string | Buffer; cert: string | Buffer } | null;
  /** Client networks (CIDR) that may send without logging in: the council's mail servers. */
  networks: readonly string[];
  /** The largest message accepted, in bytes: advertised as SIZE, larger ones get 552. */
  maxBytes: number;
  /** The most recipients of one message: more get 452, and the client sends them again. */
  maxRecipients: number;
  logger: Logger;
  /** Checks MAIL FROM; null accepts it. `user` is set when the client logged in. */
  checkSender(args: { address: string; user: GatewayUser | null }): Promise<Refusal | null>;
  /** Checks a login (PLAIN or LOGIN, only over TLS); null turns AUTH off. */
  authenticate:
    | ((args: { username: string; password: string; ip: string }) => Promise<GatewayUser | null>)
    | null;
  /** Decides and does what becomes of one received mail (core's acceptMail). */
  accept(mail: ReceivedMail): Promise<AcceptOutcome>;
  /** Idle time before a client is disconnected (default 5 minutes). */
  socketTimeoutMs?: number;
  /** Most clients connected at once (default 50); each may hold one message in memory. */
  maxClients?: number;
};

/** A listening gateway. */
export type SmtpGateway = {
  /** The port it listens on. */
  port: number;
  /** Stops accepting, lets mail in progress finish (up to a few seconds), and closes. */
  close(): Promise<void>;
};

/** An Error carrying the SMTP reply code, as smtp-server expects it from a handler. */
function smtpError(code: number, message: string): Error & { responseCode: number } {
  const error = new Error(replyText(message)) as Error & { responseCode: number };
  error.responseCode = code;
  return error;
}

/** Reply text must be one line of printable ASCII (RFC 5321); the limit keeps it under 512 octets. */
function replyText(message: string): string {
  return message
    .replace(/…/g, '...')
    .replace(/[^\x20-\x7e]/g, '?')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 450);
}

function check(options: SmtpGatewayOptions): void {
  const problems: string[] = [];
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535)
    problems.push('The gateway port must be a whole number from 0 to 65535.');
  if (!Number.isInteger(options.maxBytes) || options.maxBytes < 1024)
    problems.push('The gateway maxBytes must be a whole number of at least 1024.');
  if (
    !Number.isInteger(options.maxRecipients) ||
    options.maxRecipients < 1 ||
    options.maxRecipients > 1000
  )
    problems.push('The gateway maxRecipients must be a whole number from 1 to 1000.');
  if (options.tls && (!options.tls.key || !options.tls.cert))
    problems.push('The gateway TLS option needs both a key and a certificate.');
  if (problems.length > 0) throw new ConfigurationError(problems.join(' '));
}

/**
 * Starts the inbound SMTP gateway (smtp-server): accepts mail from the council's
 * mail servers (by network) or from logged-in staff, reads it, and hands it to
 * `accept`. The 250 is sent only when `accept` says the mail is durably dealt
 * with; every failure becomes a reply with a code and a sentence, never a crash.
 *
 * The message is held in memory once, in the chunks it arrived in (bounded by
 * `maxBytes` per client, and the clients by `maxClients`): it is never written to
 * disk in clear. Attachments are decoded from it as a stream when they are stored.
 */
export function startSmtpGateway(options: SmtpGatewayOptions): Promise<SmtpGateway> {
  check(options);
  const networks = clientNetworks(options.networks);
  const logger = options.logger;
  const tls = options.tls;
  const canLogIn = tls !== null && options.authenticate !== null;
  const isTrusted = (session: SMTPServerSession) => networks.contains(session.remoteAddress);

  const serverOptions: SMTPServerOptions = {
    ...(options.name ? { name: options.name } : {}),
    banner: SMTP_REPLIES.banner(
      options.maxRecipients,
      Math.floor(options.maxBytes / (1024 * 1024)),
    ),
    size: options.maxBytes,
    maxRecipients: options.maxRecipients,
    authOptional: true,
    authMethods: ['PLAIN', 'LOGIN'],
    // Without a certificate of our own there is no STARTTLS (smtp-server would use its
    // built-in one, whose key is public) and so no AUTH, which is only allowed over TLS.
    // With one, AUTH is switched on per connection only once STARTTLS is done (onSecure).
    disabledCommands: tls ? (canLogIn ? [] : ['AUTH']) : ['STARTTLS', 'AUTH'],
    // 8BITMIME and SMTPUTF8 stay advertised: the client's BODY= and SMTPUTF8 are passed
    // on to the relay. DSN is not: its NOTIFY, RET, ENVID and ORCPT would be promises
    // the gateway does not keep (it sends its own delivery report on every failure).
    hideDSN: true,
    ...(tls ? { key: tls.key, cert: tls.cert } : {}),
    logger: false,
    disableReverseLookup: true,
    maxClients: options.maxClients ?? 50,
    socketTimeout: options.socketTimeoutMs ?? 5 * 60_000,
    closeTimeout: 5_000,

    onConnect(session, callback) {
      // RFC 4954, 4 and RFC 3207: a password only over TLS. smtp-server would list AUTH in
      // a plain connection's EHLO (and answer 538 when it is tried), inviting a client to
      // send its password in clear first; so until STARTTLS, AUTH is not offered at all
      // for this connection, and the command is refused as unknown without being read.
      if (canLogIn && !session.secure) session.disabledCommands = ['AUTH'];
      if (isTrusted(session) || canLogIn) return callback();
      logger.info({ ip: session.remoteAddress }, 'gateway refused a client outside its networks');
      callback(smtpError(554, SMTP_REPLIES.outsideNetworks));
    },

    onSecure(_socket, session, callback) {
      // STARTTLS is done: from the next EHLO on, AUTH is listed and taken.
      if (canLogIn) session.disabledCommands = [];
      callback();
    },

    onAuth(auth, session, callback) {
      const authenticate = options.authenticate;
      const refuse = () => callback(smtpError(535, SMTP_REPLIES.loginFailed));
      // Never reached before STARTTLS (AUTH is off until then); kept so it never could be.
      if (!session.secure) return callback(smtpError(538, SMTP_REPLIES.startTlsFirst));
      if (!authenticate || (auth.method !== 'PLAIN' && auth.method !== 'LOGIN')) return refuse();
      authenticate({
        username: auth.username ?? '',
        password: auth.password ?? '',
        ip: session.remoteAddress,
      }).then(
        (user) => (user ? callback(null, { user }) : refuse()),
        (error: unknown) => {
          logger.error({ err: error }, 'gateway login check failed');
          callback(smtpError(454, SMTP_REPLIES.loginUnavailable));
        },
      );
    },

    onMailFrom(address, session, callback) {
      const user = (session.user as GatewayUser | undefined) ?? null;
      if (!user && !isTrusted(session)) {
        return callback(smtpError(530, SMTP_REPLIES.logInFirst));
      }
      options.checkSender({ address: address.address, user }).then(
        (refusal) => callback(refusal ? smtpError(refusal.code, refusal.message) : null),
        (error: unknown) => {
          logger.error({ err: error }, 'gateway sender check failed');
          callback(smtpError(451, SMTP_REPLIES.senderUnchecked));
        },
      );
    },

    onRcptTo(address, _session, callback) {
      const result = normaliseEmail(address.address);
      if (result.ok) return callback();
      const reason = emailProblemText(stringsFor('en'), result.problem);
      callback(smtpError(553, SMTP_REPLIES.recipientInvalid(reason)));
    },

    onData(stream, session, callback) {
      receive(stream, session, options).then(
        (reply) => callback(null, reply),
        (error: Error) => callback(error),
      );
    },
  };

  const server = new SMTPServer(serverOptions);
  server.on('error', (error: Error) => {
    // A client that resets its connection, a failed TLS handshake: never fatal.
    logger.debug({ err: error }, 'gateway connection error');
  });

  return new Promise((resolve, reject) => {
    const onListenError = (error: Error) => reject(error);
    server.server.once('error', onListenError);
    server.listen(options.port, options.host, () => {
      server.server.off('error', onListenError);
      const address = server.server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      resolve({
        port,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

/**
 * Collects one message from the DATA stream (line endings normalised, SHA-256 taken
 * on the way), reads it, and hands it on. Resolves with the 250 text; rejects with an
 * Error whose `responseCode` is the 4xx or 5xx to send.
 */
async function receive(
  stream: SMTPServerDataStream,
  session: SMTPServerSession,
  options: SmtpGatewayOptions,
): Promise<string> {
  const started = Date.now();
  const chunks: Buffer[] = [];
  const sha256 = createHash('sha256');
  const lines = lineEndingNormaliser();
  let oversized = false;
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => {
      if (oversized) return;
      if (stream.sizeExceeded || stream.byteLength > options.maxBytes) {
        // Keep reading to the end of DATA (the client is still sending), keep nothing.
        oversized = true;
        chunks.length = 0;
        return;
      }
      const out = lines.push(chunk);
      if (out.length > 0) {
        chunks.push(out);
        sha256.update(out);
      }
    });
    stream.once('end', () => resolve());
    stream.once('error', reject);
  }).catch((error: unknown) => {
    options.logger.warn({ err: error }, 'gateway lost a message while receiving it');
    throw smtpError(451, SMTP_REPLIES.incomplete);
  });
  if (oversized || stream.sizeExceeded) {
    const mb = Math.floor(options.maxBytes / (1024 * 1024));
    throw smtpError(552, SMTP_REPLIES.tooLarge(mb));
  }
  const tail = lines.end();
  if (tail.length > 0) {
    chunks.push(tail);
    sha256.update(tail);
  }

  const read = await readMail(chunks);
  if (!read.ok) {
    options.logger.info({ session: session.id }, 'gateway refused a mail it cannot read');
    throw smtpError(554, SMTP_REPLIES.unreadable(read.reason));
  }
  const parsed = read.mail;
  const content = secureContent(parsed, chunks);
  const mailFrom = session.envelope.mailFrom;
  const mail: ReceivedMail = {
    envelopeFrom: mailFrom ? mailFrom.address : '',
    envelopeTo: session.envelope.rcptTo.map((r) => r.address),
    envelopeParams: {
      body: session.envelope.bodyType === '8bitmime' ? '8BITMIME' : '7BIT',
      smtpUtf8: session.envelope.smtpUtf8 === true,
    },
    messageId: parsed.messageId,
    rawSha256: sha256.digest('hex'),
    fromHeader: parsed.fromHeader,
    toHeader: parsed.toHeader,
    ccHeader: parsed.ccHeader,
    inbound: policyView(parsed, content, {
      from: mailFrom ? mailFrom.address : '',
      to: session.envelope.rcptTo.map((r) => r.address),
    }),
    body: content.body,
    attachments: content.parts,
    openAttachments: () => content.open(),
    raw: chunks,
    ip: session.remoteAddress,
  };

  let outcome: AcceptOutcome;
  try {
    outcome = await options.accept(mail);
  } catch (error) {
    // Database, disk, cipher or policy failure: nothing was acknowledged, so the
    // client keeps the mail and tries again; a retry does not store it twice.
    options.logger.error({ err: error, session: session.id }, 'gateway could not process a mail');
    throw smtpError(451, SMTP_REPLIES.notDealtWith);
  }
  options.logger.info(
    {
      session: session.id,
      outcome: outcome.kind,
      ...(outcome.kind === 'accepted'
        ? {
            action: outcome.action,
            stored: outcome.stored.length,
            duplicates: outcome.duplicates,
            relayed: outcome.relayed,
            unreached: outcome.unreached?.count ?? 0,
          }
        : { code: outcome.code }),
      bytes: stream.byteLength,
      bareLineEndings: lines.rewritten,
      ...(content.damaged ? { brokenMime: true } : {}),
      ...(content.htmlRefused ? { htmlRefused: content.htmlRefused } : {}),
      ms: Date.now() - started,
    },
    'gateway mail',
  );
  if (outcome.kind !== 'accepted') throw smtpError(outcome.code, refusalReply(outcome.refusal));
  return acceptedReply(outcome);
}

/**
 * The text of the 250. When the relay refused some recipients it says so, and whether
 * the sender was sent a delivery report naming them: a 250 never hides a loss.
 */
function acceptedReply(outcome: Extract<AcceptOutcome, { kind: 'accepted' }>): string {
  const s = SMTP_REPLIES.accepted;
  const done =
    outcome.action === 'relay'
      ? s.relayed
      : outcome.duplicates > 0 && outcome.stored.length === 0
        ? s.duplicate
        : s.stored;
  const unreached = outcome.unreached;
  if (!unreached) return done;
  const who = s.recipients(unreached.count);
  return unreached.reported ? s.unreachedReported(done, who) : s.unreachedUnreported(done, who);
}
