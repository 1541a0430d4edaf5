import { connect, type Socket } from 'node:net';

/** One SMTP reply: its code and its text lines. */
export type Reply = { code: number; lines: string[] };

/**
 * A hand-driven SMTP client on a raw socket, for conversations a real client would
 * never have: smuggling payloads, bare line endings, broken MIME, bad sequences.
 */
export type RawClient = {
  /** The greeting. */
  greeting: Reply;
  /** Writes `data` as given (no line ending added). */
  write(data: string | Buffer): void;
  /** Waits for the next complete reply. */
  reply(timeoutMs?: number): Promise<Reply>;
  /** Writes `line` + CRLF and waits for its reply. */
  command(line: string): Promise<Reply>;
  /** Resolves once the server closed the connection. */
  closed: Promise<void>;
  close(): void;
};

/** Connects to 127.0.0.1:`port` and reads the greeting. */
export function rawClient(port: number): Promise<RawClient> {
  const socket: Socket = connect(port, '127.0.0.1');
  let buffer = '';
  const replies: Reply[] = [];
  const waiting: Array<(reply: Reply) => void> = [];
  let current: string[] = [];
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    for (;;) {
      const at = buffer.indexOf('\r\n');
      if (at === -1) break;
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      current.push(line.slice(4));
      if (line[3] !== '-') {
        const reply = { code: Number(line.slice(0, 3)), lines: current };
        current = [];
        const next = waiting.shift();
        if (next) next(reply);
        else replies.push(reply);
      }
    }
  });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const reply = (timeoutMs = 10_000) =>
    new Promise<Reply>((resolve, reject) => {
      const ready = replies.shift();
      if (ready) return resolve(ready);
      const timer = setTimeout(() => reject(new Error('no SMTP reply in time')), timeoutMs);
      waiting.push((r) => {
        clearTimeout(timer);
        resolve(r);
      });
      closed.then(() => reject(new Error('the server closed the connection')));
    });
  return reply().then((greeting) => ({
    greeting,
    write: (data) => socket.write(data),
    reply,
    command(line) {
      socket.write(`${line}\r\n`);
      return reply();
    },
    closed,
    close: () => socket.destroy(),
  }));
}
