import { ConfigError, Env, readNumber, requireString } from "../shared/env";

/** Everything the producer service reads from its environment (the task definition sets these). */
export interface ProducerServiceConfig {
  queueUrl: string;
  /** Wait between two messages: uniform in [min, max] seconds; whole seconds when both are integers. Defaults 10, 60. */
  gapMinSeconds: number;
  gapMaxSeconds: number;
  /** First retry delay after a failed send, doubled per attempt. Default 1000 ms. */
  retryBaseMs: number;
  /** Longest retry delay (the cap of the doubling). Default 60000 ms. */
  retryMaxMs: number;
}

export function loadProducerServiceConfig(env: Env): ProducerServiceConfig {
  const gapMinSeconds = readNumber(env, "GAP_MIN_SECONDS", { default: 10, min: 0, max: 86_400 });
  const gapMaxSeconds = readNumber(env, "GAP_MAX_SECONDS", { default: 60, min: 0, max: 86_400 });
  if (gapMaxSeconds < gapMinSeconds) {
    throw new ConfigError(`GAP_MAX_SECONDS=${gapMaxSeconds} is invalid: expected at least GAP_MIN_SECONDS (${gapMinSeconds})`);
  }
  const retryBaseMs = readNumber(env, "RETRY_BASE_MS", { default: 1000, min: 1, max: 600_000 });
  const retryMaxMs = readNumber(env, "RETRY_MAX_MS", { default: 60_000, min: 1, max: 3_600_000 });
  if (retryMaxMs < retryBaseMs) {
    throw new ConfigError(`RETRY_MAX_MS=${retryMaxMs} is invalid: expected at least RETRY_BASE_MS (${retryBaseMs})`);
  }
  return { queueUrl: requireString(env, "QUEUE_URL"), gapMinSeconds, gapMaxSeconds, retryBaseMs, retryMaxMs };
}

/**
 * The wait before the next message, in seconds: with whole-second bounds an integer in [min, max], both ends
 * included (the source's `random.randint(10, 60)`, mean 35 s); otherwise uniform in [min, max].
 */
export function gapSeconds(min: number, max: number, random: () => number = Math.random): number {
  if (Number.isInteger(min) && Number.isInteger(max)) return min + Math.min(max - min, Math.floor(random() * (max - min + 1)));
  return min + random() * (max - min);
}

/** Capped exponential backoff with jitter: attempt n (1-based) waits between half and all of min(max, base × 2^(n-1)). */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
