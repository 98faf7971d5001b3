import { Log } from "./log";

/** The agent accepts ExpiresInMinutes from 1 to 2,880 (48 hours). */
export const MAX_PROTECTION_MINUTES = 2880;

/**
 * A protection lifetime that outlasts the longest batch, since protection is renewed once per batch: up to
 * `concurrency` messages of one FIFO group run one after the other, each up to `maxDurationSeconds`. Twice that
 * (renewal happens past half the lifetime), at least 5 minutes, at most the agent's maximum.
 */
export function protectionMinutesFor(concurrency: number, maxDurationSeconds: number): number {
  return Math.min(MAX_PROTECTION_MINUTES, Math.max(5, Math.ceil((2 * concurrency * maxDurationSeconds) / 60)));
}

export interface TaskProtectionOptions {
  /** `$ECS_AGENT_URI`; undefined disables protection (local runs) without any call. */
  agentUri?: string;
  /** Protection lifetime requested from ECS; renewed when less than half is left. */
  expiresInMinutes: number;
  log: Log;
  /** Per-request timeout. Default 5000 ms. */
  timeoutMs?: number;
  now?: () => number;
}

/**
 * ECS task scale-in protection through the agent endpoint (`PUT $ECS_AGENT_URI/task-protection/v1/state`).
 * On while the worker holds messages, off when a receive comes back empty, so steady load costs no calls.
 * Failures are logged, never thrown: losing protection only risks a redelivery, crashing would lose the work.
 * Calls are serialised so on/off never race.
 */
export class TaskProtection {
  private protectedUntil = 0;
  private queue: Promise<void> = Promise.resolve();
  /** Agent requests made (for the API budget). */
  calls = 0;

  constructor(private readonly options: TaskProtectionOptions) {}

  get enabled(): boolean {
    return this.options.agentUri !== undefined;
  }

  get isProtected(): boolean {
    return this.protectedUntil > this.now();
  }

  /** Turns protection on, or renews it when less than half of its lifetime remains. */
  protect(): Promise<void> {
    return this.enqueue(async () => {
      const halfLife = (this.options.expiresInMinutes * 60_000) / 2;
      if (this.protectedUntil - this.now() > halfLife) return;
      if (await this.put(true)) this.protectedUntil = this.now() + this.options.expiresInMinutes * 60_000;
    });
  }

  /** Turns protection off if it is on. */
  unprotect(): Promise<void> {
    return this.enqueue(async () => {
      if (this.protectedUntil === 0) return;
      if (await this.put(false)) this.protectedUntil = 0;
    });
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    this.queue = this.queue.then(step, step);
    return this.queue;
  }

  private async put(enabled: boolean): Promise<boolean> {
    const body = enabled
      ? { ProtectionEnabled: true, ExpiresInMinutes: this.options.expiresInMinutes }
      : { ProtectionEnabled: false };
    this.calls++;
    try {
      const res = await fetch(`${this.options.agentUri}/task-protection/v1/state`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      const text = await res.text();
      // The agent answers 200 with either `protection` or `failure`/`error`.
      const parsed = safeJson(text);
      if (!res.ok || parsed?.failure || parsed?.error) {
        this.options.log.warn("task protection update failed", { enabled, status: res.status, response: text.slice(0, 500) });
        return false;
      }
      this.options.log.info(enabled ? "task protection on" : "task protection off", { expiresInMinutes: body.ExpiresInMinutes });
      return true;
    } catch (err) {
      this.options.log.warn("task protection update failed", { enabled, error: String(err) });
      return false;
    }
  }
}

function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
