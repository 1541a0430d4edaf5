import type { BenchReport } from './report.ts';

const HEADINGS = ['benchmark', 'figure', 'sealpost', 'peer', 'ratio', 'target', 'met'];

function cell(value: number | null, unit = ''): string {
  if (value === null) return '-';
  return `${value.toLocaleString('en-GB', { maximumFractionDigits: 3 })}${unit ? ` ${unit}` : ''}`;
}

function verdict(met: boolean | null): string {
  return met === null ? '-' : met ? 'meets' : 'MISSES';
}

/**
 * The figures of some reports as a plain-text table, one row per figure; with
 * `targetsOnly`, only the figures that have a target (the summary of meets and misses).
 */
export function formatTable(
  reports: BenchReport[],
  options: { targetsOnly?: boolean } = {},
): string {
  const rows: string[][] = [];
  for (const report of reports) {
    for (const figure of report.figures) {
      if (options.targetsOnly && figure.met === null) continue;
      rows.push([
        report.bench,
        figure.name,
        cell(figure.sealpost, figure.unit),
        cell(figure.peer, figure.peer === null ? '' : figure.unit),
        figure.ratio === null ? '-' : `${cell(figure.ratio)}x`,
        figure.target,
        verdict(figure.met),
      ]);
    }
  }
  const widths = HEADINGS.map((heading, column) =>
    Math.max(heading.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (row: string[]) =>
    row
      .map((text, column) => {
        const width = widths[column] ?? 0;
        // Numbers line up on the right, words on the left.
        return column >= 2 && column <= 4 ? text.padStart(width) : text.padEnd(width);
      })
      .join(' | ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('-|-');
  return [line(HEADINGS), rule, ...rows.map(line)].join('\n');
}
