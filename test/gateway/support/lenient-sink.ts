import { createServer, type Socket } from 'node:net';

/**
 * A deliberately careless SMTP server, like the ones SMTP smuggling exploits: it
 * ends DATA at any of `<LF>.<LF>`, `<CR><LF>.<LF>`, `<LF>.<CR><LF>`, `<CR>.<CR>`,
 * `<CR>.<LF>`... (any line break, a dot, any line break), and reads whatever follows
 * as new commands. A gateway that passes smuggling bytes on makes it see two mails.
 */
export type LenientSink = {
  port: number;
  url: string;
  /** The DATA of each mail it believes it received, as sent on the wire. */
  messages: Buffer[];
  close(): Promise<void>;
};

const END = /(\r\n|\n|\r)\.(\r\n|\n|\r)/;

function serve(socket: Socket, messages: Buffer[]): void {
  let buffer = '';
  let inData = false;
  const reply = (line: string) => socket.write(`${line}\r\n`);
  reply('220 lenient.test ESMTP');
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    for (;;) {
      if (inData) {
        // The DATA starts right after the 354, so a dot on the first line counts too.
        const match = END.exec(`\n${buffer}`);
        if (!match) return;
        const end = match.index - 1 + match[0].length;
        messages.push(Buffer.from(buffer.slice(0, Math.max(match.index - 1, 0)), 'latin1'));
        buffer = buffer.slice(end);
        inData = false;
        reply('250 2.0.0 queued');
        continue;
      }
      const newline = buffer.search(/\r?\n|\r/);
      if (newline === -1) return;
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline).replace(/^(\r\n|\n|\r)/, '');
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'EHLO') reply('250-lenient.test\r\n250 PIPELINING');
      else if (verb === 'HELO') reply('250 lenient.test');
      else if (verb === 'DATA') {
        inData = true;
        reply('354 go ahead');
      } else if (verb === 'QUIT') {
        reply('221 bye');
        socket.end();
        return;
      } else if (line.trim() === '') continue;
      else reply('250 2.0.0 ok');
    }
  });
  socket.on('error', () => {});
}

/** Starts the careless server on a free loopback port. */
export function startLenientSink(): Promise<LenientSink> {
  const messages: Buffer[] = [];
  const server = createServer((socket) => serve(socket, messages));
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        port,
        url: `smtp://127.0.0.1:${port}`,
        messages,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            setTimeout(done, 200);
          }),
      });
    });
  });
}
