/**
 * Scaling strategies as data. A strategy is the whole deployed system that matters for latency and cost: the
 * scaling policy and its metric, capacity bounds, the target setter (if any), and the worker and queue
 * behaviour. Users add their own with a JSON file of `StrategySpec`s (see `--strategy-file`).
 */
import { StackSettings } from "../../src/settings";
import { visibilityTimeoutFor } from "../../src/visibility-timeout";

/** A step of a step-scaling policy, as aws-cdk's `ScalingInterval`: bounds on the metric, change in tasks. */
export interface ScalingStep {
  /** Inclusive lower bound of the metric for this step. */
  readonly lower?: number;
  /** Inclusive upper bound of the metric for this step. */
  readonly upper?: number;
  /** Tasks to add (positive) or remove (negative). */
  readonly change: number;
}

export type PolicySpec =
  | {
      readonly kind: "target-tracking";
      /**
       * `backlog-per-task`: metric math e1 = m1 / m2 (visible messages / running tasks), no datapoint when m2 = 0.
       * `queue-depth`: ApproximateNumberOfMessagesVisible itself.
       */
      readonly metric: "backlog-per-task" | "queue-depth";
      /** Initial target value (the target setter may change it). */
      readonly target: number;
      readonly scaleOutCooldownSeconds: number;
      readonly scaleInCooldownSeconds: number;
    }
  | {
      readonly kind: "step-scaling";
      /** Always ApproximateNumberOfMessagesVisible (what aws-cdk's QueueProcessingService scales on). */
      readonly metric: "queue-depth";
      /** Period of the alarm's metric in minutes and its statistic, Maximum (aws-cdk's SQS metric: 5 min). */
      readonly periodMinutes: number;
      readonly steps: readonly ScalingStep[];
      readonly cooldownSeconds: number;
    };

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
  /**
   * The published blueprint's defect: its PutScalingPolicy call rewrites m2 with the wrong cluster and service,
   * so from its first run on e1 has no data and the policy never acts again.
   */
  readonly breaksMetric?: boolean;
}

export interface WorkerSpec {
  /** Messages one task processes at the same time. */
  readonly concurrency: number;
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
  readonly policy: PolicySpec;
  readonly targetSetter?: TargetSetterSpec;
  readonly worker: WorkerSpec;
}

/** The blueprint's worker: no SIGTERM handling or protection, the queue's 30 s visibility timeout, no DLQ. */
const BLUEPRINT_WORKER: WorkerSpec = {
  concurrency: 1,
  taskProtection: false,
  visibilityTimeoutSeconds: 30,
  extendsVisibility: false,
  fifoGroups: 10,
};

/** A plain worker on a standard queue with the SQS default visibility timeout (30 s), as in the articles. */
const PLAIN_WORKER: WorkerSpec = { ...BLUEPRINT_WORKER, fifoGroups: 0 };

/** (b) The blueprint as intended: the target setter works and the metric stays intact. */
export const BLUEPRINT_INTENDED: StrategySpec = {
  name: "blueprint-intended",
  description: "(b) blueprint as intended: e1 = visible / running, target from the hourly target setter, 1..10",
  minCapacity: 1,
  maxCapacity: 10,
  policy: {
    kind: "target-tracking",
    metric: "backlog-per-task",
    target: 12,
    scaleOutCooldownSeconds: 240,
    scaleInCooldownSeconds: 240,
  },
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
  policy: { kind: "target-tracking", metric: "queue-depth", target: 3, scaleOutCooldownSeconds: 300, scaleInCooldownSeconds: 300 },
  worker: PLAIN_WORKER,
};

/**
 * (d) aws-cdk QueueProcessingFargateService defaults: step scaling on the queue's ApproximateNumberOfMessagesVisible
 * (Maximum over 5 minutes) with steps [{upper 0: -1}, {lower 100: +1}, {lower 500: +5}], a DLQ after 3 receives.
 * aws-cdk sets no Cooldown on its step policies, so Application Auto Scaling's default applies: 300 s
 * (StepScalingPolicyConfiguration.Cooldown, "If not specified, the default value is 300"). Its default maximum of
 * 2 tasks is raised to 10 so that the table compares policies, not bounds. Its CPU target-tracking policy (50 %)
 * is left out: for a worker that mostly waits (sleeps) its only effect would be extra scale-in at low CPU, so (d)
 * here is the queue-depth steps alone.
 */
export const CDK_QUEUE_PROCESSING: StrategySpec = {
  name: "cdk-queue-processing",
  description: "(d) aws-cdk QueueProcessingFargateService: steps on queue depth (5 min Maximum), cooldown 300 s, 1..10",
  minCapacity: 1,
  maxCapacity: 10,
  policy: {
    kind: "step-scaling",
    metric: "queue-depth",
    periodMinutes: 5,
    steps: [
      { upper: 0, change: -1 },
      { lower: 100, change: +1 },
      { lower: 500, change: +5 },
    ],
    cooldownSeconds: 300,
  },
  worker: { ...PLAIN_WORKER, maxReceiveCount: 3 },
};

/** Seconds between runs of an EventBridge `rate(...)` expression; undefined for `cron(...)`. */
export function rateSeconds(expression: string): number | undefined {
  const m = expression.match(/^rate\((\d+) (minute|hour|day)s?\)$/);
  if (!m) return undefined;
  const unit = { minute: 60, hour: 3600, day: 86400 }[m[2] as "minute" | "hour" | "day"];
  return Number(m[1]) * unit;
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
  return {
    name: "project-defaults",
    description: `(e) this project: e1 target tracking, target setter ${settings.targetSetterEnabled ? settings.targetSetterSchedule : "disabled"}, cooldowns out ${settings.scaleOutCooldownSeconds} s / in ${settings.scaleInCooldownSeconds} s, ${settings.minCapacity}..${settings.maxCapacity}`,
    minCapacity: settings.minCapacity,
    maxCapacity: settings.maxCapacity,
    policy: {
      kind: "target-tracking",
      metric: "backlog-per-task",
      target: settings.initialTargetBpi,
      scaleOutCooldownSeconds: settings.scaleOutCooldownSeconds,
      scaleInCooldownSeconds: settings.scaleInCooldownSeconds,
    },
    targetSetter: settings.targetSetterEnabled
      ? {
          everySeconds: every!,
          desiredLatencySeconds: settings.desiredLatencySeconds,
          defaultDurationSeconds: settings.defaultMessageDurationSeconds,
          lookbackMinutes: settings.targetSetterLookbackMinutes,
          updateThreshold: settings.targetUpdateThreshold,
        }
      : undefined,
    worker: {
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
    },
  };
}

/** Built-in strategies in report order, (a)..(e). */
export function builtInStrategies(settings: StackSettings<"sqs-dynamic-target-tracking">): StrategySpec[] {
  return [BLUEPRINT_PUBLISHED, BLUEPRINT_INTENDED, QUEUE_DEPTH, CDK_QUEUE_PROCESSING, projectStrategy(settings)];
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
  if (typeof s?.name !== "string" || !/^[a-z0-9][a-z0-9-]{0,40}$/.test(s.name)) {
    problems.push(`${where}: name is ${JSON.stringify(s?.name)}; allowed: 1-41 lower-case letters, digits and hyphens`);
  }
  positiveInt("minCapacity", s.minCapacity, 0);
  positiveInt("maxCapacity", s.maxCapacity, 1);
  if (s.minCapacity > s.maxCapacity) problems.push(`${where}: minCapacity ${s.minCapacity} > maxCapacity ${s.maxCapacity}; allowed: min <= max`);
  const p = s.policy;
  if (p?.kind === "target-tracking") {
    if (p.metric !== "backlog-per-task" && p.metric !== "queue-depth") {
      problems.push(`${where}: policy.metric is ${JSON.stringify(p.metric)}; allowed: backlog-per-task or queue-depth`);
    }
    positive("policy.target", p.target);
    positiveInt("policy.scaleOutCooldownSeconds", p.scaleOutCooldownSeconds, 0);
    positiveInt("policy.scaleInCooldownSeconds", p.scaleInCooldownSeconds, 0);
  } else if (p?.kind === "step-scaling") {
    positiveInt("policy.periodMinutes", p.periodMinutes, 1);
    positiveInt("policy.cooldownSeconds", p.cooldownSeconds, 0);
    if (!Array.isArray(p.steps) || p.steps.length === 0) problems.push(`${where}: policy.steps is empty; allowed: at least one step`);
  } else {
    problems.push(`${where}: policy.kind is ${JSON.stringify((p as { kind?: unknown })?.kind)}; allowed: target-tracking or step-scaling`);
  }
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
