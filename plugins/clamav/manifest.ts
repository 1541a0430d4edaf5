import type { Scanner } from '../../core/gateway/ports.ts';
import { type ClamdOptions, clamdScanner } from './clamd-scanner.ts';

/**
 * The ClamAV plugin: a Scanner behind core's Scanner port. It loads only when
 * `CLAMD_SOCKET` (a Unix socket path) or `CLAMD_HOST` and `CLAMD_PORT` are configured.
 */
export const clamavPlugin = {
  name: 'clamav',
  hook: 'scanner' as const,
  order: 100,
  /** The scanner, or null when clamd is not configured (the plugin does not load). */
  create(settings: ClamdOptions): Scanner | null {
    if (!settings.socketPath && !settings.host) return null;
    return clamdScanner(settings);
  },
};
