/**
 * Target backlog-per-instance (BPI) arithmetic for the target-setter Lambda, shared with tests and tools.
 *
 * Pure: no AWS SDK, no environment. The target tracking policy keeps
 *   (visible messages) / (running tasks) ≈ target,
 * so a task with `concurrency` slots that spends `duration` seconds per message drains `target` messages in
 * `target × duration / concurrency` seconds; setting that equal to the desired latency gives
 *   target = concurrency × desiredLatency / duration.
 */

/** One GetMetricData period of the app metric: its Sum and SampleCount statistics. */
export interface MetricDatapoint {
  sum: number;
  sampleCount: number;
}

/**
 * The true mean over all samples in the window: Σsum / Σcount (periods weighted by how many messages they saw,
 * unlike a mean of per-period averages). Periods with a non-finite or non-positive count, or a non-finite sum,
 * are skipped. Returns undefined when no samples remain.
 */
export function weightedMeanDuration(points: readonly MetricDatapoint[]): number | undefined {
  let sum = 0;
  let count = 0;
  for (const p of points) {
    if (!Number.isFinite(p.sum) || !Number.isFinite(p.sampleCount) || p.sampleCount <= 0) continue;
    sum += p.sum;
    count += p.sampleCount;
  }
  return count > 0 ? sum / count : undefined;
}

/**
 * Lowest target by default. Below 1 message per task the policy would ask for more tasks than there are
 * messages, which adds cost without lowering latency.
 */
export const DEFAULT_MIN_TARGET = 1;
/** Highest target by default: a sane ceiling when durations are tiny (1 ms at 60 s latency would give 60,000). */
export const DEFAULT_MAX_TARGET = 10_000;

export interface TargetBpiOptions {
  /** Longest time a message should wait in the queue, in seconds. Must be > 0. */
  desiredLatencySeconds: number;
  /** Duration assumed when the metric has no usable data, in seconds. Must be > 0. */
  defaultDurationSeconds: number;
  /** Messages one task processes at the same time. Must be > 0. */
  concurrency: number;
  /** Lower clamp of the target. Default {@link DEFAULT_MIN_TARGET} (1). Must be > 0. */
  minTarget?: number;
  /** Upper clamp of the target. Default {@link DEFAULT_MAX_TARGET} (10,000). Must be ≥ minTarget. */
  maxTarget?: number;
}

export interface TargetBpi {
  /** The clamped target value, always finite and > 0. */
  target: number;
  /** The duration the target was computed from. */
  durationSeconds: number;
  /** Whether the duration came from the metric or is the configured default. */
  source: "metric" | "default";
}

function requirePositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a finite number > 0, got ${value}`);
  }
}

/**
 * target = concurrency × desiredLatency / duration, clamped to [minTarget, maxTarget].
 * Uses the default duration when the mean is undefined, 0, negative or not finite. Throws RangeError on
 * invalid options (naming the option and the value) rather than returning a target that would break scaling.
 */
export function computeTargetBpi(meanDurationSeconds: number | undefined, options: TargetBpiOptions): TargetBpi {
  const minTarget = options.minTarget ?? DEFAULT_MIN_TARGET;
  const maxTarget = options.maxTarget ?? DEFAULT_MAX_TARGET;
  requirePositive("desiredLatencySeconds", options.desiredLatencySeconds);
  requirePositive("defaultDurationSeconds", options.defaultDurationSeconds);
  requirePositive("concurrency", options.concurrency);
  requirePositive("minTarget", minTarget);
  requirePositive("maxTarget", maxTarget);
  if (maxTarget < minTarget) {
    throw new RangeError(`maxTarget must be >= minTarget (${minTarget}), got ${maxTarget}`);
  }

  const fromMetric = meanDurationSeconds !== undefined && Number.isFinite(meanDurationSeconds) && meanDurationSeconds > 0;
  const durationSeconds = fromMetric ? meanDurationSeconds : options.defaultDurationSeconds;
  const raw = (options.concurrency * options.desiredLatencySeconds) / durationSeconds;
  // raw is Infinity when a denormal duration underflows the division; the clamp maps it to maxTarget.
  const target = Math.min(maxTarget, Math.max(minTarget, raw));
  return { target, durationSeconds, source: fromMetric ? "metric" : "default" };
}

/** Default relative change below which the policy is left alone (5 %). */
export const DEFAULT_UPDATE_THRESHOLD = 0.05;

/**
 * Whether the policy's target should be rewritten: true when there is no usable current value (undefined, 0 or
 * not finite) or when |next − current| / current ≥ threshold.
 */
export function needsUpdate(current: number | undefined, next: number, threshold: number = DEFAULT_UPDATE_THRESHOLD): boolean {
  if (current === undefined || !Number.isFinite(current) || current === 0) return true;
  // The epsilon keeps a change of exactly the threshold (12 -> 12.6 at 5 %) from losing to float rounding.
  return Math.abs(next - current) / Math.abs(current) >= threshold - 1e-12;
}
