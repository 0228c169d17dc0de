/** What the operator commands print: aligned tables, key/value blocks, JSON, ANSI colours. */

/** Colours only for a terminal, and never when NO_COLOR is set (no-color.org); FORCE_COLOR forces them. */
export function useColour(stream: NodeJS.WriteStream = process.stdout): boolean {
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, grey: 90, bold: 1 } as const;
export type Colour = keyof typeof CODES;

export function paint(text: string, colour: Colour | undefined, enabled: boolean): string {
  if (!enabled || colour === undefined) return text;
  return `\u001b[${CODES[colour]}m${text}\u001b[0m`;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Columns padded to their widest cell; an empty list prints a note instead of bare headers. */
export function printTable(headers: readonly string[], rows: readonly (readonly string[])[], empty = '(none)'): void {
  if (rows.length === 0) {
    process.stdout.write(`${empty}\n`);
    return;
  }
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  process.stdout.write(`${[line(headers), ...rows.map(line)].join('\n')}\n`);
}

/** `key: value` lines, keys aligned; undefined values are left out. */
export function printFields(fields: readonly (readonly [string, string | number | undefined])[]): void {
  const shown = fields.filter((f): f is readonly [string, string | number] => f[1] !== undefined);
  const width = Math.max(0, ...shown.map(([k]) => k.length));
  process.stdout.write(`${shown.map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${v}`).join('\n')}\n`);
}

/** A date as the SDK hands it (Date) in the local ISO-like form operators read. */
export function when(date: Date | undefined): string {
  return date === undefined ? '' : date.toISOString().replace('T', ' ').replace('Z', '');
}
