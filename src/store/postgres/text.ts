/**
 * PostgreSQL text cannot hold U+0000, which SWF lets clients put in free text (descriptions,
 * tags) and which a lookup may name. Every string parameter passes through `encodeText` and
 * every string column read back through `decodeText`, so what is stored and found is exactly
 * what the client sent.
 *
 * The encoding is the identity for every string that has no U+0000 and does not begin with
 * MARK (U+FFFF, a Unicode noncharacter), so JSON documents, ids and every ordinary name are
 * stored as they are and existing rows read back unchanged. Any other string is stored as
 * MARK followed by the string with `\` doubled and U+0000 written `\0`: strings of that form
 * always begin with MARK and plain ones never do, so no two strings share a stored form.
 * (A name with U+0000 sorts after the others in SQL; the API sorts names itself.)
 */
const MARK = '\uffff';

export function encodeText(s: string): string {
  if (!s.includes('\u0000') && !s.startsWith(MARK)) return s;
  return MARK + s.replace(/\\/g, '\\\\').replace(/\u0000/g, '\\0');
}

export function decodeText(s: string): string {
  if (!s.startsWith(MARK)) return s;
  return s.slice(1).replace(/\\(\\|0)/g, (_, c: string) => (c === '0' ? '\u0000' : '\\'));
}

/** A query parameter, its strings (and strings in arrays) encoded. */
export function encodeParam(value: unknown): unknown {
  if (typeof value === 'string') return encodeText(value);
  if (Array.isArray(value)) return value.map(encodeParam);
  return value;
}

/** A result row, its string columns decoded (in place). */
export function decodeRow<R extends Record<string, unknown>>(row: R): R {
  for (const key of Object.keys(row)) {
    const v = row[key];
    if (typeof v === 'string' && v.startsWith(MARK)) (row as Record<string, unknown>)[key] = decodeText(v);
  }
  return row;
}
