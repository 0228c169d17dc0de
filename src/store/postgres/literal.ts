/**
 * SQL literals for the statements a transaction sends together in one round trip.
 *
 * node-postgres sends one statement per round trip and waits for its answer before the next
 * (it does not pipeline), and a statement with parameters must go alone. A transaction's
 * writes whose answer nobody reads (operations.ts defers them) therefore travel as literals,
 * several statements in one simple-protocol query ahead of the next statement that must be
 * answered, or of the COMMIT. A literal here is exactly the text node-postgres would have sent
 * as the parameter's value, quoted as a constant of unknown type, so PostgreSQL resolves its
 * type from the context as it resolves an untyped parameter's; the statements run in the
 * order they were issued, as before, only without a round trip each.
 */

/** `sql` with each `$n` replaced by the literal of `params[n-1]` (one pass: values are not rescanned). */
export function inline(sql: string, params: readonly unknown[]): string {
  if (params.length === 0) return sql;
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const i = Number(n) - 1;
    if (i < 0 || i >= params.length) throw new Error(`no parameter $${n} for ${sql}`);
    return literal(params[i]);
  });
}

/** A quoted constant of unknown type holding the value's text, or NULL. */
export function literal(value: unknown): string {
  const text = valueText(value);
  return text === null ? 'NULL' : quote(text);
}

/** What node-postgres sends for a parameter (its prepareValue) for the types this store uses. */
function valueText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return arrayText(value);
  throw new Error(`no SQL literal for ${typeof value}`);
}

/** A PostgreSQL array's text: every element double-quoted (\ and " escaped), NULL bare. */
function arrayText(values: readonly unknown[]): string {
  const items = values.map((v) => {
    if (Array.isArray(v)) return arrayText(v);
    const text = valueText(v);
    return text === null ? 'NULL' : `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  });
  return `{${items.join(',')}}`;
}

/**
 * An escape-string constant (E'...'): ' and \ doubled. Its meaning does not depend on
 * standard_conforming_strings.
 */
function quote(text: string): string {
  return `E'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
