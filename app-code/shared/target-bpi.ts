/**
 * The scaling formula, in one module for the stack, the target-setter Lambda and the simulator: the metric-math
 * expression the target-tracking policy watches (`scalingMetricMath`), the target the Lambda sets for it
 * (`computeTargetBpi`), and the evaluation of the expression with CloudWatch's arithmetic (`compileMetricMath`),
 * which the simulator runs on the very expression text the stack synthesizes. Pure: no AWS SDK, no environment.
 *
 * Two metrics (`scalingMetric`):
 * - `backlog-per-task` (the blueprint): e1 = m1 / m2, visible messages per running task; target = L × C / D, so a
 *   task with C slots and D seconds per message drains its share of the backlog within the desired latency L.
 *   e1 does not fall in proportion to capacity: it is near 0 whenever there are more tasks than needed, however many
 *   more (AWS asks for a metric that "changes proportionally with capacity": CustomizedMetricSpecification, API
 *   reference), so the policy scales in until the service is short, and only then reacts.
 * - `load-per-task`: e1 = (m3 × L / 60 + max(0, m1 − m3)) / m2, with m3 = NumberOfMessagesSent (Sum per 60 s
 *   period): the messages that arrive within one latency window plus the backlog beyond one minute's arrivals, per
 *   running task; target = u × L × C / D. At e1 = target the service runs (arrival rate × D + excess backlog × D /
 *   L) / (u × C) tasks: the offered load at utilisation u, plus what drains the backlog within L. The numerator
 *   does not depend on the capacity, so e1 is inversely proportional to it, as target tracking assumes.
 * - Next to it, two step policies on the capacity utilisation (`capacityUtilisationMath`, `utilisationStepPolicies`):
 *   burst scale-out on one datapoint, idle scale-in on two; their thresholds need no target value.
 *
 * Checked against AWS's documentation:
 * - Target tracking with metric math (Application Auto Scaling User Guide, "Create a target tracking scaling policy
 *   using metric math"): any CloudWatch metric, "any arithmetic operator (+ - * / ^)"; the expression "must
 *   eventually return a single time series" (e1 is the only query with ReturnData true); the SQS example uses
 *   1-minute periods, m1 ApproximateNumberOfMessagesVisible with Sum and m2 RunningTaskCount with Average, as here.
 *   An alarm on a metric-math expression takes "up to 10 metrics" (CloudWatch User Guide, "Creating a CloudWatch
 *   alarm based on a metric math expression"); the policy creates such alarms and uses 3 metrics, the step alarms 5.
 * - Metric math arithmetic (CloudWatch User Guide, "Metric math syntax and functions"): "Missing values in a time
 *   series are treated as 0. If the value of a data point causes a function to attempt to divide by zero, the data
 *   point is dropped." So with no running task (m2 = 0 or missing) e1 has no datapoint, and a minute without sends
 *   (m3 missing) counts as 0. Only arithmetic and ABS are used: functions such as AVG or MAX behave differently in
 *   alarms ("We recommend that you do not use this function in CloudWatch alarms").
 * - NumberOfMessagesSent (SQS Developer Guide, "Available CloudWatch metrics for Amazon SQS"): "The number of messages
 *   added to a queue", published for standard and FIFO queues alike (for FIFO queues the counts are exact). On a
 *   FIFO queue a send whose deduplication id (with content-based deduplication: the SHA-256 of the body) was seen in
 *   the last 5 minutes is "accepted successfully but [isn't] delivered" (SendMessage, MessageDeduplicationId); SQS
 *   counts those in the separate FIFO metric NumberOfDeduplicatedSentMessages (AWS What's New, July 2024), so m3
 *   counts the messages that will need processing, not the send calls.
 * - ABS (same guide) works per datapoint; max(0, x) = (x + ABS(x)) / 2, as metric math has no two-argument MAX.
 */

/** Scaling metrics the stack can deploy, default first. */
export const SCALING_METRICS = ["load-per-task", "backlog-per-task"] as const;
export type ScalingMetric = (typeof SCALING_METRICS)[number];

/**
 * Default target utilisation of `load-per-task`: the share of the tasks' time the offered load should keep busy.
 * Chosen with the simulator (docs/simulator.md, "Why the defaults").
 */
export const DEFAULT_UTILISATION = 0.9;

/**
 * Which dimensions a query takes: the queue's (QueueName), the service's (ClusterName, ServiceName), or the app
 * metric's (Type, QueueName; its namespace and name are settings, the query carries the blueprint's defaults).
 */
export type MetricScope = "queue" | "service" | "app";

/** One metric of an expression: a MetricStat query with a 60 s period. */
export interface MetricQuery {
  readonly id: string;
  readonly label: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly stat: "Sum" | "Average" | "SampleCount";
  readonly scope: MetricScope;
}

/** Metric math: queries (ReturnData false) and the one returned expression. */
export interface MetricMath {
  readonly queries: readonly MetricQuery[];
  readonly expression: { readonly id: string; readonly label: string; readonly text: string };
}
/** The customized metric of the target-tracking policy. */
export type ScalingMetricMath = MetricMath;

/** Seconds per datapoint of every query: SQS and Container Insights publish 1-minute data. */
export const METRIC_PERIOD_SECONDS = 60;

const VISIBLE: MetricQuery = {
  id: "m1",
  label: "Visible messages in the queue",
  namespace: "AWS/SQS",
  metricName: "ApproximateNumberOfMessagesVisible",
  stat: "Sum",
  scope: "queue",
};
const RUNNING: MetricQuery = {
  id: "m2",
  label: "Running tasks of the service",
  namespace: "ECS/ContainerInsights",
  metricName: "RunningTaskCount",
  stat: "Average",
  scope: "service",
};
const SENT: MetricQuery = {
  id: "m3",
  label: "Messages sent to the queue in the minute",
  namespace: "AWS/SQS",
  metricName: "NumberOfMessagesSent",
  stat: "Sum",
  scope: "queue",
};
const PROCESSED_SECONDS: MetricQuery = {
  id: "m4",
  label: "Seconds of processing the worker reported in the minute",
  namespace: "ECS-SQS-BPI",
  metricName: "MsgProcessingDuration",
  stat: "Sum",
  scope: "app",
};
const PROCESSED_MESSAGES: MetricQuery = {
  id: "m5",
  label: "Messages the worker reported in the minute",
  namespace: "ECS-SQS-BPI",
  metricName: "MsgProcessingDuration",
  stat: "SampleCount",
  scope: "app",
};

/** A number as metric math reads it: plain decimal, no exponent (CloudWatch's grammar has none). */
function literal(n: number): string {
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`metric math literal must be a finite number >= 0, got ${n}`);
  const text = String(n);
  return /e/i.test(text) ? n.toFixed(20).replace(/\.?0+$/, "") : text;
}

/**
 * The messages that must be processed within the next latency window: those arriving in it (m3 × L / 60) plus
 * the backlog beyond one minute's arrivals, max(0, m1 − m3) = (m1 − m3 + ABS(m1 − m3)) / 2 (metric math has no
 * two-argument MAX; ABS is per datapoint). Counting all of m1 would count a batch twice when SQS samples the queue
 * just after a producer's batch arrived (m1 ≈ m3), which made the service 2.2× too large at sample offset 0.
 */
function demandText(desiredLatencySeconds: number): string {
  return `(m3 * ${literal(desiredLatencySeconds)} / ${METRIC_PERIOD_SECONDS} + (m1 - m3 + ABS(m1 - m3)) / 2)`;
}

/** The metric math of `metric`; `desiredLatencySeconds` is a constant of load-per-task's expression (unused by backlog-per-task). */
export function scalingMetricMath(metric: ScalingMetric, desiredLatencySeconds?: number): ScalingMetricMath {
  if (metric === "backlog-per-task") {
    return { queries: [VISIBLE, RUNNING], expression: { id: "e1", label: "Backlog per task", text: "m1 / m2" } };
  }
  if (desiredLatencySeconds === undefined) throw new RangeError("desiredLatencySeconds is required for load-per-task");
  requirePositive("desiredLatencySeconds", desiredLatencySeconds);
  return {
    queries: [VISIBLE, RUNNING, SENT],
    expression: {
      id: "e1",
      label: `Messages to process within ${literal(desiredLatencySeconds)} s, per task`,
      text: `${demandText(desiredLatencySeconds)} / m2`,
    },
  };
}

/**
 * Capacity utilisation of the latency window: the task-seconds the demand needs (demand × mean duration, the
 * duration measured live from the app metric as m4 / m5) over what the running tasks offer in L (m2 × C × L).
 * 1 means the tasks are exactly enough; it needs no target value, so its thresholds never change. No datapoint
 * when no task runs or no message was reported in the minute (m5 = 0 divides by zero): an idle service or a silent
 * worker never triggers the step policies below.
 */
export function capacityUtilisationMath(desiredLatencySeconds: number, concurrency: number): MetricMath {
  requirePositive("desiredLatencySeconds", desiredLatencySeconds);
  requirePositive("concurrency", concurrency);
  return {
    queries: [VISIBLE, RUNNING, SENT, PROCESSED_SECONDS, PROCESSED_MESSAGES],
    expression: {
      id: "e1",
      label: "Share of the running tasks' capacity the demand needs",
      text: `${demandText(desiredLatencySeconds)} * (m4 / m5) / (m2 * ${literal(concurrency * desiredLatencySeconds)})`,
    },
  };
}

/** A step adjustment of a step-scaling policy: bounds relative to the alarm threshold, percent of capacity. */
export interface PercentStep {
  /** value − threshold at or above which (scale-out) / above which (scale-in) the step applies; unset: −infinity. */
  readonly lower?: number;
  /** value − threshold below which (scale-out) / at or below which (scale-in) it applies; unset: +infinity. */
  readonly upper?: number;
  /** PercentChangeInCapacity. */
  readonly percent: number;
}

/** A step-scaling policy on a CloudWatch alarm over capacityUtilisationMath. */
export interface UtilisationStepPolicy {
  readonly name: "burst" | "idle";
  readonly comparison: "GreaterThanOrEqualToThreshold" | "LessThanThreshold";
  readonly threshold: number;
  /** 1-minute datapoints, all breaching (N of N). */
  readonly evaluationPeriods: number;
  /** A minute without a datapoint (no running task, no message reported) is no reason to scale either way. */
  readonly treatMissingData: "notBreaching";
  readonly steps: readonly PercentStep[];
  /** MinAdjustmentMagnitude: at least one task. */
  readonly minAdjustmentMagnitude: number;
  readonly cooldownSeconds: number;
}

/** Step bands of the burst policy (utilisation values) and the overshoot factor above each. */
const BURST_BANDS = [1.2, 1.5, 2, 3, 4, 6, 8, 12, 16];
/**
 * The burst policy scales to 3 × the capacity the band's lower edge needs: the first minute of a spike shows only
 * the part of it that has arrived, and new tasks take a minute to start. Smaller factors (1.5 below 2 ×, 3 above)
 * cost 0.02 × the lower bound less on diurnal traffic but miss more on bursty traffic, twice as much with a 30 s
 * start-up (docs/simulator.md); the idle policy removes the excess within about 3 minutes.
 */
const BURST_OVERSHOOT = 3;
/**
 * Step bands of the idle policy as shares of u (0.45, 0.3, 0.2, 0.1 at u = 0.9). The top is u / 2: Application Auto
 * Scaling removes at least one task (a step between 0 and -1 task rounds to -1), which doubles the utilisation of
 * 2 tasks, so above u / 2 the idle policy would scale a small service below what target tracking keeps and the two
 * would take turns (seen with 4 messages per task: 4 % over the goal on the blueprint's traffic at 2/3 × u).
 */
const IDLE_SHARES = [1 / 2, 1 / 3, 2 / 9, 1 / 9];

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * The two step-scaling policies next to target tracking, chosen with the simulator (docs/simulator.md):
 * - burst: one datapoint with utilisation ≥ 1.2 scales out at once (target tracking waits for 3), in percent bands
 *   that bring the utilisation to u, overshooting by BURST_OVERSHOOT; cooldown 120 s.
 * - idle: two datapoints below u / 2 (0.45 at u = 0.9) scale in at once to the capacity the band's upper edge
 *   needs at u (target tracking waits for 15 and removes about one task per action); cooldown 180 s.
 * Application Auto Scaling combines them with target tracking: scale-out if any policy says out, the largest
 * capacity wins; a step scale-in is not held back by target tracking (User Guide, target tracking "Considerations").
 */
export function utilisationStepPolicies(utilisation: number = DEFAULT_UTILISATION): readonly UtilisationStepPolicy[] {
  if (!(utilisation > 0 && utilisation <= 1)) throw new RangeError(`utilisation must be a number in (0, 1], got ${utilisation}`);
  const burstThreshold = BURST_BANDS[0];
  const idleBands = IDLE_SHARES.map((share) => round6(share * utilisation));
  const idleThreshold = idleBands[0];
  return [
    {
      name: "burst",
      comparison: "GreaterThanOrEqualToThreshold",
      threshold: burstThreshold,
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
      steps: BURST_BANDS.map((band, i) => ({
        lower: round6(band - burstThreshold),
        ...(i + 1 < BURST_BANDS.length ? { upper: round6(BURST_BANDS[i + 1] - burstThreshold) } : {}),
        percent: Math.max(1, Math.round(((band * BURST_OVERSHOOT) / utilisation - 1) * 100)),
      })),
      minAdjustmentMagnitude: 1,
      cooldownSeconds: 120,
    },
    {
      name: "idle",
      comparison: "LessThanThreshold",
      threshold: idleThreshold,
      evaluationPeriods: 2,
      treatMissingData: "notBreaching",
      steps: idleBands.map((band, i) => ({
        upper: round6(band - idleThreshold),
        ...(i + 1 < idleBands.length ? { lower: round6(idleBands[i + 1] - idleThreshold) } : {}),
        percent: Math.min(-1, -Math.round((1 - band / utilisation) * 100)),
      })),
      minAdjustmentMagnitude: 1,
      cooldownSeconds: 180,
    },
  ];
}

/** The value of each query id at one timestamp; undefined is a missing datapoint. */
export type MetricValues = Readonly<Record<string, number | undefined>>;

/** A compiled expression: the datapoint, or undefined when CloudWatch drops it (division by zero). */
export type MetricMathFunction = (values: MetricValues) => number | undefined;

/**
 * Compiles a metric-math expression of + - * / (binary and unary minus), parentheses, decimal numbers and query
 * ids, with CloudWatch's rules: a missing value is 0, a division by zero drops the datapoint. Anything else
 * (functions, ^, comparisons) is rejected with the position, so an expression the simulator cannot evaluate
 * exactly never reaches a run.
 */
export function compileMetricMath(text: string): MetricMathFunction {
  const tokens = Array.from(text.matchAll(/\s*(?:(\d+(?:\.\d+)?|\.\d+)|([A-Za-z][A-Za-z0-9_]*)|([-+*/()]))/gy));
  const consumed = tokens.reduce((n, t) => n + t[0].length, 0);
  const rest = text.slice(consumed);
  if (rest.trim() !== "") {
    const at = consumed + rest.length - rest.trimStart().length + 1;
    throw new SyntaxError(`metric math "${text}": unsupported at position ${at} ("${rest.trim()}")`);
  }
  let i = 0;
  const peek = () => tokens[i]?.[3] ?? (tokens[i] ? "value" : "end");
  const fail = (what: string): never => {
    throw new SyntaxError(`metric math "${text}": ${what}`);
  };
  type Node = (v: MetricValues) => number | undefined;
  const binary = (a: Node, b: Node, op: (x: number, y: number) => number | undefined): Node => (v) => {
    const x = a(v);
    if (x === undefined) return undefined;
    const y = b(v);
    return y === undefined ? undefined : op(x, y);
  };
  const factor = (): Node => {
    const t = tokens[i++];
    if (!t) return fail("ends early");
    if (t[1] !== undefined) {
      const n = Number(t[1]);
      return () => n;
    }
    if (t[2] !== undefined) {
      const id = t[2];
      if (tokens[i]?.[3] === "(") {
        // A function call: only ABS (per datapoint, like the arithmetic; CloudWatch writes functions in upper case).
        if (id !== "ABS") fail(`function ${id} is not supported (allowed: ABS)`);
        i++;
        const inner = sum();
        if (tokens[i++]?.[3] !== ")") fail("missing )");
        return (v) => {
          const x = inner(v);
          return x === undefined ? undefined : Math.abs(x);
        };
      }
      return (v) => v[id] ?? 0;
    }
    if (t[3] === "-") {
      const inner = factor();
      return (v) => {
        const x = inner(v);
        return x === undefined ? undefined : -x;
      };
    }
    if (t[3] === "(") {
      const inner = sum();
      if (tokens[i++]?.[3] !== ")") fail("missing )");
      return inner;
    }
    return fail(`unexpected "${t[3]}"`);
  };
  const product = (): Node => {
    let node = factor();
    while (peek() === "*" || peek() === "/") {
      const op = tokens[i++][3];
      const right = factor();
      node = op === "*" ? binary(node, right, (x, y) => x * y) : binary(node, right, (x, y) => (y === 0 ? undefined : x / y));
    }
    return node;
  };
  const sum = (): Node => {
    let node = product();
    while (peek() === "+" || peek() === "-") {
      const op = tokens[i++][3];
      const right = product();
      node = binary(node, right, op === "+" ? (x, y) => x + y : (x, y) => x - y);
    }
    return node;
  };
  const root = sum();
  if (i < tokens.length) fail(`unexpected "${tokens[i][0].trim()}"`);
  return root;
}

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
 * Lowest target of `backlog-per-task` by default. Below 1 message per task the policy would ask for more tasks than
 * there are messages, which adds cost without lowering latency.
 */
export const DEFAULT_MIN_TARGET = 1;
/**
 * Lowest target of `load-per-task` by default. Its numerator counts the messages of a whole latency window, so a
 * message longer than the window rightly asks for less than one message per task (D = 600 s at L = 60 s: 0.09);
 * this clamp only keeps the target above 0.
 */
export const DEFAULT_MIN_LOAD_TARGET = 0.01;
/** Highest target by default: a sane ceiling when durations are tiny (1 ms at 60 s latency would give 60,000). */
export const DEFAULT_MAX_TARGET = 10_000;

export interface TargetBpiOptions {
  /** Longest time a message should wait in the queue, in seconds. Must be > 0. */
  desiredLatencySeconds: number;
  /** Duration assumed when the metric has no usable data, in seconds. Must be > 0. */
  defaultDurationSeconds: number;
  /** Messages one task processes at the same time. Must be > 0. */
  concurrency: number;
  /** The metric the target is for. Default `backlog-per-task` (the blueprint's arithmetic). */
  metric?: ScalingMetric;
  /** Target utilisation u of `load-per-task` (ignored by `backlog-per-task`). Default {@link DEFAULT_UTILISATION}. Must be in (0, 1]. */
  utilisation?: number;
  /** Lower clamp of the target. Default {@link DEFAULT_MIN_TARGET} (1), for load-per-task {@link DEFAULT_MIN_LOAD_TARGET}. Must be > 0. */
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
 * backlog-per-task: target = concurrency × desiredLatency / duration; load-per-task: the same × utilisation.
 * Clamped to [minTarget, maxTarget]. Uses the default duration when the mean is undefined, 0, negative or not
 * finite. Throws RangeError on invalid options (naming the option and the value) rather than returning a target
 * that would break scaling.
 */
export function computeTargetBpi(meanDurationSeconds: number | undefined, options: TargetBpiOptions): TargetBpi {
  const metric = options.metric ?? "backlog-per-task";
  if (!(SCALING_METRICS as readonly string[]).includes(metric)) {
    throw new RangeError(`metric must be one of ${SCALING_METRICS.join(", ")}, got ${JSON.stringify(metric)}`);
  }
  const load = metric === "load-per-task";
  const utilisation = options.utilisation ?? DEFAULT_UTILISATION;
  const minTarget = options.minTarget ?? (load ? DEFAULT_MIN_LOAD_TARGET : DEFAULT_MIN_TARGET);
  const maxTarget = options.maxTarget ?? DEFAULT_MAX_TARGET;
  requirePositive("desiredLatencySeconds", options.desiredLatencySeconds);
  requirePositive("defaultDurationSeconds", options.defaultDurationSeconds);
  requirePositive("concurrency", options.concurrency);
  requirePositive("minTarget", minTarget);
  requirePositive("maxTarget", maxTarget);
  if (maxTarget < minTarget) {
    throw new RangeError(`maxTarget must be >= minTarget (${minTarget}), got ${maxTarget}`);
  }
  if (!(utilisation > 0 && utilisation <= 1)) {
    throw new RangeError(`utilisation must be a number in (0, 1], got ${utilisation}`);
  }

  const fromMetric = meanDurationSeconds !== undefined && Number.isFinite(meanDurationSeconds) && meanDurationSeconds > 0;
  const durationSeconds = fromMetric ? meanDurationSeconds : options.defaultDurationSeconds;
  const raw = ((load ? utilisation : 1) * options.concurrency * options.desiredLatencySeconds) / durationSeconds;
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
