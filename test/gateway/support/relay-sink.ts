import { SMTPServer } from 'smtp-server';

/** One mail as the relay target received it: the envelope and the exact bytes. */
export type RelayedMail = {
  from: string;
  to: string[];
  raw: Buffer;
  /** BODY= ('7bit' or '8bitmime') and SMTPUTF8 as given with MAIL FROM. */
  params: { body: string; smtpUtf8: boolean };
};

/** A real SMTP server (smtp-server) standing in for the council's mail server. */
export type RelaySink = {
  port: number;
  url: string;
  received: RelayedMail[];
  /** While set, every DATA is answered with this code and text. */
  refuse: { code: number; message: string } | null;
  /** RCPT TO of these addresses (lower case) is answered with the code and text. */
  refuseRecipients: Map<string, { code: number; message: string }>;
  close(): Promise<void>;
};

/** Starts the relay target on a free loopback port; it keeps every byte it receives. */
export function startRelaySink(): Promise<RelaySink> {
  const sink: RelaySink = {
    port: 0,
    url: '',
    received: [],
    refuse: null,
    refuseRecipients: new Map(),
    close: async () => {},
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    closeTimeout: 200,
    onRcptTo(address, _session, callback) {
      const refusal = sink.refuseRecipients.get(address.address.toLowerCase());
      if (!refusal) return callback();
      const error = new Error(refusal.message) as Error & { responseCode: number };
      error.responseCode = refusal.code;
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (sink.refuse) {
          const error = new Error(sink.refuse.message) as Error & { responseCode: number };
          error.responseCode = sink.refuse.code;
          return callback(error);
        }
        sink.received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
          params: {
            body: session.envelope.bodyType ?? '7bit',
            smtpUtf8: session.envelope.smtpUtf8 === true,
          },
        });
        callback(null);
      });
    },
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.server.address();
      if (typeof address !== 'object' || !address) return reject(new Error('no address'));
      sink.port = address.port;
      sink.url = `smtp://127.0.0.1:${address.port}`;
      sink.close = () => new Promise<void>((done) => server.close(() => done()));
      resolve(sink);
    });
  });
}
