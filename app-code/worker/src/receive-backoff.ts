/**
 * Backoff between failed receives, whatever the error (refused, reset, timed out, throttled, access denied):
 * exponential with full jitter (a random delay up to min(cap, base × 2^(n-1)) after the n-th failure in a row),
 * reset by the first success. sqs-consumer pauses only after its own short list of errors and otherwise polls again
 * at once, which made three workers log 730 lines in an 8 s outage (issue 14).
 *
 * The cap is small on purpose: it is also how long a worker may take to notice that the endpoint is back, and a
 * worker should resume within a second or two. At the cap a worker makes about one receive a second (each with the
 * SDK's own retries), not forty.
 *
 * Logging: one line when receives start failing, one when they succeed again, and while failing a summary every
 * `summarySeconds` instead of a line per attempt.
 */
import { errorText } from "../../shared/preview";
import { Log } from "./log";

export interface ReceiveBackoffOptions {
  log: Log;
  /** Default 100 ms. */
  baseMs?: number;
  /** Default 2,000 ms. */
  maxMs?: number;
  /** Default 30 s. */
  summarySeconds?: number;
  random?: () => number;
  now?: () => number;
}

export const RECEIVE_BACKOFF_MAX_MS = 2000;

/** Distinct error kinds counted per outage; more are folded into "other". */
const MAX_ERROR_KINDS = 5;

export class ReceiveBackoff {
  /** Failures in a row (0 while receives succeed). */
  failures = 0;
  /** Delay before the next receive, ms. */
  delayMs = 0;
  private since = 0;
  private lastSummaryAt = 0;
  private sinceSummary = 0;
  private lastError = "";
  private kinds = new Map<string, number>();

  constructor(private readonly options: ReceiveBackoffOptions) {}

  get failing(): boolean {
    return this.failures > 0;
  }

  /** A receive failed: sets and returns the delay before the next one. */
  failure(err: unknown): number {
    const now = this.now();
    const { log, baseMs = 100, maxMs = RECEIVE_BACKOFF_MAX_MS, summarySeconds = 30, random = Math.random } = this.options;
    this.failures++;
    this.sinceSummary++;
    this.lastError = errorText(err, 300);
    const kind = errorKind(err);
    const key = this.kinds.has(kind) || this.kinds.size < MAX_ERROR_KINDS ? kind : "other";
    this.kinds.set(key, (this.kinds.get(key) ?? 0) + 1);
    this.delayMs = Math.round(random() * Math.min(maxMs, baseMs * 2 ** Math.min(this.failures - 1, 30)));
    if (this.failures === 1) {
      this.since = now;
      this.lastSummaryAt = now;
      this.sinceSummary = 0;
      log.warn("SQS receive failing; retrying with backoff", { error: this.lastError, maxDelayMs: maxMs });
    } else if (now - this.lastSummaryAt >= summarySeconds * 1000) {
      log.warn("SQS receive still failing", {
        failedReceives: this.failures,
        sinceSeconds: Math.round((now - this.since) / 1000),
        inLastPeriod: this.sinceSummary,
        errors: Object.fromEntries(this.kinds),
        lastError: this.lastError,
      });
      this.lastSummaryAt = now;
      this.sinceSummary = 0;
    }
    return this.delayMs;
  }

  /** A receive succeeded: back to no delay, with one line if it had been failing. */
  success(): void {
    if (this.failures === 0) return;
    this.options.log.info("SQS receive recovered", {
      failedReceives: this.failures,
      outageSeconds: Math.round((this.now() - this.since) / 100) / 10,
      errors: Object.fromEntries(this.kinds),
    });
    this.failures = 0;
    this.delayMs = 0;
    this.kinds.clear();
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

/**
 * A short class of an error for the counts: the first specific code or name (ECONNREFUSED, TimeoutError,
 * AccessDenied …) of the error sqs-consumer hands over or of the SDK error it wraps.
 */
function errorKind(err: unknown): string {
  try {
    const e = err as { code?: unknown; name?: unknown; cause?: { code?: unknown; name?: unknown } };
    for (const kind of [e?.cause?.code, e?.code, e?.cause?.name, e?.name]) {
      if (typeof kind === "string" && kind.length > 0 && kind !== "Error" && kind !== "SQSError") return kind.slice(0, 60);
    }
    // The SDK's retry wraps a socket error that is not an `instanceof Error` of its realm into a message-only
    // error ("AWS SDK error wrapper for Error: connect ECONNREFUSED …"); the system code survives in the text.
    const code = /\b(E[A-Z]{4,})\b/.exec(String((err as { message?: unknown })?.message ?? ""));
    if (code) return code[1];
  } catch {
    // A hostile getter: no kind.
  }
  return "Error";
}
