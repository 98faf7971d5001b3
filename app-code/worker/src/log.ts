/** The logging surface the worker uses; Powertools' Logger satisfies it, tests pass a silent or recording one. */
export interface Log {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

const LEVELS = ["debug", "info", "warn", "error"] as const;

/**
 * `log` with `fields` added to every line, and calls that never throw: the worker logs from its error paths, and a
 * logger that throws there (a processor's unserialisable extra, a full pipe) must not take a message or the loop
 * down with it.
 */
export function safeLog(log: Log, fields: Record<string, unknown> = {}): Log {
  const wrap = (level: (typeof LEVELS)[number]) => (message: string, ...extra: Record<string, unknown>[]) => {
    try {
      log[level](message, ...(Object.keys(fields).length ? [fields, ...extra] : extra));
    } catch {
      // Nothing sensible left to do with a log line that cannot be written.
    }
  };
  return { debug: wrap("debug"), info: wrap("info"), warn: wrap("warn"), error: wrap("error") };
}
