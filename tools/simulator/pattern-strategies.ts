/**
 * The strategies of the pattern stacks (PATTERNS.md §1 and §2), built from each stack's pure model module (the
 * object the stack synthesizes its policies from) and from the source's published design beside it, so that what
 * the simulator models is what the stack deploys.
 *
 * - sqs-queue-depth-tracking: `queueDepthTrackingModel(settings)`; the source: `AWSTUT_PUBLISHED` [S0-T].
 * - sqs-scale-to-zero: `scaleToZeroPlan(settings)`; the source: `SOURCE_SCALE_TO_ZERO` [S1] plus the construct's CPU
 *   target tracking at 50 % [CDK-QPS], which that plan leaves out.
 * The alarms are evaluated by autoscaling.ts's Alarm; a test checks it acts with src/scaling/alarm.ts's evaluateAlarm
 * on these plans' rules. Missing data `breaching` (the stack's scale-out) never matters here: the model's SQS
 * metrics have no gaps.
 */
import type { AlarmRule } from "../../src/scaling/alarm";
import { AWSTUT_PUBLISHED, QueueDepthTrackingModel, queueDepthTrackingModel } from "../../src/scaling/queue-depth-tracking";
import { PlanStep, ScaleToZeroPlan, scaleToZeroPlan, SOURCE_SCALE_TO_ZERO } from "../../src/scaling/scale-to-zero";
import type { StackSettings } from "../../src/settings";
import type { AlarmMetric, AlarmSpec, PolicySpec, StepAdjustment, StrategySpec, WorkerSpec } from "./strategies";

/** A strategy of the queue-depth-tracking model: its one target-tracking policy, its bounds and its worker. */
export function queueDepthStrategy(
  name: string,
  description: string,
  m: QueueDepthTrackingModel,
  taskSize: StrategySpec["taskSize"],
): StrategySpec {
  if (m.worker.drainsOnStop && !m.worker.taskProtection) {
    // The model stops an unprotected task at once; a SIGTERM drain without protection (stopTimeout) is not modelled.
    throw new Error(`strategy "${name}": a worker that drains on SIGTERM without task protection is not modelled`);
  }
  return {
    name,
    description,
    minCapacity: m.minCapacity,
    maxCapacity: m.maxCapacity,
    taskSize,
    policies: [
      {
        kind: "target-tracking",
        metric: m.policy.metric,
        target: m.policy.targetValue,
        scaleOutCooldownSeconds: m.policy.scaleOutCooldownSeconds,
        scaleInCooldownSeconds: m.policy.scaleInCooldownSeconds,
      },
    ],
    worker: {
      concurrency: m.worker.concurrency,
      // Both workers sleep a fixed time per message (the source's `Interval`, the stack's WORK_SECONDS).
      fixedDurationSeconds: m.worker.workSeconds,
      taskProtection: m.worker.taskProtection,
      visibilityTimeoutSeconds: m.worker.visibilityTimeoutSeconds,
      extendsVisibility: m.worker.extendsVisibility,
      maxReceiveCount: m.worker.maxReceiveCount,
      releasesInvalid: m.worker.maxReceiveCount !== undefined,
      fifoGroups: 0,
    },
  };
}

/** (A) The awstut source as published: target 3 on the visible count, cooldowns 0, 1..3, no protection, 90 s visibility. */
export const QUEUE_DEPTH_AWSTUT: StrategySpec = queueDepthStrategy(
  "queue-depth-awstut",
  "(A) awstut source: target tracking on ApproximateNumberOfMessagesVisible, target 3, cooldowns 0, 1..3, 60 s sleep, no protection or SIGTERM handling, 90 s visibility",
  AWSTUT_PUBLISHED,
  // [S0-T] template parameters ServiceCpu 512, ServiceMemory 1024.
  { cpuUnits: 512, memoryMiB: 1024 },
);

/** (A') What the sqs-queue-depth-tracking stack deploys with these settings. */
export function queueDepthTrackingStrategy(settings: StackSettings<"sqs-queue-depth-tracking">): StrategySpec {
  const m = queueDepthTrackingModel(settings);
  return queueDepthStrategy(
    "sqs-queue-depth-tracking",
    `(A') sqs-queue-depth-tracking stack: ${m.policy.metric} target ${m.policy.targetValue}, cooldowns out ` +
      `${m.policy.scaleOutCooldownSeconds} s / in ${m.policy.scaleInCooldownSeconds} s, ${m.minCapacity}..${m.maxCapacity}, ` +
      `${m.worker.workSeconds} s per message, protection, heartbeat, DLQ after ${m.worker.maxReceiveCount}`,
    m,
    { cpuUnits: settings.cpu, memoryMiB: settings.memory },
  );
}

/** Per-task CPU of the scale-to-zero worker (model parameters, PATTERNS.md §2.5 [judgment]). */
export interface CpuModel {
  readonly busyPercent: number;
  readonly idlePercent: number;
}

/**
 * Default CPU model [judgment]: a CPU-bound job uses half of the task's vCPUs (§2.5: CPU-bound ~50-100 %), and a
 * process that only long-polls SQS stays below the source's 0.01 % threshold, so the source's idle alarm works as its
 * author intended; the two failure modes of §2.4 item 1 are other values of these parameters.
 */
export const DEFAULT_CPU_MODEL: CpuModel = { busyPercent: 50, idlePercent: 0.005 };

/** The construct's CPU target tracking (scaleOnCpuUtilization, 50 %) [CDK-QPS]; cooldowns unset → 300 s [AAS-API]. */
export const CDK_CPU_TARGET_PERCENT = 50;

function whole(name: string, rule: AlarmRule): number {
  const minutes = rule.periodSeconds / 60;
  if (!Number.isInteger(minutes) || minutes < 1) {
    throw new Error(`strategy "${name}": alarm period ${rule.periodSeconds} s is not modelled; allowed: whole minutes`);
  }
  return minutes;
}

function alarmOf(name: string, metric: AlarmMetric, rule: AlarmRule): AlarmSpec {
  if (rule.treatMissingData === "ignore") throw new Error(`strategy "${name}": treatMissingData "ignore" is not modelled`);
  return {
    metric,
    statistic: rule.statistic,
    periodMinutes: whole(name, rule),
    evaluationPeriods: rule.evaluationPeriods,
    datapointsToAlarm: rule.datapointsToAlarm,
    comparison: rule.comparison,
    threshold: rule.threshold,
    treatMissingData: rule.treatMissingData,
  };
}

const stepsOf = (steps: readonly PlanStep[]): StepAdjustment[] =>
  steps.map((st) => ({ ...(st.lower !== undefined ? { lower: st.lower } : {}), ...(st.upper !== undefined ? { upper: st.upper } : {}), adjustment: st.change }));

/** The alarm metrics of a scale-to-zero plan, as the stack synthesizes them (stacks/sqs-scale-to-zero-stack.ts). */
function planMetric(name: string, metric: ScaleToZeroPlan["scaleOut"]["metric"] | ScaleToZeroPlan["idle"]["metric"]): AlarmMetric {
  switch (metric) {
    case "visible":
      return { metricName: "ApproximateNumberOfMessagesVisible" };
    case "queue-empty":
      return {
        expression: "m1 + m2",
        queries: {
          m1: { metricName: "ApproximateNumberOfMessagesVisible", statistic: "Maximum" },
          m2: { metricName: "ApproximateNumberOfMessagesNotVisible", statistic: "Maximum" },
        },
      };
    case "cpu":
      return { metricName: "CPUUtilization" };
    case "visible-while-no-task":
      // IF(FILL(m2, 0) < 1, m1, 0): the shared metric math has no IF or FILL (maxCapacity above 1).
      throw new Error(`strategy "${name}": the scale-out metric for maxCapacity above 1 (IF/FILL metric math) is not modelled; allowed: maxCapacity 1`);
  }
}

export interface ScaleToZeroOptions {
  readonly cpu?: CpuModel;
  /** Adds the construct's CPU target tracking at this target (the source's construct default, 50 %). */
  readonly cpuTargetPercent?: number;
  /** A FIFO queue (one message group: the plan's worker takes one message at a time, max 1 task). */
  readonly fifo: boolean;
  /** Longest duration the worker accepts (the stack's maxJobSeconds); unset: any. */
  readonly maxDurationSeconds?: number;
  readonly taskSize: NonNullable<StrategySpec["taskSize"]>;
}

/** A strategy of a scale-to-zero plan: the scale-out and idle step policies on one target, and the plan's worker. */
export function scaleToZeroStrategy(name: string, description: string, plan: ScaleToZeroPlan, o: ScaleToZeroOptions): StrategySpec {
  const policies: PolicySpec[] = [
    {
      kind: "step-scaling",
      alarm: alarmOf(name, planMetric(name, plan.scaleOut.metric), plan.scaleOut.alarm),
      adjustmentType: plan.scaleOut.adjustmentType,
      steps: stepsOf(plan.scaleOut.steps),
      cooldownSeconds: plan.scaleOut.cooldownSeconds,
    },
    {
      kind: "step-scaling",
      alarm: alarmOf(name, planMetric(name, plan.idle.metric), plan.idle.alarm),
      adjustmentType: plan.idle.adjustmentType,
      steps: stepsOf(plan.idle.steps),
      cooldownSeconds: plan.idle.cooldownSeconds,
    },
  ];
  if (plan.backlogTracking) {
    const b = plan.backlogTracking;
    policies.push({
      kind: "target-tracking",
      metric: "backlog-per-task",
      target: b.targetValue,
      scaleOutCooldownSeconds: b.scaleOutCooldownSeconds,
      scaleInCooldownSeconds: b.scaleInCooldownSeconds,
    });
  }
  if (o.cpuTargetPercent !== undefined) {
    policies.push({ kind: "target-tracking", metric: "cpu", target: o.cpuTargetPercent, scaleOutCooldownSeconds: 300, scaleInCooldownSeconds: 300 });
  }
  const worker: WorkerSpec = {
    concurrency: 1,
    taskProtection: plan.worker.taskProtection,
    visibilityTimeoutSeconds: plan.worker.visibilityTimeoutSeconds,
    extendsVisibility: plan.worker.extendsVisibility,
    maxReceiveCount: plan.worker.maxReceiveCount,
    ...(o.maxDurationSeconds !== undefined ? { maxDurationSeconds: o.maxDurationSeconds, releasesInvalid: true } : {}),
    fifoGroups: o.fifo ? 1 : 0,
    contentDeduplication: o.fifo,
    cpu: o.cpu ?? DEFAULT_CPU_MODEL,
  };
  return { name, description, minCapacity: plan.minCapacity, maxCapacity: plan.maxCapacity, taskSize: o.taskSize, policies, worker };
}

/** (B) The aws-cdk blog's scale-to-zero as published, with the construct's CPU target tracking. */
export function cdkScaleToZeroBlog(cpu: CpuModel = DEFAULT_CPU_MODEL): StrategySpec {
  return scaleToZeroStrategy(
    "cdk-scale-to-zero-blog",
    `(B) aws-cdk blog: 0..1, +1 on visible ≥ 1 (Maximum over 5 min), exactly 0 on CPU ≤ 0.01 % (Average over 3 min), ` +
      `CPU target tracking 50 %, cooldowns 300 s, no protection, 12 h visibility; task CPU busy ${cpu.busyPercent} % / polling ${cpu.idlePercent} %`,
    SOURCE_SCALE_TO_ZERO,
    // The blog's queue is FIFO with content-based deduplication [S1].
    // Task size: the blog's cpu=4096, memory_limit_mib=8192 [S1].
    { cpu, cpuTargetPercent: CDK_CPU_TARGET_PERCENT, fifo: true, taskSize: { cpuUnits: 4096, memoryMiB: 8192 } },
  );
}

/** (B') What the sqs-scale-to-zero stack deploys with these settings. */
export function scaleToZeroStackStrategy(settings: StackSettings<"sqs-scale-to-zero">, cpu: CpuModel = DEFAULT_CPU_MODEL): StrategySpec {
  const plan = scaleToZeroPlan(settings);
  const idle =
    plan.idle.metric === "queue-empty"
      ? `exactly 0 after ${plan.idle.alarm.evaluationPeriods} min with nothing visible or in flight`
      : `exactly 0 on CPU ≤ ${plan.idle.alarm.threshold} %`;
  return scaleToZeroStrategy(
    "sqs-scale-to-zero",
    `(B') sqs-scale-to-zero stack: ${plan.minCapacity}..${plan.maxCapacity}, +1 on visible ≥ 1 (Maximum over ` +
      `${plan.scaleOut.alarm.periodSeconds / 60} min), ${idle}, protection, heartbeat, DLQ after ${plan.worker.maxReceiveCount}`,
    plan,
    {
      cpu,
      fifo: settings.queueType === "fifo",
      maxDurationSeconds: settings.maxJobSeconds,
      taskSize: { cpuUnits: settings.cpu, memoryMiB: settings.memory },
    },
  );
}
