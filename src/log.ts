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
  // line of a shutdown) must reach the terminal or the collector.
  if (format === 'pretty') {
    return pino(settings, pretty({ colorize: process.stdout.isTTY === true, sync: true, destination: 1, ignore: 'pid', translateTime: 'SYS:HH:MM:ss.l', singleLine: true }));
  }
  return pino(settings, new TurnBatchedLines(pino.destination({ dest: 1, sync: true })));
}

/** Lines held before a turn's write is forced out at once (a burst of errors, a debug flood). */
const MAX_PENDING_CHARS = 64 * 1024;

/**
 * JSON lines for stdout, written together once per turn of the event loop: the lines logged
 * while a turn runs (a request line per call answered in it) are joined and written in one
 * synchronous write when the turn ends (setImmediate), rather than one write(2) each. The
 * write stays synchronous, so there is never a write in flight to lose or reorder: what is
 * still pending when the process exits (process.exit on a fatal path, an uncaught exception)
 * is written by the 'exit' handler, and a line logged before exit is on stdout after it.
 * What a kill -9 takes is at most the current turn's lines.
 */
class TurnBatchedLines {
  private pending: string[] = [];
  private chars = 0;
  private scheduled = false;

  constructor(private readonly sink: { write(text: string): boolean }) {
    PENDING_AT_EXIT.add(this);
    if (PENDING_AT_EXIT.size === 1) process.on('exit', flushAllAtExit);
  }

  write(line: string): boolean {
    this.pending.push(line);
    this.chars += line.length;
    if (this.chars >= MAX_PENDING_CHARS) this.flushSync();
    else if (!this.scheduled) {
      this.scheduled = true;
      // unref: a pending line never keeps the process alive; 'exit' writes it.
      setImmediate(this.flushAtTurnEnd).unref();
    }
    return true;
  }

  /** pino's logger.flush(). */
  flush(cb?: (err?: Error) => void): void {
    this.flushSync();
    cb?.();
  }

  flushSync(): void {
    if (this.pending.length === 0) return;
    const text = this.pending.length === 1 ? (this.pending[0] as string) : this.pending.join('');
    this.pending = [];
    this.chars = 0;
    this.sink.write(text);
  }

  private readonly flushAtTurnEnd = (): void => {
    this.scheduled = false;
    this.flushSync();
  };
}

const PENDING_AT_EXIT = new Set<TurnBatchedLines>();

function flushAllAtExit(): void {
  for (const lines of PENDING_AT_EXIT) lines.flushSync();
}

/** A logger that writes nothing (unit tests, tools embedding the server). */
export const silentLogger: Logger = pino({ level: 'silent' });

/** An error as one log field: name, message and stack, never its enumerable payload. */
export function errorField(err: unknown): { name: string; message: string; stack?: string } {
  if (err instanceof Error) return { name: err.name, message: err.message, ...(err.stack !== undefined ? { stack: err.stack } : {}) };
  return { name: 'Error', message: String(err) };
}
