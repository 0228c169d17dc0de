/** How the console writes times, durations and payloads. Times are shown in UTC, as the server logs them. */

/** Epoch seconds (as SWF sends them) → "2026-12-01 08:03:25.123". */
export function formatTime(epochSeconds: number | undefined): string {
  if (epochSeconds === undefined) return '—';
  const iso = new Date(epochSeconds * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

/** Seconds → "350 ms", "42 s", "3 m 20 s", "2 h 5 m", "3 d 4 h". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const sign = seconds < 0 ? '-' : '';
  const s = Math.abs(seconds);
  if (s < 1) return `${sign}${Math.round(s * 1000)} ms`;
  if (s < 60) return `${sign}${Number.isInteger(s) ? s : s.toFixed(1)} s`;
  const parts: string[] = [];
  let rest = Math.round(s);
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n} ${unit}`);
    if (parts.length === 2) break;
  }
  return sign + parts.join(' ');
}

/** An SWF duration string ("300", "NONE") for display. */
export function formatSwfDuration(value: string | undefined): string {
  if (value === undefined) return '—';
  if (value === 'NONE') return 'none';
  const n = Number(value);
  return Number.isFinite(n) ? `${formatDuration(n)} (${value})` : value;
}

/** "90s", "15m", "1h30m", "2d", "45" (seconds) → seconds; undefined when not a duration. */
export function parseDuration(text: string): number | undefined {
  const t = text.replace(/\s+/g, '').toLowerCase();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d|w))+$/.test(t)) return undefined;
  const sizes: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let total = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) total += Number(m[1]) * (sizes[m[2] ?? 's'] ?? 1);
  return total;
}

/** A payload (input, result, details) shown as-is, or pretty-printed when it is JSON. */
export function prettyPayload(text: string): string {
  const t = text.trim();
  if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
    try {
      return JSON.stringify(JSON.parse(t), null, 2);
    } catch {
      return text;
    }
  }
  return text;
}

/** A one-line shortening for tables. */
export function truncate(text: string, max = 80): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** "<datetime-local value>" (read as UTC) → epoch seconds; undefined when empty or bad. */
export function parseUtcInput(value: string): number | undefined {
  if (value.trim() === '') return undefined;
  const ms = Date.parse(`${value.length === 16 ? `${value}:00` : value}Z`);
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}

/** Epoch seconds → a datetime-local value in UTC. */
export function toUtcInput(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 19);
}

/** Copies text; falls back to a hidden textarea where the Clipboard API is unavailable (plain HTTP). */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard !== undefined && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the old way
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}
