/**
 * Markdown tables laid out exactly as Prettier lays them out (padded cells, delimiter row as wide
 * as the column), so the generated BENCHMARKS.md passes `prettier --check` as written.
 */

export type Align = 'left' | 'right';

export interface Column {
  header: string;
  align?: Align;
}

/** Display width of a cell: one per code point (the tables hold no wide or combining characters). */
function width(text: string): number {
  return [...text].length;
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function pad(text: string, to: number, align: Align): string {
  const fill = ' '.repeat(Math.max(0, to - width(text)));
  return align === 'right' ? fill + text : text + fill;
}

/** The lines of a Markdown table. */
export function markdownTable(columns: readonly Column[], rows: ReadonlyArray<readonly string[]>): string[] {
  const cells = rows.map((row) => columns.map((_, index) => escapeCell(row[index] ?? '')));
  const headers = columns.map((column) => escapeCell(column.header));
  const widths = columns.map((_, index) =>
    Math.max(3, width(headers[index]!), ...cells.map((row) => width(row[index]!))),
  );
  const line = (values: readonly string[], aligns: readonly Align[]) =>
    `| ${values.map((value, index) => pad(value, widths[index]!, aligns[index]!)).join(' | ')} |`;
  const aligns = columns.map((column) => column.align ?? 'left');
  const delimiter = `| ${widths
    .map((columnWidth, index) =>
      aligns[index] === 'right' ? `${'-'.repeat(columnWidth - 1)}:` : '-'.repeat(columnWidth),
    )
    .join(' | ')} |`;
  return [line(headers, aligns), delimiter, ...cells.map((row) => line(row, aligns))];
}
