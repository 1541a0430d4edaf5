import { SMTPServer } from 'smtp-server';

/** One mail as the test server received it. */
export type ReceivedMail = {
  /** The Message-ID header, angle brackets included. */
  messageId: string;
  /** RCPT TO addresses. */
  to: string[];
  /** MAIL FROM: '' for the null sender. */
  from: string;
  raw: string;
};

/** A real SMTP server on loopback that keeps what it receives. */
export type SmtpSink = {
  port: number;
  received: ReceivedMail[];
  /** How many times each Message-ID arrived. */
  countByMessageId(): Map<string, number>;
  close(): Promise<void>;
};

/** How the sink answers RCPT TO for one address: null accepts it. */
export type RcptVerdict = { code: number; message: string } | null;

/**
 * Starts `smtp-server` (the npm package) on 127.0.0.1:`port` (0: any free port).
 * It accepts any mail without login or TLS unless told otherwise: `rcpt` can refuse
 * addresses with any code, `dataDelayMs` holds the 250 reply to DATA (to widen the
 * window in which a crash repeats a mail), `data` can refuse the message after it
 * was sent, and STARTTLS is offered only when `tls` gives a certificate.
 */
export function startSmtpSink(
  options: {
    port?: number;
    rcpt?: (address: string) => RcptVerdict;
    data?: () => RcptVerdict;
    dataDelayMs?: () => number;
    tls?: { key: string; cert: string };
  } = {},
): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    // Without a certificate of the test's own, STARTTLS is not offered at all.
    disabledCommands: options.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    logger: false,
    closeTimeout: 200,
    ...(options.tls ?? {}),
    onRcptTo(address, _session, callback) {
      const verdict = options.rcpt?.(address.address) ?? null;
      if (!verdict) return callback();
      const error = new Error(verdict.message) as Error & { responseCode: number };
      error.responseCode = verdict.code;
      return callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const headerEnd = raw.indexOf('\r\n\r\n');
        const head = raw.slice(0, headerEnd === -1 ? raw.length : headerEnd);
        const messageId = /^Message-ID:\s*(<[^>\r\n]+>)/im.exec(head)?.[1] ?? '(none)';
        const finish = () => {
          const refusal = options.data?.() ?? null;
          if (refusal) {
            const error = new Error(refusal.message) as Error & { responseCode: number };
            error.responseCode = refusal.code;
            return callback(error);
          }
          // Recorded when the 250 goes out: from here the mail counts as delivered.
          received.push({
            messageId,
            to: session.envelope.rcptTo.map((r) => r.address),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            raw,
          });
          callback(null);
        };
        const delay = options.dataDelayMs?.() ?? 0;
        if (delay > 0) setTimeout(finish, delay);
        else finish();
      });
    },
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const address = server.server.address();
      if (typeof address !== 'object' || !address) return reject(new Error('no address'));
      resolve({
        port: address.port,
        received,
        countByMessageId() {
          const counts = new Map<string, number>();
          for (const m of received) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
          return counts;
        },
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
