/**
 * Scaling strategies as data. A strategy is the whole deployed system that matters for latency and cost: the
 * scaling policy and its metric, capacity bounds, the target setter (if any), and the worker and queue
 * behaviour. Users add their own with a JSON file of `StrategySpec`s (see `--strategy-file`).
 */
import {
  capacityUtilisationMath,
  MetricMath,
  ScalingMetric,
  SCALING_METRICS,
  scalingMetricMath,
  utilisationStepPolicies,
} from "../../app-code/shared/target-bpi";
import { projectScaling } from "../../src/scaling/dynamic-target-tracking";
import { cdkScaleToZeroBlog, QUEUE_DEPTH_AWSTUT, queueDepthTrackingStrategy, scaleToZeroStackStrategy } from "./pattern-strategies";
import { StackSettings } from "../../src/settings";
import { visibilityTimeoutFor } from "../../src/visibility-timeout";
import { FanoutSpec, recursiveFanoutStrategy } from "./recursive-fanout";
import { TaskPerMessageSpec, taskPerMessageStrategy } from "./task-per-message";

/** A metric the model publishes once a minute, by its CloudWatch name. */
export const MODEL_METRICS = [
  "ApproximateNumberOfMessagesVisible",
  "ApproximateNumberOfMessagesNotVisible",
  "RunningTaskCount",
  "NumberOfMessagesSent",
  "NumberOfMessagesDeleted",
  "MsgProcessingDuration",
  "CPUUtilization",
] as const;
export type ModelMetricName = (typeof MODEL_METRICS)[number];

export type Statistic = "Maximum" | "Minimum" | "Average" | "Sum" | "SampleCount";
export const STATISTICS: readonly Statistic[] = ["Maximum", "Minimum", "Average", "Sum", "SampleCount"];

/** A query of metric math: a metric with the alarm's statistic, or with its own. */
export type AlarmQuery = ModelMetricName | { readonly metricName: ModelMetricName; readonly statistic: Statistic };

/** An alarm's metric: one of the model's metrics, or metric math over them (query id -> metric). */
export type AlarmMetric =
  | { readonly metricName: ModelMetricName }
  | { readonly expression: string; readonly queries: Readonly<Record<string, AlarmQuery>> };
export type Comparison =
  | "GreaterThanOrEqualToThreshold"
  | "GreaterThanThreshold"
  | "LessThanThreshold"
  | "LessThanOrEqualToThreshold";

/** A CloudWatch alarm: its datapoint is `statistic` over `periodMinutes` 1-minute values of each query. */
export interface AlarmSpec {
  readonly metric: AlarmMetric;
  readonly statistic: Statistic;
  /** Period in whole minutes; the alarm is evaluated at the end of each period. */
  readonly periodMinutes: number;
  readonly evaluationPeriods: number;
  /** Default: evaluationPeriods (N of N). */
  readonly datapointsToAlarm?: number;
  readonly comparison: Comparison;
  readonly threshold: number;
  /** `missing` (default): a period without a datapoint is skipped; `notBreaching` / `breaching`: it counts as that. */
  readonly treatMissingData?: "missing" | "notBreaching" | "breaching";
}

/**
 * Metric math of the shared module as an alarm metric of the model: each query by the model metric it reads (the
 * app metric by its scope, whatever its configured name) with its own statistic.
 */
export function modelMetric(math: MetricMath): AlarmMetric {
  const queries: Record<string, AlarmQuery> = {};
  for (const q of math.queries) {
    const name = q.scope === "app" ? "MsgProcessingDuration" : q.metricName;
    if (!(MODEL_METRICS as readonly string[]).includes(name)) throw new Error(`the model does not publish ${q.namespace} ${q.metricName}`);
    queries[q.id] = { metricName: name as ModelMetricName, statistic: q.stat };
  }
  return { expression: math.expression.text, queries };
}

/** The alarm metric of a target-tracking policy: queue depth, or the shared module's metric math. */
export function trackingMetric(p: TargetTrackingSpec): AlarmMetric {
  if (p.metric === "queue-depth") return { metricName: "ApproximateNumberOfMessagesVisible" };
  if (p.metric === "cpu") return { metricName: "CPUUtilization" };
  return modelMetric(scalingMetricMath(p.metric, p.latencySeconds));
}

/** A step adjustment as Application Auto Scaling has it: bounds relative to the alarm threshold. */
export interface StepAdjustment {
  /** Lower bound of value − threshold; unset: −infinity. */
  readonly lower?: number;
  /** Upper bound of value − threshold; unset: +infinity. */
  readonly upper?: number;
  /** Tasks (ChangeInCapacity), a count (ExactCapacity) or percent (PercentChangeInCapacity). */
  readonly adjustment: number;
}

export type AdjustmentType = "ChangeInCapacity" | "ExactCapacity" | "PercentChangeInCapacity";

/** Target-tracking metrics: the shared module's metric math, the queue depth itself, or the service's CPU. */
export type TargetTrackingMetric = ScalingMetric | "queue-depth" | "cpu";

export interface TargetTrackingSpec {
  readonly kind: "target-tracking";
  /**
   * `backlog-per-task` / `load-per-task`: the metric math of app-code/shared/target-bpi.ts (no datapoint when no task
   * runs). `queue-depth`: ApproximateNumberOfMessagesVisible itself. `cpu`: AWS/ECS CPUUtilization of the service
   * (ECSServiceAverageCPUUtilization; the worker's `cpu` model, no datapoint while no task runs).
   */
  readonly metric: TargetTrackingMetric;
  /** L in load-per-task's expression (the desired latency it was synthesized with). Required for load-per-task. */
  readonly latencySeconds?: number;
  /** Initial target value (the target setter may change it). */
  readonly target: number;
  readonly scaleOutCooldownSeconds: number;
  readonly scaleInCooldownSeconds: number;
  /** DisableScaleIn: the policy never scales in and has no vote on scale-in. Default false. */
  readonly disableScaleIn?: boolean;
}

export interface StepScalingSpec {
  readonly kind: "step-scaling";
  readonly alarm: AlarmSpec;
  /** Default ChangeInCapacity. */
  readonly adjustmentType?: AdjustmentType;
  readonly steps: readonly StepAdjustment[];
  /** PercentChangeInCapacity only: the smallest change in tasks. */
  readonly minAdjustmentMagnitude?: number;
  /** Cooldown of both directions (StepScalingPolicyConfiguration.Cooldown). */
  readonly cooldownSeconds: number;
}

/** Not deployable: sets the needed capacity from the true state each minute (see autoscaling.ts). */
export interface ReactiveReferenceSpec {
  readonly kind: "reactive-reference";
  /** The latency goal whose backlog it drains; default the strategy's goal (60 s). */
  readonly latencySeconds?: number;
}

export type PolicySpec = TargetTrackingSpec | StepScalingSpec | ReactiveReferenceSpec;

/** An interval of aws-cdk's `scaleOnMetric` (`ScalingInterval`): absolute bounds on the metric, change in tasks. */
export interface ScalingInterval {
  /** Inclusive lower bound of the metric. */
  readonly lower?: number;
  /** Inclusive upper bound of the metric. */
  readonly upper?: number;
  readonly change: number;
}

/**
 * What aws-cdk's `scaleOnMetric` deploys for intervals on one metric: an upper alarm (value >= the lowest lower
 * bound of the scale-out intervals) with a scale-out step policy, and a lower alarm (value <= the highest upper
 * bound of the scale-in intervals) with a scale-in step policy; steps relative to each alarm's threshold,
 * ChangeInCapacity, one evaluation period, each policy with `cooldownSeconds`.
 */
export function cdkStepScaling(
  metric: AlarmMetric,
  statistic: Statistic,
  periodMinutes: number,
  intervals: readonly ScalingInterval[],
  cooldownSeconds: number,
): StepScalingSpec[] {
  const policies: StepScalingSpec[] = [];
  const outs = intervals.filter((i) => i.change > 0 && i.lower !== undefined);
  if (outs.length > 0) {
    const threshold = Math.min(...outs.map((i) => i.lower!));
    const sorted = [...outs].sort((a, b) => a.lower! - b.lower!);
    policies.push({
      kind: "step-scaling",
      alarm: { metric, statistic, periodMinutes, evaluationPeriods: 1, comparison: "GreaterThanOrEqualToThreshold", threshold },
      steps: sorted.map((i, k) => ({
        lower: i.lower! - threshold,
        ...(k + 1 < sorted.length ? { upper: sorted[k + 1].lower! - threshold } : {}),
        adjustment: i.change,
      })),
      cooldownSeconds,
    });
  }
  const ins = intervals.filter((i) => i.change < 0 && i.upper !== undefined);
  if (ins.length > 0) {
    const threshold = Math.max(...ins.map((i) => i.upper!));
    const sorted = [...ins].sort((a, b) => b.upper! - a.upper!);
    policies.push({
      kind: "step-scaling",
      alarm: { metric, statistic, periodMinutes, evaluationPeriods: 1, comparison: "LessThanOrEqualToThreshold", threshold },
      steps: sorted.map((i, k) => ({
        upper: i.upper! - threshold,
        ...(k + 1 < sorted.length ? { lower: sorted[k + 1].upper! - threshold } : {}),
        adjustment: i.change,
      })),
      cooldownSeconds,
    });
  }
  return policies;
}

/** The target-setter Lambda on its EventBridge schedule. */
export interface TargetSetterSpec {
  /** Seconds between runs (`rate(60 minutes)` = 3600); the first run is one period after the start. */
  readonly everySeconds: number;
  readonly desiredLatencySeconds: number;
  readonly defaultDurationSeconds: number;
  /** App metric window averaged by each run. */
  readonly lookbackMinutes: number;
  /** Relative change below which the policy is left alone. */
  readonly updateThreshold: number;
  /** Target utilisation of load-per-task (the Lambda's UTILISATION). Default: the shared module's default. */
  readonly utilisation?: number;
  /**
   * The published blueprint's defect: its PutScalingPolicy call rewrites m2 with the wrong cluster and service,
   * so from its first run on e1 has no data and the policy never acts again.
   */
  readonly breaksMetric?: boolean;
}

export interface WorkerSpec {
  /** Messages one task processes at the same time. */
  readonly concurrency: number;
  /** Seconds the worker spends on every message, whatever its `duration` asks (a fixed sleep). Unset: the message's duration. */
  readonly fixedDurationSeconds?: number;
  /** Task scale-in protection while busy: scale-in waits for the message instead of killing the task. */
  readonly taskProtection: boolean;
  /** The queue's visibility timeout in seconds. */
  readonly visibilityTimeoutSeconds: number;
  /** Whether the worker extends the visibility timeout while it processes (a heartbeat). */
  readonly extendsVisibility: boolean;
  /** Longer `duration`s are invalid: received but not processed, left for the DLQ. Unset: no limit. */
  readonly maxDurationSeconds?: number;
  /** Whether the worker makes an invalid message visible again at once (else it waits out the visibility timeout). */
  readonly releasesInvalid?: boolean;
  /** Receives after which SQS moves a message to the DLQ. Unset: no DLQ. */
  readonly maxReceiveCount?: number;
  /** FIFO message groups (message i is in group i mod n); one message of a group in flight at a time. 0: standard queue. */
  readonly fifoGroups: number;
  /**
   * FIFO only: the queue deduplicates sends (content-based deduplication): a send whose deduplication id (the
   * workload's `deduplicationIds`, standing for the body) was accepted in the last 5 minutes is dropped.
   */
  readonly contentDeduplication?: boolean;
  /**
   * CPU of one task in percent of its vCPUs, for AWS/ECS CPUUtilization: `busyPercent` while it processes a message,
   * `idlePercent` while it only long-polls. Model parameters (PATTERNS.md §2.5: CPU-bound ~50-100 %, I/O-bound
   * ~0-1 %). Unset: 0 % (the metric is then only 0 or missing).
   */
  readonly cpu?: { readonly busyPercent: number; readonly idlePercent: number };
}

export interface StrategySpec {
  /** Short id used on the command line and in file names. */
  readonly name: string;
  /** One line for the report. */
  readonly description: string;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** Desired count at the start (the service's desired count). Default: minCapacity. */
  readonly initialCapacity?: number;
  /** The scaling policies on the service's DesiredCount, combined by Application Auto Scaling's rule. */
  readonly policies: readonly PolicySpec[];
  /** The target-setter Lambda; it sets the target of the first target-tracking policy. */
  readonly targetSetter?: TargetSetterSpec;
  readonly worker: WorkerSpec;
  /** Not deployable (the reactive reference): marked in the report. */
  readonly reference?: boolean;
  /** The worker task's size (Fargate CPU units, 1024 = 1 vCPU, and MiB), which prices its task-hours. Default 256 / 512. */
  readonly taskSize?: { readonly cpuUnits: number; readonly memoryMiB: number };
  /** The task-per-message pattern (no service, no policies): its own model, task-per-message.ts. */
  readonly taskPerMessage?: TaskPerMessageSpec;
  /** The recursive fan-out (its own publisher and a worker that posts children): its own model, recursive-fanout.ts. */
  readonly fanout?: FanoutSpec;
}

/** The blueprint's worker: no SIGTERM handling or protection, the queue's 30 s visibility timeout, no DLQ. */
const BLUEPRINT_WORKER: WorkerSpec = {
  concurrency: 1,
  taskProtection: false,
  visibilityTimeoutSeconds: 30,
  extendsVisibility: false,
  fifoGroups: 10,
  contentDeduplication: true,
};

/** A plain worker on a standard queue with the SQS default visibility timeout (30 s), as in the articles. */
const PLAIN_WORKER: WorkerSpec = { ...BLUEPRINT_WORKER, fifoGroups: 0, contentDeduplication: false };

/** (b) The blueprint as intended: the target setter works and the metric stays intact. */
export const BLUEPRINT_INTENDED: StrategySpec = {
  name: "blueprint-intended",
  description: "(b) blueprint as intended: e1 = visible / running, target from the hourly target setter, 1..10",
  minCapacity: 1,
  maxCapacity: 10,
  policies: [
    {
      kind: "target-tracking",
      metric: "backlog-per-task",
      target: 12,
      scaleOutCooldownSeconds: 240,
      scaleInCooldownSeconds: 240,
    },
  ],
  targetSetter: {
    everySeconds: 3600,
    desiredLatencySeconds: 60,
    defaultDurationSeconds: 5,
    lookbackMinutes: 60,
    updateThreshold: 0.05,
  },
  worker: BLUEPRINT_WORKER,
};

/** (a) The blueprint as published: its first hourly target update breaks the metric. */
export const BLUEPRINT_PUBLISHED: StrategySpec = {
  ...BLUEPRINT_INTENDED,
  name: "blueprint-published",
  description: "(a) blueprint as published: target 12, the first hourly update breaks m2, no scaling afterwards",
  targetSetter: { ...BLUEPRINT_INTENDED.targetSetter!, breaksMetric: true },
};

/** (c) Target tracking on raw queue depth, target 3 (1..3 tasks in the article, 1..10 here). */
export const QUEUE_DEPTH: StrategySpec = {
  name: "queue-depth",
  description: "(c) target tracking on ApproximateNumberOfMessagesVisible, target 3, cooldowns 300 s, 1..10",
  minCapacity: 1,
  maxCapacity: 10,
  // Cooldowns unset in the article: Application Auto Scaling's defaults for ECS are 300 s.
  policies: [{ kind: "target-tracking", metric: "queue-depth", target: 3, scaleOutCooldownSeconds: 300, scaleInCooldownSeconds: 300 }],
  worker: PLAIN_WORKER,
};

/** aws-cdk QueueProcessingFargateService's default scaling steps on the queue depth. */
export const CDK_QUEUE_STEPS: readonly ScalingInterval[] = [
  { upper: 0, change: -1 },
  { lower: 100, change: +1 },
  { lower: 500, change: +5 },
];

/**
 * (d) aws-cdk QueueProcessingFargateService defaults: step scaling on the queue's ApproximateNumberOfMessagesVisible
 * (Maximum over 5 minutes) with steps [{upper 0: -1}, {lower 100: +1}, {lower 500: +5}], a DLQ after 3 receives.
 * aws-cdk sets no Cooldown on its step policies, so Application Auto Scaling's default applies: 300 s
 * (StepScalingPolicyConfiguration.Cooldown, "If not specified, the default value is 300"). Its default maximum of
 * 2 tasks is raised to 10 so that the table compares policies, not bounds. Its CPU target-tracking policy (50 %)
 * is left out: for a worker that mostly waits (sleeps) its only effect would be extra scale-in at low CPU, so (d)
 * here is the queue-depth steps alone: two step policies (scale-out and scale-in), each on its own alarm.
 */
export const CDK_QUEUE_PROCESSING: StrategySpec = {
  name: "cdk-queue-processing",
  description: "(d) aws-cdk QueueProcessingFargateService: steps on queue depth (5 min Maximum), cooldown 300 s, 1..10",
  minCapacity: 1,
  maxCapacity: 10,
  policies: cdkStepScaling({ metricName: "ApproximateNumberOfMessagesVisible" }, "Maximum", 5, CDK_QUEUE_STEPS, 300),
  worker: { ...PLAIN_WORKER, maxReceiveCount: 3 },
};

/** Seconds between runs of an EventBridge `rate(...)` expression; undefined for `cron(...)`. */
export function rateSeconds(expression: string): number | undefined {
  const m = expression.match(/^rate\((\d+) (minute|hour|day)s?\)$/);
  if (!m) return undefined;
  const unit = { minute: 60, hour: 3600, day: 86400 }[m[2] as "minute" | "hour" | "day"];
  return Number(m[1]) * unit;
}

/** The worker and queue the sqs-dynamic-target-tracking stack deploys with these settings. */
function projectWorker(settings: StackSettings<"sqs-dynamic-target-tracking">): WorkerSpec {
  return {
    concurrency: settings.workerConcurrency,
    taskProtection: true,
    // The stack derives the visibility timeout from the longest allowed message (see maxMessageDurationSeconds).
    visibilityTimeoutSeconds: visibilityTimeoutFor(settings.maxMessageDurationSeconds),
    extendsVisibility: true,
    maxDurationSeconds: settings.maxMessageDurationSeconds,
    // app-code/worker makes an invalid message visible again at once, so it reaches the DLQ within seconds.
    releasesInvalid: true,
    maxReceiveCount: settings.dlqMaxReceiveCount,
    fifoGroups: settings.messageGroupCount,
    // The stack's FIFO queue has content-based deduplication (src/constructs/fifo-queue.ts).
    contentDeduplication: true,
  };
}

/**
 * (e) What the sqs-dynamic-target-tracking stack deploys with these settings (`loadSettings()`, the same module
 * `cdktf synth` reads): our worker protects its task while busy, extends the visibility timeout, rejects
 * messages longer than maxMessageDurationSeconds, and the queue has a DLQ.
 */
export function projectStrategy(settings: StackSettings<"sqs-dynamic-target-tracking">): StrategySpec {
  const every = rateSeconds(settings.targetSetterSchedule);
  if (settings.targetSetterEnabled && every === undefined) {
    throw new Error(
      `targetSetterSchedule "${settings.targetSetterSchedule}" cannot be simulated; allowed here: rate(N minutes|hours|days)`,
    );
  }
  const { initialTarget } = projectScaling(settings);
  // The burst and idle step policies the stack deploys next to target tracking (shared module, same thresholds).
  const utilisation = modelMetric(capacityUtilisationMath(settings.desiredLatencySeconds, settings.workerConcurrency));
  const stepPolicies: StepScalingSpec[] = settings.stepScaling
    ? utilisationStepPolicies(settings.targetUtilisation).map((p) => ({
        kind: "step-scaling",
        alarm: {
          metric: utilisation,
          statistic: "Sum",
          periodMinutes: 1,
          evaluationPeriods: p.evaluationPeriods,
          comparison: p.comparison,
          threshold: p.threshold,
          treatMissingData: p.treatMissingData,
        },
        adjustmentType: "PercentChangeInCapacity",
        steps: p.steps.map((st) => ({ lower: st.lower, upper: st.upper, adjustment: st.percent })),
        minAdjustmentMagnitude: p.minAdjustmentMagnitude,
        cooldownSeconds: p.cooldownSeconds,
      }))
    : [];
  return {
    name: "project-defaults",
    description:
      `(e) this project: ${settings.scalingMetric} target tracking` +
      (settings.scalingMetric === "load-per-task" ? ` at utilisation ${settings.targetUtilisation}` : "") +
      `, target setter ${settings.targetSetterEnabled ? settings.targetSetterSchedule : "disabled"}, cooldowns out ` +
      `${settings.scaleOutCooldownSeconds} s / in ${settings.scaleInCooldownSeconds} s` +
      (settings.stepScaling ? ", burst and idle step policies" : "") +
      `, ${settings.minCapacity}..${settings.maxCapacity}`,
    minCapacity: settings.minCapacity,
    maxCapacity: settings.maxCapacity,
    policies: [
      {
        kind: "target-tracking",
        metric: settings.scalingMetric,
        latencySeconds: settings.desiredLatencySeconds,
        target: initialTarget,
        scaleOutCooldownSeconds: settings.scaleOutCooldownSeconds,
        scaleInCooldownSeconds: settings.scaleInCooldownSeconds,
      },
      ...stepPolicies,
    ],
    targetSetter: settings.targetSetterEnabled
      ? {
          everySeconds: every!,
          desiredLatencySeconds: settings.desiredLatencySeconds,
          defaultDurationSeconds: settings.defaultMessageDurationSeconds,
          lookbackMinutes: settings.targetSetterLookbackMinutes,
          updateThreshold: settings.targetUpdateThreshold,
          utilisation: settings.targetUtilisation,
        }
      : undefined,
    worker: projectWorker(settings),
  };
}

/**
 * (r) The reactive reference on this project's worker and bounds: not deployable. Each minute it sets the desired
 * count from the true state (arrivals of the last minute, messages waiting and in flight, their true durations),
 * with no alarm datapoints and no cooldowns; only the task start-up delay and the capacity bounds remain.
 */
export function reactiveReference(settings: StackSettings<"sqs-dynamic-target-tracking">): StrategySpec {
  return {
    name: "reactive-reference",
    description: `(r) reactive reference, not deployable: desired = needed capacity from the true state every minute, no alarms or cooldowns, ${settings.minCapacity}..${settings.maxCapacity}`,
    minCapacity: settings.minCapacity,
    maxCapacity: settings.maxCapacity,
    policies: [{ kind: "reactive-reference", latencySeconds: settings.desiredLatencySeconds }],
    worker: projectWorker(settings),
    reference: true,
  };
}

/** The settings of the stacks whose strategies are built in (as `loadSettings().stacks` has them). */
export interface BuiltInStackSettings {
  readonly "sqs-dynamic-target-tracking": StackSettings<"sqs-dynamic-target-tracking">;
  readonly "sqs-queue-depth-tracking": StackSettings<"sqs-queue-depth-tracking">;
  readonly "sqs-scale-to-zero": StackSettings<"sqs-scale-to-zero">;
  readonly "sqs-task-per-message": StackSettings<"sqs-task-per-message">;
  readonly "sqs-recursive-fanout": StackSettings<"sqs-recursive-fanout">;
}

/**
 * Built-in strategies in report order: (a)..(e), the pattern stacks with their sources (A, A', B, B'; see
 * pattern-strategies.ts), and the reactive reference (r).
 */
export function builtInStrategies(stacks: BuiltInStackSettings): StrategySpec[] {
  const settings = stacks["sqs-dynamic-target-tracking"];
  return [
    BLUEPRINT_PUBLISHED,
    BLUEPRINT_INTENDED,
    QUEUE_DEPTH,
    CDK_QUEUE_PROCESSING,
    projectStrategy(settings),
    QUEUE_DEPTH_AWSTUT,
    queueDepthTrackingStrategy(stacks["sqs-queue-depth-tracking"]),
    cdkScaleToZeroBlog(),
    scaleToZeroStackStrategy(stacks["sqs-scale-to-zero"]),
    reactiveReference(settings),
    // After the reference, so the rows and chart colours of the earlier strategies stay as they were.
    taskPerMessageStrategy(stacks["sqs-task-per-message"]),
    recursiveFanoutStrategy(stacks["sqs-recursive-fanout"]),
  ];
}

/**
 * A strategy as a user file may give it: `policies`, or the older single `policy`, whose step-scaling form with
 * absolute `steps` of `{lower, upper, change}` on the queue depth is aws-cdk's `scaleOnMetric` (see cdkStepScaling).
 */
export function normalizeStrategy(raw: unknown): StrategySpec {
  const s = raw as StrategySpec & { policy?: Record<string, unknown> };
  if (s === null || typeof s !== "object" || s.policies !== undefined || s.policy === undefined) return s;
  const { policy, ...rest } = s;
  const legacySteps = policy.kind === "step-scaling" && policy.alarm === undefined && Array.isArray(policy.steps);
  const policies = legacySteps
    ? cdkStepScaling(
        { metricName: "ApproximateNumberOfMessagesVisible" },
        "Maximum",
        Number(policy.periodMinutes),
        policy.steps as ScalingInterval[],
        Number(policy.cooldownSeconds),
      )
    : [policy as unknown as PolicySpec];
  return { ...rest, policies };
}

/** Checks a user-supplied strategy; returns one problem text per invalid field. */
export function validateStrategy(s: StrategySpec): string[] {
  const problems: string[] = [];
  const where = `strategy "${s?.name ?? "?"}"`;
  const positiveInt = (field: string, v: unknown, min: number) => {
    if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
      problems.push(`${where}: ${field} is ${JSON.stringify(v)}; allowed: an integer >= ${min}`);
    }
  };
  const positive = (field: string, v: unknown) => {
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
      problems.push(`${where}: ${field} is ${JSON.stringify(v)}; allowed: a number > 0`);
    }
  };
  const oneOf = (field: string, v: unknown, allowed: readonly string[]) => {
    if (!allowed.includes(v as string)) problems.push(`${where}: ${field} is ${JSON.stringify(v)}; allowed: ${allowed.join(", ")}`);
  };
  if (typeof s?.name !== "string" || !/^[a-z0-9][a-z0-9-]{0,40}$/.test(s.name)) {
    problems.push(`${where}: name is ${JSON.stringify(s?.name)}; allowed: 1-41 lower-case letters, digits and hyphens`);
  }
  positiveInt("minCapacity", s.minCapacity, 0);
  positiveInt("maxCapacity", s.maxCapacity, 1);
  if (s.minCapacity > s.maxCapacity) problems.push(`${where}: minCapacity ${s.minCapacity} > maxCapacity ${s.maxCapacity}; allowed: min <= max`);
  const tpm = s.taskPerMessage;
  if (tpm !== undefined) {
    // No service and no policy: the event source mapping and the launcher's cap instead.
    positiveInt("taskPerMessage.batchSize", tpm.batchSize, 1);
    positiveInt("taskPerMessage.batchingWindowSeconds", tpm.batchingWindowSeconds, 0);
    positiveInt("taskPerMessage.maximumConcurrency", tpm.maximumConcurrency, 2);
    positiveInt("taskPerMessage.maxRunningTasks", tpm.maxRunningTasks, 1);
    positive("taskPerMessage.launcherTimeoutSeconds", tpm.launcherTimeoutSeconds);
    positiveInt("taskPerMessage.visibilityTimeoutSeconds", tpm.visibilityTimeoutSeconds, 0);
    positiveInt("taskPerMessage.maxReceiveCount", tpm.maxReceiveCount, 1);
    positive("taskPerMessage.apiCallSeconds", tpm.apiCallSeconds);
    positiveInt("taskPerMessage.minimumBilledSeconds", tpm.minimumBilledSeconds, 0);
  } else if (s.fanout !== undefined) {
    // The publisher's backlog per task and one target-tracking policy, built from the spec.
    positiveInt("fanout.maxParallelNodes", s.fanout.maxParallelNodes, 1);
    positive("fanout.targetBacklogPerTask", s.fanout.targetBacklogPerTask);
    positiveInt("fanout.scaleOutCooldownSeconds", s.fanout.scaleOutCooldownSeconds, 0);
    positiveInt("fanout.scaleInCooldownSeconds", s.fanout.scaleInCooldownSeconds, 0);
    if (s.fanout.publisherEverySeconds !== 60) problems.push(`${where}: fanout.publisherEverySeconds is ${JSON.stringify(s.fanout.publisherEverySeconds)}; allowed: 60`);
    positiveInt("fanout.maxDepth", s.fanout.maxDepth, 0);
  } else if (!Array.isArray(s.policies) || s.policies.length === 0) {
    problems.push(`${where}: policies is ${JSON.stringify(s.policies)}; allowed: an array of at least one policy`);
  }
  (Array.isArray(s.policies) ? s.policies : []).forEach((p, i) => {
    const at = `policies[${i}]`;
    if (p?.kind === "target-tracking") {
      oneOf(`${at}.metric`, p.metric, [...SCALING_METRICS, "queue-depth", "cpu"]);
      if (p.metric === "load-per-task") positive(`${at}.latencySeconds`, p.latencySeconds);
      positive(`${at}.target`, p.target);
      positiveInt(`${at}.scaleOutCooldownSeconds`, p.scaleOutCooldownSeconds, 0);
      positiveInt(`${at}.scaleInCooldownSeconds`, p.scaleInCooldownSeconds, 0);
    } else if (p?.kind === "step-scaling") {
      const a = p.alarm;
      if (!a || typeof a !== "object") {
        problems.push(`${where}: ${at}.alarm is missing; allowed: an alarm with metric, statistic, periodMinutes, evaluationPeriods, comparison, threshold`);
      } else {
        const m = a.metric as Partial<{ metricName: string; expression: string; queries: Record<string, AlarmQuery> }>;
        if (m?.metricName !== undefined) oneOf(`${at}.alarm.metric.metricName`, m.metricName, MODEL_METRICS);
        else if (typeof m?.expression !== "string" || !m.queries || typeof m.queries !== "object") {
          problems.push(`${where}: ${at}.alarm.metric is ${JSON.stringify(m)}; allowed: {metricName} or {expression, queries}`);
        } else {
          for (const [id, q] of Object.entries(m.queries)) {
            oneOf(`${at}.alarm.metric.queries.${id}`, typeof q === "string" ? q : q?.metricName, MODEL_METRICS);
            if (typeof q !== "string") oneOf(`${at}.alarm.metric.queries.${id}.statistic`, q?.statistic, STATISTICS);
          }
        }
        oneOf(`${at}.alarm.statistic`, a.statistic, STATISTICS);
        positiveInt(`${at}.alarm.periodMinutes`, a.periodMinutes, 1);
        positiveInt(`${at}.alarm.evaluationPeriods`, a.evaluationPeriods, 1);
        if (a.datapointsToAlarm !== undefined) positiveInt(`${at}.alarm.datapointsToAlarm`, a.datapointsToAlarm, 1);
        oneOf(`${at}.alarm.comparison`, a.comparison, [
          "GreaterThanOrEqualToThreshold",
          "GreaterThanThreshold",
          "LessThanThreshold",
          "LessThanOrEqualToThreshold",
        ]);
        if (typeof a.threshold !== "number" || !Number.isFinite(a.threshold)) {
          problems.push(`${where}: ${at}.alarm.threshold is ${JSON.stringify(a.threshold)}; allowed: a number`);
        }
      }
      if (p.adjustmentType !== undefined) oneOf(`${at}.adjustmentType`, p.adjustmentType, ["ChangeInCapacity", "ExactCapacity", "PercentChangeInCapacity"]);
      positiveInt(`${at}.cooldownSeconds`, p.cooldownSeconds, 0);
      if (!Array.isArray(p.steps) || p.steps.length === 0) problems.push(`${where}: ${at}.steps is empty; allowed: at least one step`);
    } else if (p?.kind !== "reactive-reference") {
      problems.push(
        `${where}: ${at}.kind is ${JSON.stringify((p as { kind?: unknown })?.kind)}; allowed: target-tracking, step-scaling or reactive-reference`,
      );
    }
  });
  const w = s.worker;
  if (!w) {
    problems.push(`${where}: worker is missing; allowed: an object with concurrency, taskProtection, visibilityTimeoutSeconds, extendsVisibility, fifoGroups`);
  } else {
    positiveInt("worker.concurrency", w.concurrency, 1);
    positiveInt("worker.visibilityTimeoutSeconds", w.visibilityTimeoutSeconds, 0);
    positiveInt("worker.fifoGroups", w.fifoGroups, 0);
  }
  if (s.targetSetter) {
    if (!Number.isInteger(s.targetSetter.everySeconds) || s.targetSetter.everySeconds < 60 || s.targetSetter.everySeconds % 60 !== 0) {
      problems.push(`${where}: targetSetter.everySeconds is ${JSON.stringify(s.targetSetter.everySeconds)}; allowed: a multiple of 60 (EventBridge rates are whole minutes)`);
    }
    positive("targetSetter.desiredLatencySeconds", s.targetSetter.desiredLatencySeconds);
    positive("targetSetter.defaultDurationSeconds", s.targetSetter.defaultDurationSeconds);
    positiveInt("targetSetter.lookbackMinutes", s.targetSetter.lookbackMinutes, 1);
  }
  return problems;
}
