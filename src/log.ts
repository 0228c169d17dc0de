/**
 * The server's logger: pino, one JSON object per line on stdout (or pino-pretty's coloured
 * lines for a person at a terminal). Every part that logs takes a `Logger`; tests and tools
 * that want silence pass `silentLogger`.
 *
 * What never goes into a line: credentials, task tokens, Authorization headers, and the
 * input or result of a call (they may hold a customer's data). The `redact` list is a
 * second guard for a field someone adds by mistake; the first is that no caller passes them.
 */
import { pino, type Logger as PinoLogger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';

export type Logger = PinoLogger;

export type LogFormat = 'json' | 'pretty';

export const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export const isLogLevel = (value: string): value is LevelWithSilent => (LOG_LEVELS as readonly string[]).includes(value);

export interface LoggerOptions {
  /** Default: pretty when stdout is a terminal, JSON otherwise. */
  format?: LogFormat;
  level?: LevelWithSilent;
}

const REDACT = ['authorization', 'password', 'secretAccessKey', 'sessionToken', 'taskToken', 'input', 'result', 'details', '*.authorization', '*.password', '*.taskToken'];

export function createLogger(options: LoggerOptions = {}): Logger {
  const format = options.format ?? (process.stdout.isTTY ? 'pretty' : 'json');
  const settings = {
    level: options.level ?? 'info',
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Level names, not numbers: what operators grep for.
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: REDACT, censor: '[redacted]' },
  };
  // Synchronous writes: a line logged just before exit (a fatal start-up error, the last
  // line of a shutdown) must reach the terminal or the collector, and a write per request
  // costs microseconds next to the request's fsync.
  if (format === 'pretty') {
    return pino(settings, pretty({ colorize: process.stdout.isTTY === true, sync: true, destination: 1, ignore: 'pid', translateTime: 'SYS:HH:MM:ss.l', singleLine: true }));
  }
  return pino(settings, pino.destination({ dest: 1, sync: true }));
}

/** A logger that writes nothing (unit tests, tools embedding the server). */
export const silentLogger: Logger = pino({ level: 'silent' });

/** An error as one log field: name, message and stack, never its enumerable payload. */
export function errorField(err: unknown): { name: string; message: string; stack?: string } {
  if (err instanceof Error) return { name: err.name, message: err.message, ...(err.stack !== undefined ? { stack: err.stack } : {}) };
  return { name: 'Error', message: String(err) };
}
