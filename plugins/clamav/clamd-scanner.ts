import { connect, type Socket } from 'node:net';
import type { Scanner, ScanResult } from '../../core/gateway/ports.ts';
import { ConfigurationError, TemporaryFailure } from '../../core/shared/errors.ts';

/** Where clamd listens: a TCP address or a Unix socket path. */
export type ClamdOptions = {
  host?: string;
  port?: number;
  socketPath?: string;
  timeoutMs?: number;
};

// clamd's INSTREAM chunks: big enough to be efficient, small enough to stay flat in memory.
const CHUNK = 64 * 1024;

/**
 * A Scanner on ClamAV's daemon, speaking INSTREAM: the bytes go to clamd in
 * length-prefixed chunks as they arrive, so a large upload is never held whole.
 * clamd being down is a TemporaryFailure: uploads are refused, never let through.
 */
export function clamdScanner(options: ClamdOptions): Scanner {
  const { host, port, socketPath } = options;
  if (!socketPath && !(host && port && Number.isInteger(port) && port > 0 && port < 65536)) {
    throw new ConfigurationError(
      'clamd needs either socketPath, or host and a port from 1 to 65535.',
    );
  }
  const timeoutMs = options.timeoutMs ?? 60_000;
  return {
    name: 'clamd',
    async scan({ content }) {
      const socket = socketPath
        ? connect({ path: socketPath })
        : connect({ host: host as string, port: port as number });
      socket.setTimeout(timeoutMs);
      const reply = collectReply(socket);
      // Observed here so a refused connection is not also an unhandled rejection.
      reply.catch(() => {});
      // clamd answers early and closes when a stream goes over its limit; writing on
      // after that only races the answer against a broken pipe.
      let answered = false;
      socket.once('data', () => {
        answered = true;
      });
      await once(socket, 'connect');
      await write(socket, Buffer.from('zINSTREAM\0'));
      const reader = content.getReader();
      // Set when the file itself broke (an upload cut off), not the connection to clamd.
      let contentFailed = false;
      try {
        for (;;) {
          const { done, value } = await reader.read().catch((error: unknown) => {
            contentFailed = true;
            throw error;
          });
          if (done) break;
          for (let offset = 0; offset < value.byteLength && !answered; offset += CHUNK) {
            const part = value.subarray(offset, offset + CHUNK);
            const header = Buffer.alloc(4);
            header.writeUInt32BE(part.byteLength);
            await write(socket, header);
            await write(socket, part);
          }
          if (answered) break;
        }
        if (answered) await reader.cancel().catch(() => {});
        else await write(socket, Buffer.alloc(4));
      } catch (error) {
        await reader.cancel().catch(() => {});
        if (contentFailed) {
          // No verdict can come from half a file, and clamd would wait for the rest until
          // the timeout: drop the connection and fail now, with the stream's own error.
          socket.destroy();
          throw error;
        }
        // clamd closes the socket early when the stream is over its limit; its reply says
        // so. The reply settles when the socket closes, so wait for it before destroying
        // the socket, which would drop an answer still being read.
        const text = await reply.catch(() => null);
        socket.destroy();
        if (text) return parseReply(text);
        throw error instanceof TemporaryFailure
          ? error
          : new TemporaryFailure('The virus scanner is not available.', error);
      }
      return parseReply(await reply);
    },
  };
}

/** Reads clamd's NUL-terminated reply, or fails as a TemporaryFailure. */
function collectReply(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    socket.on('data', (d) => {
      text += d.toString('utf8');
      if (text.includes('\0')) {
        socket.end();
        resolve(text.slice(0, text.indexOf('\0')));
      }
    });
    socket.on('timeout', () => {
      socket.destroy();
      reject(new TemporaryFailure('The virus scanner did not answer in time.'));
    });
    socket.on('error', (error) => {
      // A broken pipe after clamd has answered (it closes on a stream over its limit)
      // still leaves the answer it sent.
      if (text) resolve(text.includes('\0') ? text.slice(0, text.indexOf('\0')) : text);
      else reject(new TemporaryFailure('The virus scanner is not available.', error));
    });
    socket.on('close', () => {
      if (!text.includes('\0')) {
        if (text) resolve(text);
        else
          reject(
            new TemporaryFailure('The virus scanner closed the connection without an answer.'),
          );
      }
    });
  });
}

/** `stream: OK`, `stream: <name> FOUND`, or an error line. */
export function parseReply(text: string): ScanResult {
  const line = text.trim();
  if (line.endsWith('OK')) return { clean: true };
  const found = /^stream: (.+) FOUND$/.exec(line);
  if (found?.[1]) return { clean: false, threat: found[1] };
  if (/size limit exceeded/i.test(line)) return { clean: false, threat: 'File too large to scan' };
  throw new TemporaryFailure(`The virus scanner could not scan the file (${line.slice(0, 100)}).`);
}

function once(socket: Socket, event: 'connect'): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once(event, () => resolve());
    socket.once('error', (error) =>
      reject(new TemporaryFailure('The virus scanner is not available.', error)),
    );
  });
}

function write(socket: Socket, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.destroyed)
      return reject(new TemporaryFailure('The virus scanner closed the connection.'));
    socket.write(bytes, (error) => (error ? reject(error) : resolve()));
  });
}
