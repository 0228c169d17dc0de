/**
 * Exit codes of every `openswf` command: 0 success, 1 a failure at run time (the server
 * refused the call, cannot be reached, a file cannot be read), 2 a usage mistake (unknown
 * command or option, a missing or malformed argument).
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A mistake in how the command was called: exit 2. */
export class UsageError extends Error {}

/** A failure already reported (logged) by the command: exit 1 without a second message. */
export class ReportedFailure extends Error {
  constructor(message: string, readonly exitCode: number = EXIT_FAILURE) {
    super(message);
  }
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The network error code behind `err`, looking into the AggregateError Node raises when every address of a host refused. */
export function networkCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNREACHABLE.has(code)) return code;
  const nested = (err as { errors?: unknown } | null)?.errors ?? (err as { cause?: unknown } | null)?.cause;
  if (Array.isArray(nested)) return nested.map(networkCode).find((c) => c !== undefined);
  if (nested !== undefined && nested !== err) return networkCode(nested);
  return undefined;
}

/** One line for the operator: the fault's name and message, or which URL could not be reached. */
export function describeFailure(err: unknown, endpoint: string | undefined): string {
  const code = networkCode(err);
  if (code !== undefined && endpoint !== undefined) {
    const why = code === 'ECONNREFUSED' ? 'connection refused' : code;
    return `cannot reach the OpenSWF server at ${endpoint} (${why}); is \`openswf serve\` running there? Set --endpoint or OPENSWF_ENDPOINT.`;
  }
  if (err instanceof Error) {
    // SDK errors carry the SWF fault name as their name.
    return err.name !== 'Error' ? `${err.name}: ${err.message}` : err.message;
  }
  return String(err);
}
