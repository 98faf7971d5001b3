/**
 * The deterministic model of the deployed system: SQS queue, ECS service, CloudWatch metrics, Application Auto
 * Scaling and the target-setter Lambda, advanced in 1-second ticks with exact (fractional) message times.
 *
 * Behaviour and sources:
 * - Queue (SQS): a sent message is visible at once; a receive makes it invisible for the visibility timeout;
 *   a delete removes it. A message whose timeout runs out while in flight becomes visible again (processed twice).
 *   FIFO: messages of one group are received in order and only while no other message of the group is in flight.
 *   A receive beyond maxReceiveCount moves the message to the DLQ (SQS redrive policy).
 * - Worker: receives only into free slots (it asks for at most its free concurrency), long-polls (a message is
 *   received the moment it is visible), processes for `duration` and deletes. Messages longer than the worker's
 *   maximum are left invisible for the DLQ. Every processed duration goes into the app metric, sent every 60 s from the task's start and stamped then (the worker's MetricsPublisher).
 * - Service (ECS): a desired-count increase starts tasks that take `startupDelaySeconds` (default 60 s: placement,
 *   image pull, container start) until their first receive. Scale-in stops tasks that are not yet running first,
 *   then idle ones, then busy ones: with task scale-in protection a busy task finishes its messages first (and
 *   receives no more); without it the task is stopped and its messages come back after the visibility timeout.
 *   Fargate bills a task from launch to stop (per second). A worker with `fixedDurationSeconds` spends that time on
 *   every message (a fixed sleep, as the awstut worker), whatever the message's duration.
 * - Deduplication: on a FIFO queue with content-based deduplication a send whose deduplication id was accepted in
 *   the last 5 minutes is accepted but not delivered (SendMessage, MessageDeduplicationId): it is no message, is not
 *   counted by NumberOfMessagesSent and needs no processing.
 * - Metrics (CloudWatch, one datapoint a minute): SQS samples ApproximateNumberOfMessagesVisible and
 *   ...NotVisible `metricSampleOffsetSeconds` into the minute; Container Insights RunningTaskCount counts tasks
 *   past start-up at the same instant; NumberOfMessagesSent and NumberOfMessagesDeleted count the minute's sends
 *   and deletes. Metric math is evaluated by the shared module's compileMetricMath on the expression the stack
 *   synthesizes: no datapoint when it divides by zero (e.g. m2 = 0). AWS/ECS CPUUtilization of the service: the
 *   average over the minute of its running tasks' CPU, `busyPercent` while a task processes and `idlePercent` while
 *   it only polls (the worker's CPU model, parameters); no datapoint while no task runs.
 * - Outputs beyond latency and cost: messages interrupted by a scale-in that stopped their task, and waits for a
 *   task (a message sent while none runs, until one does: the start from zero).
 * - Scaling policies and their combination: see autoscaling.ts. Target setter: see TargetSetterSpec; it runs the
 *   same module as the Lambda (app-code/shared/target-bpi.ts).
 */
import {
  compileMetricMath,
  computeTargetBpi,
  MetricDatapoint,
  MetricMathFunction,
  needsUpdate,
  weightedMeanDuration,
} from "../../app-code/shared/target-bpi";
import { Alarm, PolicyModel, Proposal, ReactiveReference, ScalableTarget, StepScalingPolicy, TargetTrackingPolicy, TrueState } from "./autoscaling";
import { AlarmMetric, ModelMetricName, Statistic, StrategySpec, TargetTrackingSpec, trackingMetric } from "./strategies";
import { simulateRecursiveFanout } from "./recursive-fanout";
import { simulateTaskPerMessage } from "./task-per-message";
import { Workload } from "./workloads";

export interface ModelOptions {
  /** Simulated seconds. Messages sent later than this are ignored. */
  readonly horizonSeconds: number;
  /** From a desired-count increase to the new task's first receive. Default 60. */
  readonly startupDelaySeconds?: number;
  /** Seconds into each minute at which SQS samples the visible count. Default 30. */
  readonly metricSampleOffsetSeconds?: number;
  /** Minutes by which a datapoint reaches the alarms late (CloudWatch delivery delay). Default 0. */
  readonly metricDelayMinutes?: number;
  /** Largest share of the capacity one target-tracking scale-in removes (at least 1 task). Default 0.1. */
  readonly scaleInMaxFraction?: number;
  /**
   * Fargate price per task-hour in USD, for every strategy. Default: the strategy's task size (`taskSize`) at
   * $0.04048 per vCPU-hour and $0.004445 per GB-hour (Linux/x86, us-west-2), else 0.25 vCPU and 0.5 GB.
   */
  readonly taskHourPrice?: number;
  /** Latency goal used for "share over goal". Default: the strategy's target setter latency, else 60 s. */
  readonly desiredLatencySeconds?: number;
}

export const DEFAULT_STARTUP_DELAY_SECONDS = 60;
export const DEFAULT_SAMPLE_OFFSET_SECONDS = 30;
export const FARGATE_VCPU_HOUR_PRICE = 0.04048;
export const FARGATE_GB_HOUR_PRICE = 0.004445;
export const DEFAULT_TASK_HOUR_PRICE = 0.25 * FARGATE_VCPU_HOUR_PRICE + 0.5 * FARGATE_GB_HOUR_PRICE;

/** One point per simulated minute (the CloudWatch datapoints the policies saw, and the capacity). */
export interface MinuteSeries {
  /** ApproximateNumberOfMessagesVisible sample of each minute. */
  readonly visible: Float64Array;
  /** ApproximateNumberOfMessagesNotVisible (in flight) sample of each minute. */
  readonly inFlight: Float64Array;
  /** RunningTaskCount sample of each minute. */
  readonly running: Float64Array;
  /** NumberOfMessagesSent: messages added to the queue in each minute. */
  readonly sent: Float64Array;
  /** NumberOfMessagesDeleted: deletes in each minute (a message processed twice is deleted twice). */
  readonly deleted: Float64Array;
  /** The app metric (MsgProcessingDuration) of each minute: its Sum (seconds processed) and SampleCount (messages). */
  readonly processed: Float64Array;
  readonly processedCount: Float64Array;
  /** Desired count at the end of each minute. */
  readonly desired: Float64Array;
  /** AWS/ECS CPUUtilization of the service: per minute the sum of its running tasks' CPU % per second, and those task-seconds. */
  readonly cpu: Float64Array;
  readonly cpuCount: Float64Array;
  /** Target value of the first target-tracking policy at the end of each minute; NaN without one. */
  readonly target: Float64Array;
  /** The datapoint that policy evaluated in each minute (its metric, e.g. e1); NaN when it had none. */
  readonly metric: Float64Array;
}

export interface SimulationResult {
  readonly strategy: string;
  /** Not deployable (the reactive reference). */
  readonly reference: boolean;
  readonly workload: string;
  readonly horizonSeconds: number;
  readonly desiredLatencySeconds: number;
  /** The model's sample offset (seconds into the minute) and metric delay of this run. */
  readonly metricSampleOffsetSeconds: number;
  readonly metricDelayMinutes: number;
  /** Messages sent within the horizon (accepted by the queue; deduplicated sends are not messages). */
  readonly sent: number;
  /** Sends dropped by FIFO content-based deduplication. */
  readonly deduplicated: number;
  /** Messages deleted after processing. */
  readonly deleted: number;
  /** Messages still in the queue at the end (visible or in flight). */
  readonly inQueue: number;
  /** Messages moved to the dead-letter queue. */
  readonly inDlq: number;
  /** Extra processing of messages already processed (visibility timeout ran out, or a killed task's message). */
  readonly duplicates: number;
  /** Messages whose processing was cut off by a scale-in that stopped their task (no protection). */
  readonly interrupted: number;
  /**
   * Waits for a task: each time a message is sent while no task runs (past start-up, not draining), the seconds
   * until one does; `first` is the first such wait (NaN: a task was always running), a wait still open at the end
   * counts up to the end.
   */
  readonly coldStarts: { readonly count: number; readonly first: number; readonly mean: number; readonly max: number };
  /** Latency (send to delete) percentiles in seconds; messages left in the queue count with their age at the end. */
  readonly latency: { readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number; readonly mean: number };
  /** Share of sent messages deleted later than the desired latency after sending, or still waiting longer. */
  readonly overGoalShare: number;
  readonly taskHours: number;
  readonly cost: number;
  /** Changes of the desired count made by the policy. */
  readonly scalingActions: number;
  /** Most tasks alive at once (starting, running or draining). */
  readonly peakTasks: number;
  /** Total processing time of the sent messages, in hours: the task-hours of a perfect scaler at concurrency 1. */
  readonly workHours: number;
  /** Time-average of messages in the system (visible + in flight), for Little's law. */
  readonly meanInSystem: number;
  /** Task-per-message only: tasks launched, launcher invocations, RunTask calls throttled, records failed at the cap. */
  readonly launches?: { readonly tasks: number; readonly invocations: number; readonly throttled: number; readonly atCap: number };
  /**
   * Tree workloads only: makespan (root posted → last node done; NaN when not all done by the end), and for the
   * recursive fan-out, which generates the tree: nodes posted, extra edges absorbed by the claim, children pruned by
   * maxDepth, the peak backlog (visible + in flight) and the seconds at maxParallelNodes.
   */
  readonly fanout?: {
    readonly makespanSeconds: number;
    readonly nodes?: number;
    readonly duplicateEdges?: number;
    readonly pruned?: number;
    readonly peakBacklog?: number;
    readonly atMaxSeconds?: number;
  };
  readonly series: MinuteSeries;
}

const VISIBLE = 1;
const IN_FLIGHT = 2;
const DELETED = 3;
const IN_DLQ = 4;
const DEDUPLICATED = 5;

/** SQS FIFO deduplication interval. */
const DEDUPLICATION_SECONDS = 300;

interface Task {
  readonly launchedAt: number;
  readonly readyAt: number;
  /** Per slot: when it is free (end of its current message, or when it became idle). */
  readonly freeAt: Float64Array;
  /** Per slot: message in process, or -1. */
  readonly message: Int32Array;
  /** Per slot: when that message was received. */
  readonly receivedAt: Float64Array;
  draining: boolean;
  stoppedAt: number;
}

/** A FIFO of message ids with O(1) push to the back, pop and push back to the front. */
class Deque {
  private items: number[] = [];
  private head = 0;
  get size(): number {
    return this.items.length - this.head;
  }
  push(id: number): void {
    this.items.push(id);
  }
  peek(): number {
    return this.items[this.head];
  }
  shift(): number {
    const id = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return id;
  }
  unshift(id: number): void {
    if (this.head > 0) this.items[--this.head] = id;
    else this.items.unshift(id);
  }
}

/** The fields of a result that name the run and its settings. */
export function runIdentity(
  strategy: StrategySpec,
  workload: Workload,
  horizon: number,
  goal: number,
  options: ModelOptions,
): Pick<SimulationResult, "strategy" | "reference" | "workload" | "horizonSeconds" | "desiredLatencySeconds" | "metricSampleOffsetSeconds" | "metricDelayMinutes"> {
  return {
    strategy: strategy.name,
    reference: strategy.reference === true,
    workload: workload.name,
    horizonSeconds: horizon,
    desiredLatencySeconds: goal,
    metricSampleOffsetSeconds: options.metricSampleOffsetSeconds ?? DEFAULT_SAMPLE_OFFSET_SECONDS,
    metricDelayMinutes: options.metricDelayMinutes ?? 0,
  };
}

/** Zeroed minute series (the policy's metric and target NaN until there is one). */
export function newMinuteSeries(minutes: number): MinuteSeries {
  return {
    visible: new Float64Array(minutes),
    inFlight: new Float64Array(minutes),
    running: new Float64Array(minutes),
    sent: new Float64Array(minutes),
    deleted: new Float64Array(minutes),
    processed: new Float64Array(minutes),
    processedCount: new Float64Array(minutes),
    desired: new Float64Array(minutes),
    cpu: new Float64Array(minutes),
    cpuCount: new Float64Array(minutes),
    target: new Float64Array(minutes).fill(NaN),
    metric: new Float64Array(minutes).fill(NaN),
  };
}

/** Price of one task-hour: the option, else the strategy's task size at Fargate's prices, else 0.25 vCPU / 0.5 GB. */
export function taskHourPrice(strategy: StrategySpec, options: ModelOptions): number {
  const size = strategy.taskSize;
  return (
    options.taskHourPrice ??
    (size ? (size.cpuUnits / 1024) * FARGATE_VCPU_HOUR_PRICE + (size.memoryMiB / 1024) * FARGATE_GB_HOUR_PRICE : DEFAULT_TASK_HOUR_PRICE)
  );
}

/** The waits for a task as the results give them. */
export function waitSummary(waits: readonly number[]): SimulationResult["coldStarts"] {
  return {
    count: waits.length,
    first: waits.length > 0 ? waits[0] : NaN,
    mean: waits.length > 0 ? waits.reduce((a, b) => a + b, 0) / waits.length : NaN,
    max: waits.length > 0 ? Math.max(...waits) : NaN,
  };
}

/** Percentiles, max and mean of sorted latencies. */
export function latencySummary(sorted: Float64Array, sum: number): SimulationResult["latency"] {
  const n = sorted.length;
  return {
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: n > 0 ? sorted[n - 1] : 0,
    mean: n > 0 ? sum / n : 0,
  };
}

/** Task-hours and their cost at `price` a task-hour, from billed task-seconds. */
export function taskHoursAndCost(taskSeconds: number, price: number): Pick<SimulationResult, "taskHours" | "cost"> {
  return { taskHours: taskSeconds / 3600, cost: (taskSeconds / 3600) * price };
}

/**
 * Latency (send to done; a message not done counts with its age at the end), the share over the goal and the work
 * hours of messages given as parallel arrays; messages for which `skip` is true (deduplicated sends) do not count.
 */
export function messageFigures(
  sentAt: ArrayLike<number>,
  doneAt: ArrayLike<number>,
  work: (id: number) => number,
  horizon: number,
  goal: number,
  skip?: (id: number) => boolean,
): Pick<SimulationResult, "latency" | "overGoalShare" | "workHours"> {
  const all = new Float64Array(sentAt.length);
  let n = 0;
  let over = 0;
  let sum = 0;
  let workSeconds = 0;
  for (let i = 0; i < sentAt.length; i++) {
    if (skip?.(i)) continue;
    const l = (Number.isNaN(doneAt[i]) ? horizon : doneAt[i]) - sentAt[i];
    all[n++] = l;
    sum += l;
    if (l > goal) over++;
    workSeconds += work(i);
  }
  const latencies = all.subarray(0, n).sort();
  return { latency: latencySummary(latencies, sum), overGoalShare: n > 0 ? over / n : 0, workHours: workSeconds / 3600 };
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

/** A compiled alarm metric: the datapoint of the period of `periodMinutes` ending with minute `end`. */
type PeriodDatapoint = (periodMinutes: number, end: number) => number | undefined;

/**
 * A statistic over one metric's 1-minute data of the period (minutes before 0 do not exist yet): Sum and
 * SampleCount add up, Average is Sum / SampleCount, Maximum and Minimum are over the minutes' averages. A period
 * without samples has no datapoint.
 */
function aggregate(
  metric: { readonly sum: Float64Array; readonly count?: Float64Array },
  statistic: Statistic,
  periodMinutes: number,
  end: number,
): number | undefined {
  const from = Math.max(0, end - periodMinutes + 1);
  if (end < 0 || from > end) return undefined;
  let sum = 0;
  let count = 0;
  let max = -Infinity;
  let min = Infinity;
  for (let m = from; m <= end; m++) {
    const n = metric.count ? metric.count[m] : 1;
    if (n === 0) continue;
    sum += metric.sum[m];
    count += n;
    const mean = metric.sum[m] / n;
    if (mean > max) max = mean;
    if (mean < min) min = mean;
  }
  if (count === 0) return undefined;
  switch (statistic) {
    case "Sum":
      return sum;
    case "SampleCount":
      return count;
    case "Average":
      return sum / count;
    case "Maximum":
      return max;
    case "Minimum":
      return min;
  }
}

/** Runs one strategy on one workload. Pure and deterministic: same inputs, same result. */
export function simulate(workload: Workload, strategy: StrategySpec, options: ModelOptions): SimulationResult {
  // A pattern without a service or scaling policy has its own model.
  if (strategy.taskPerMessage) return simulateTaskPerMessage(workload, strategy, options);
  if (strategy.fanout) return simulateRecursiveFanout(workload, strategy, options);
  const horizon = Math.ceil(options.horizonSeconds);
  const startupDelay = options.startupDelaySeconds ?? DEFAULT_STARTUP_DELAY_SECONDS;
  const sampleOffset = options.metricSampleOffsetSeconds ?? DEFAULT_SAMPLE_OFFSET_SECONDS;
  const delay = options.metricDelayMinutes ?? 0;
  const price = taskHourPrice(strategy, options);
  const goal = options.desiredLatencySeconds ?? strategy.targetSetter?.desiredLatencySeconds ?? 60;
  const worker = strategy.worker;
  const concurrency = worker.concurrency;
  const vt = worker.visibilityTimeoutSeconds;
  const maxReceives = worker.maxReceiveCount ?? Infinity;
  const maxDuration = worker.maxDurationSeconds ?? Infinity;

  // Messages: struct of arrays.
  let total = 0;
  while (total < workload.arrivals.length && workload.arrivals[total] < horizon) total++;
  const arrival = workload.arrivals;
  // A worker that spends a fixed time on every message (the awstut worker's sleep(60)) ignores the workload's durations.
  const fixed = worker.fixedDurationSeconds;
  const duration = fixed === undefined ? workload.durations : new Float64Array(workload.durations.length).fill(fixed);
  /** Processing time a message asks of a task: none for an invalid one (it is only received and released). */
  const work = (id: number) => (duration[id] <= maxDuration ? duration[id] : 0);
  const state = new Uint8Array(total);
  const receives = new Uint16Array(total);
  const visibleSince = new Float64Array(total);
  const deletedAt = new Float64Array(total).fill(NaN);

  // Queue: one deque per FIFO group (a standard queue is one deque without group locks).
  const fifo = worker.fifoGroups > 0;
  const groupCount = fifo ? worker.fifoGroups : 1;
  const groups = Array.from({ length: groupCount }, () => new Deque());
  const inFlightOfGroup = new Int32Array(groupCount);
  const groupFreeAt = new Float64Array(groupCount);
  const groupOf = (id: number) => (fifo ? id % groupCount : 0);
  const deduplicationIds = fifo && worker.contentDeduplication ? workload.deduplicationIds : undefined;
  /** Deduplication id -> when the send that started its 5-minute interval was accepted. */
  const acceptedAt = new Map<string, number>();
  let visibleCount = 0;
  let visibleWork = 0;
  let inFlightCount = 0;
  /** Messages whose invisibility ends at `at`, valid while the message still has `receives` receives. */
  let expiries: Array<{ id: number; at: number; receives: number }> = [];

  const minutes = Math.ceil(horizon / 60);
  const series = newMinuteSeries(minutes);
  // Per metric: the per-minute Sum and, for the app metric, the SampleCount (SQS and Container Insights: 1 a minute).
  const byName: Record<ModelMetricName, { readonly sum: Float64Array; readonly count?: Float64Array }> = {
    ApproximateNumberOfMessagesVisible: { sum: series.visible },
    ApproximateNumberOfMessagesNotVisible: { sum: series.inFlight },
    RunningTaskCount: { sum: series.running },
    NumberOfMessagesSent: { sum: series.sent },
    NumberOfMessagesDeleted: { sum: series.deleted },
    MsgProcessingDuration: { sum: series.processed, count: series.processedCount },
    CPUUtilization: { sum: series.cpu, count: series.cpuCount },
  };
  const busyCpu = worker.cpu?.busyPercent ?? 0;
  const idleCpu = worker.cpu?.idlePercent ?? 0;
  /** Processing time of the messages sent in each minute (the reactive reference's arrival rate). */
  const sentWork = new Float64Array(minutes);
  const appMetric: MetricDatapoint[] = Array.from({ length: minutes + 1 }, () => ({ sum: 0, sampleCount: 0 }));

  // Service: live tasks, and stopped ones kept for billing.
  let tasks: Task[] = [];
  const stoppedTasks: Task[] = [];
  let anyStopped = false;
  const newTask = (launchedAt: number, readyAt: number): Task => ({
    launchedAt,
    readyAt,
    freeAt: new Float64Array(concurrency).fill(readyAt),
    message: new Int32Array(concurrency).fill(-1),
    receivedAt: new Float64Array(concurrency),
    draining: false,
    stoppedAt: Infinity,
  });
  let desired = Math.min(strategy.maxCapacity, Math.max(strategy.minCapacity, strategy.initialCapacity ?? strategy.minCapacity));
  // The service is already running its desired count when the workload starts.
  for (let i = 0; i < desired; i++) tasks.push(newTask(0, 0));
  let scalingActions = 0;
  let peakTasks = desired;
  let duplicates = 0;
  let interrupted = 0;
  const coldWaits: number[] = [];
  /** When the current wait for a task began (a message sent while none ran), or NaN. */
  let waitingSince = NaN;
  let deduplicated = 0;
  let inDlq = 0;
  let deleted = 0;
  let inSystemSum = 0;

  // Policies: each with the datapoints it is evaluated on, all on one scalable target.
  const compile = (metric: AlarmMetric, statistic: Statistic): PeriodDatapoint => {
    if ("metricName" in metric) {
      const values = byName[metric.metricName];
      return (period, end) => aggregate(values, statistic, period, end);
    }
    const evaluate: MetricMathFunction = compileMetricMath(metric.expression);
    const queries = Object.entries(metric.queries).map(([id, q]) =>
      typeof q === "string" ? ([id, byName[q], statistic] as const) : ([id, byName[q.metricName], q.statistic] as const),
    );
    return (period, end) => {
      if (end < 0) return undefined;
      const values: Record<string, number | undefined> = {};
      for (const [id, data, stat] of queries) values[id] = aggregate(data, stat, period, end);
      return evaluate(values);
    };
  };
  interface Runner {
    readonly model: PolicyModel;
    readonly periodMinutes: number;
    readonly datapoint?: PeriodDatapoint;
  }
  const runners: Runner[] = strategy.policies.map((p): Runner => {
    switch (p.kind) {
      case "target-tracking":
        return {
          model: new TargetTrackingPolicy(
            p.target,
            strategy,
            p.scaleOutCooldownSeconds,
            p.scaleInCooldownSeconds,
            options.scaleInMaxFraction,
            p.disableScaleIn,
          ),
          periodMinutes: 1,
          // One value a minute for the SQS and Container Insights metrics (Sum = the value); CPU is an Average.
          datapoint: compile(trackingMetric(p), p.metric === "cpu" ? "Average" : "Sum"),
        };
      case "step-scaling": {
        const a = p.alarm;
        const alarm = new Alarm(a.comparison, a.threshold, a.evaluationPeriods, a.datapointsToAlarm, a.treatMissingData);
        return {
          model: new StepScalingPolicy(alarm, p.steps, strategy, p.cooldownSeconds, p.adjustmentType, p.minAdjustmentMagnitude),
          periodMinutes: a.periodMinutes,
          datapoint: compile(a.metric, a.statistic),
        };
      }
      case "reactive-reference":
        return { model: new ReactiveReference(strategy, concurrency, p.latencySeconds ?? goal), periodMinutes: 1 };
    }
  });
  const scalable = new ScalableTarget(runners.map((r) => r.model));
  const trackingIndex = strategy.policies.findIndex((p) => p.kind === "target-tracking");
  const tracking = trackingIndex >= 0 ? (runners[trackingIndex].model as TargetTrackingPolicy) : undefined;
  const trackingSpec = trackingIndex >= 0 ? (strategy.policies[trackingIndex] as TargetTrackingSpec) : undefined;
  const setter = strategy.targetSetter;
  if (setter && (trackingSpec?.metric === "queue-depth" || trackingSpec?.metric === "cpu")) {
    throw new Error(`strategy "${strategy.name}": the target setter needs a target-tracking policy on backlog-per-task or load-per-task`);
  }
  let metricBroken = false;

  const abandon = (task: Task, slot: number, now: number) => {
    const id = task.message[slot];
    if (id < 0) return;
    task.message[slot] = -1;
    if (state[id] !== IN_FLIGHT) return;
    interrupted++;
    // A dead worker stops extending: the message reappears one timeout after the last receive or extension.
    const at = worker.extendsVisibility ? now + vt : Math.max(now, task.receivedAt[slot] + vt);
    expiries.push({ id, at, receives: receives[id] });
  };

  const setDesired = (next: number, now: number) => {
    scalingActions++;
    desired = next;
    const active = tasks.filter((t) => t.stoppedAt === Infinity && !t.draining);
    if (next > active.length) {
      for (let i = active.length; i < next; i++) tasks.push(newTask(now, now + startupDelay));
      return;
    }
    let excess = active.length - next;
    const idle = (t: Task) => t.message.every((m) => m < 0);
    // Order: not yet started (newest first), idle, busy.
    const victims = [
      ...active.filter((t) => t.readyAt > now).reverse(),
      ...active.filter((t) => t.readyAt <= now && idle(t)),
      ...active.filter((t) => t.readyAt <= now && !idle(t)),
    ];
    for (const t of victims) {
      if (excess-- <= 0) break;
      anyStopped = true;
      if (idle(t) || t.readyAt > now) {
        t.stoppedAt = now;
      } else if (worker.taskProtection) {
        t.draining = true;
      } else {
        for (let s = 0; s < concurrency; s++) abandon(t, s, now);
        t.stoppedAt = now;
      }
    }
  };

  const complete = (id: number, at: number, task: Task) => {
    // The worker sends its samples every 60 s from its start (MetricsPublisher), stamped with the send time.
    const publishedAt = task.readyAt + 60 * Math.ceil((at - task.readyAt) / 60);
    const publishedMinute = Math.floor(publishedAt / 60);
    const datapoint = appMetric[Math.min(minutes, publishedMinute)];
    datapoint.sum += duration[id];
    datapoint.sampleCount++;
    if (publishedMinute < minutes) {
      series.processed[publishedMinute] += duration[id];
      series.processedCount[publishedMinute]++;
    }
    series.deleted[Math.min(minutes - 1, Math.floor(at / 60))]++;
    const s = state[id];
    if (s === DELETED || s === IN_DLQ) {
      duplicates++;
      return;
    }
    const g = groupOf(id);
    if (s === IN_FLIGHT) {
      inFlightOfGroup[g]--;
      inFlightCount--;
      if (at > groupFreeAt[g]) groupFreeAt[g] = at;
    } else if (s === VISIBLE) {
      visibleCount--; // its timeout ran out during processing but nobody received it again; the deque skips it
      visibleWork -= work(id);
    }
    state[id] = DELETED;
    deletedAt[id] = at;
    deleted++;
  };

  /** The oldest receivable message and its group, or -1. */
  const oldestReceivable = (): number => {
    let best = -1;
    let bestGroup = -1;
    for (let g = 0; g < groupCount; g++) {
      if (fifo && inFlightOfGroup[g] > 0) continue;
      const q = groups[g];
      while (q.size > 0 && state[q.peek()] !== VISIBLE) q.shift();
      if (q.size === 0) continue;
      const id = q.peek();
      if (best < 0 || visibleSince[id] < visibleSince[best] || (visibleSince[id] === visibleSince[best] && id < best)) {
        best = id;
        bestGroup = g;
      }
    }
    if (best >= 0) groups[bestGroup].shift();
    return best;
  };

  /** Whether a task past start-up and not draining is there at `at`. */
  const serving = (at: number) => tasks.some((task) => task.stoppedAt === Infinity && !task.draining && task.readyAt <= at);

  let nextSend = 0;
  for (let t = 0; t < horizon; t++) {
    const tickEnd = t + 1;

    // Sends.
    for (; nextSend < total && arrival[nextSend] < tickEnd; nextSend++) {
      const id = nextSend;
      const at = arrival[id];
      if (deduplicationIds) {
        const key = deduplicationIds[id];
        const first = acceptedAt.get(key);
        if (first !== undefined && at - first < DEDUPLICATION_SECONDS) {
          state[id] = DEDUPLICATED;
          deduplicated++;
          continue;
        }
        acceptedAt.set(key, at);
      }
      state[id] = VISIBLE;
      visibleSince[id] = at;
      if (Number.isNaN(waitingSince) && !serving(at)) waitingSince = at;
      groups[groupOf(id)].push(id);
      visibleCount++;
      visibleWork += work(id);
      const minute = Math.floor(at / 60);
      series.sent[minute]++;
      sentWork[minute] += work(id);
    }

    // Visibility timeouts that run out in this tick.
    if (expiries.length > 0) {
      const keep: typeof expiries = [];
      for (const e of expiries) {
        if (e.at >= tickEnd) {
          keep.push(e);
        } else if (state[e.id] === IN_FLIGHT && receives[e.id] === e.receives) {
          const g = groupOf(e.id);
          state[e.id] = VISIBLE;
          visibleSince[e.id] = e.at;
          inFlightOfGroup[g]--;
          inFlightCount--;
          if (e.at > groupFreeAt[g]) groupFreeAt[g] = e.at;
          groups[g].unshift(e.id);
          visibleCount++;
          visibleWork += work(e.id);
        }
      }
      expiries = keep;
    }

    // Workers: finish what ends in this tick, receive into free slots.
    for (const task of tasks) {
      if (task.stoppedAt !== Infinity || task.readyAt >= tickEnd) continue;
      for (let s = 0; s < concurrency; s++) {
        while (task.freeAt[s] < tickEnd) {
          const current = task.message[s];
          if (current >= 0) {
            complete(current, task.freeAt[s], task);
            task.message[s] = -1;
          }
          if (task.draining || visibleCount === 0) break;
          const id = oldestReceivable();
          if (id < 0) break;
          const g = groupOf(id);
          const at = Math.max(task.freeAt[s], visibleSince[id], fifo ? groupFreeAt[g] : 0);
          visibleCount--;
          visibleWork -= work(id);
          receives[id]++;
          if (receives[id] > maxReceives) {
            state[id] = IN_DLQ;
            inDlq++;
            continue;
          }
          state[id] = IN_FLIGHT;
          inFlightOfGroup[g]++;
          inFlightCount++;
          if (duration[id] > maxDuration) {
            // Invalid: not processed; visible again at once or after the timeout, until the DLQ takes it.
            expiries.push({ id, at: worker.releasesInvalid ? at : at + vt, receives: receives[id] });
            task.freeAt[s] = at;
            continue;
          }
          task.message[s] = id;
          task.receivedAt[s] = at;
          task.freeAt[s] = at + duration[id];
          if (!worker.extendsVisibility && duration[id] > vt) expiries.push({ id, at: at + vt, receives: receives[id] });
        }
        if (task.message[s] < 0 && task.freeAt[s] < t) task.freeAt[s] = t; // idle: free from now on
      }
      if (task.draining && task.message.every((m) => m < 0)) {
        task.stoppedAt = Math.max(t, ...task.freeAt);
        anyStopped = true;
      }
    }
    if (anyStopped) {
      for (const task of tasks) if (task.stoppedAt !== Infinity) stoppedTasks.push(task);
      tasks = tasks.filter((task) => task.stoppedAt === Infinity);
      anyStopped = false;
    }

    inSystemSum += visibleCount + inFlightCount;

    // The service's CPU: each running task's CPU of this second; the end of a wait for a task.
    const minute = Math.floor(t / 60);
    for (const task of tasks) {
      if (task.readyAt > t) continue;
      series.cpu[minute] += task.message.some((m) => m >= 0) ? busyCpu : idleCpu;
      series.cpuCount[minute]++;
    }
    if (!Number.isNaN(waitingSince)) {
      let readyAt = Infinity;
      for (const task of tasks) if (!task.draining && task.readyAt < tickEnd && task.readyAt < readyAt) readyAt = task.readyAt;
      if (readyAt !== Infinity) {
        coldWaits.push(Math.max(0, readyAt - waitingSince));
        waitingSince = NaN;
      }
    }

    // CloudWatch samples.
    const second = t - minute * 60;
    if (second === sampleOffset) {
      series.visible[minute] = visibleCount;
      series.inFlight[minute] = inFlightCount;
      let running = 0;
      for (const task of tasks) if (task.readyAt <= t) running++;
      series.running[minute] = running;
    }

    // Minute boundary: the target setter's schedule, then the policies on the datapoints of the minute that ended.
    if (second === 59) {
      const now = tickEnd;
      if (setter && tracking && trackingSpec && now % setter.everySeconds === 0) {
        const from = Math.max(0, minute + 1 - setter.lookbackMinutes);
        const mean = weightedMeanDuration(appMetric.slice(from, minute + 1));
        const next = computeTargetBpi(mean, {
          metric: trackingSpec.metric === "queue-depth" || trackingSpec.metric === "cpu" ? undefined : trackingSpec.metric,
          utilisation: setter.utilisation,
          desiredLatencySeconds: setter.desiredLatencySeconds,
          defaultDurationSeconds: setter.defaultDurationSeconds,
          concurrency,
        }).target;
        if (needsUpdate(tracking.target, next, setter.updateThreshold)) tracking.target = next;
        if (setter.breaksMetric) metricBroken = true;
      }
      if (visibleCount === 0) visibleWork = 0; // no float drift when nothing waits
      const seen = minute - delay; // the newest datapoint the alarms have
      const proposals: Proposal[] = [];
      runners.forEach((r, i) => {
        let proposed: number | undefined;
        if (r.model instanceof ReactiveReference) {
          const truth: TrueState = {
            waiting: visibleCount,
            waitingWorkSeconds: visibleWork,
            inFlight: inFlightCount,
            arrivedWorkSecondsLastMinute: sentWork[minute],
          };
          proposed = r.model.propose(truth, desired);
        } else if (seen >= 0 && (seen + 1) % r.periodMinutes === 0) {
          const broken = metricBroken && i === trackingIndex;
          const value = broken ? undefined : r.datapoint!(r.periodMinutes, seen);
          if (i === trackingIndex && value !== undefined) series.metric[minute] = value;
          proposed = (r.model as TargetTrackingPolicy | StepScalingPolicy).propose(value, desired, now);
        }
        if (proposed !== undefined) proposals.push({ policy: r.model, capacity: proposed });
      });
      const next = scalable.decide(proposals, desired, now);
      if (next !== undefined && next !== desired) setDesired(next, now);
      series.desired[minute] = desired;
      if (tracking) series.target[minute] = tracking.target;
      let alive = 0;
      for (const task of tasks) if (task.stoppedAt === Infinity) alive++;
      if (alive > peakTasks) peakTasks = alive;
    }
  }

  // Results.
  let taskSeconds = 0;
  for (const task of [...tasks, ...stoppedTasks]) taskSeconds += Math.min(horizon, task.stoppedAt) - Math.min(horizon, task.launchedAt);
  const sent = total - deduplicated;
  const figures = messageFigures(arrival.subarray(0, total), deletedAt, work, horizon, goal, (i) => state[i] === DEDUPLICATED);
  if (!Number.isNaN(waitingSince)) coldWaits.push(horizon - waitingSince);
  return {
    ...runIdentity(strategy, workload, horizon, goal, options),
    sent,
    deduplicated,
    deleted,
    inQueue: visibleCount + inFlightCount,
    inDlq,
    duplicates,
    interrupted,
    coldStarts: waitSummary(coldWaits),
    ...figures,
    ...taskHoursAndCost(taskSeconds, price),
    scalingActions,
    peakTasks,
    meanInSystem: inSystemSum / horizon,
    ...(workload.tree ? { fanout: { makespanSeconds: makespan(workload.tree.rootAt, deletedAt) } } : {}),
    series,
  };
}

/** Root posted → last message deleted, or NaN when some message was not deleted (a tree replayed as arrivals). */
export function makespan(rootAt: number, doneAt: ArrayLike<number>): number {
  let last = -Infinity;
  for (let i = 0; i < doneAt.length; i++) {
    if (Number.isNaN(doneAt[i])) return NaN;
    if (doneAt[i] > last) last = doneAt[i];
  }
  return doneAt.length > 0 ? last - rootAt : NaN;
}
