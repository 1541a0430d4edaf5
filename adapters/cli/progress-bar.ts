/**
 * `[########------------]  40%`: a progress bar as plain text, one per progress line,
 * so it reads the same in a terminal, a log file or a systemd journal.
 */
export function progressBar(done: number, total: number, width = 20): string {
  const share = total === 0 ? 1 : Math.min(done / total, 1);
  // Floored, like the percentage: the bar is full only when the work is done.
  const filled = Math.floor(share * width);
  const percent = `${Math.floor(share * 100)}%`.padStart(4);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent}`;
}
