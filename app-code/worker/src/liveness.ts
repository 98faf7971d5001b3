/**
 * The poll loop's liveness: when it last made progress, written to a heartbeat file for the container health
 * check (shared/heartbeat.ts), and a stall detector inside the worker.
 *
 * Progress is every completed SQS call attempt (success or error: an attempt that fails within its timeout means
 * the loop is alive and retrying) and, while jobs run inside their time limit, the passing of time (a batch of
 * long work makes no SQS call for minutes, and cannot outlive MAX_DURATION_SECONDS + 1 s per job). What is left is
 * what the timeouts cannot catch: a promise that never settles, an event loop that is blocked. Then the heartbeat
 * ages, the health check fails and ECS replaces the task; and the worker itself drops task protection, which a
 * stuck loop must not keep renewed.
 */
import { rename, writeFile } from "node:fs/promises";
import { heartbeatText } from "../../shared/heartbeat";
import { errorText } from "../../shared/preview";
import { Log } from "./log";

export interface LivenessOptions {
  /** Heartbeat file; none written when undefined (tests, local runs that do not check health). */
  file?: string;
  /** Age of the last progress past which the loop counts as stalled. */
  maxAgeSeconds: number;
  log: Log;
  /** True while jobs run inside their time limit. */
  busy: () => boolean;
  /** Called once per stall. */
  onStall: () => void;
  now?: () => number;
}

export class Liveness {
  private lastProgressAt: number;
  private timer?: NodeJS.Timeout;
  private stalled = false;
  private writeFailed = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly options: LivenessOptions) {
    this.lastProgressAt = this.now();
  }

  /** How often the heartbeat is checked and written: a tenth of the bound, at most every 5 s. */
  get intervalMs(): number {
    return Math.min(5000, this.options.maxAgeSeconds * 100);
  }

  get isStalled(): boolean {
    return this.stalled;
  }

  /** The loop made progress. */
  beat(): void {
    this.lastProgressAt = this.now();
    if (this.stalled) {
      this.stalled = false;
      this.options.log.info("poll loop progressing again");
    }
  }

  start(): void {
    this.check();
    this.timer ??= setInterval(() => this.check(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer; the file stays (the process is about to exit). Resolves when the last write is done. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.writing;
  }

  /** One round of the timer: note progress of running jobs, detect a stall, write the heartbeat. */
  check(): Promise<void> {
    const { options } = this;
    if (options.busy()) this.beat();
    const ageSeconds = (this.now() - this.lastProgressAt) / 1000;
    if (ageSeconds > options.maxAgeSeconds && !this.stalled) {
      this.stalled = true;
      options.log.error("poll loop stalled: no SQS call completed in time; the health check fails and task protection is dropped", {
        secondsSinceLastCall: Math.round(ageSeconds),
        maxAgeSeconds: options.maxAgeSeconds,
      });
      options.onStall();
    }
    if (options.file) this.writing = this.writing.then(() => this.write(options.file!));
    return this.writing;
  }

  /** Write then rename, so the health check never reads half a file. */
  private async write(file: string): Promise<void> {
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      await writeFile(tmp, heartbeatText({ lastCallAt: this.lastProgressAt, maxAgeSeconds: this.options.maxAgeSeconds }));
      await rename(tmp, file);
      this.writeFailed = false;
    } catch (err) {
      if (!this.writeFailed) this.options.log.error("cannot write the heartbeat file; the health check will fail", { file, error: errorText(err) });
      this.writeFailed = true;
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
