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
 *   maximum are left invisible for the DLQ. Every processed duration goes into the app metric.
 * - Service (ECS): a desired-count increase starts tasks that take `startupDelaySeconds` (default 60 s: placement,
 *   image pull, container start) until their first receive. Scale-in stops tasks that are not yet running first,
 *   then idle ones, then busy ones: with task scale-in protection a busy task finishes its messages first (and
 *   receives no more); without it the task is stopped and its messages come back after the visibility timeout.
 *   Fargate bills a task from launch to stop (per second).
 * - Metrics (CloudWatch): SQS publishes ApproximateNumberOfMessagesVisible once a minute, a sample taken
 *   `metricSampleOffsetSeconds` into the minute; Container Insights RunningTaskCount counts tasks past start-up
 *   at the same instant. Metric math e1 = m1 / m2 yields no datapoint when m2 = 0 (CloudWatch: division by zero).
 * - Scaling policies: see autoscaling.ts. Target setter: see TargetSetterSpec; it runs the same module as the
 *   Lambda (app-code/shared/target-bpi.ts).
 */
import { computeTargetBpi, MetricDatapoint, needsUpdate, weightedMeanDuration } from "../../app-code/shared/target-bpi";
import { StepScalingPolicy, TargetTrackingPolicy } from "./autoscaling";
import { StrategySpec } from "./strategies";
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
  /** Fargate price per task-hour in USD. Default: 0.25 vCPU × $0.04048 + 0.5 GB × $0.004445 (Linux/x86, us-west-2). */
  readonly taskHourPrice?: number;
  /** Latency goal used for "share over goal". Default: the strategy's target setter latency, else 60 s. */
  readonly desiredLatencySeconds?: number;
}

export const DEFAULT_STARTUP_DELAY_SECONDS = 60;
export const DEFAULT_SAMPLE_OFFSET_SECONDS = 30;
export const DEFAULT_TASK_HOUR_PRICE = 0.25 * 0.04048 + 0.5 * 0.004445;

/** One point per simulated minute (the CloudWatch datapoints the policy saw, and the capacity). */
export interface MinuteSeries {
  /** ApproximateNumberOfMessagesVisible sample of each minute. */
  readonly visible: Float64Array;
  /** RunningTaskCount sample of each minute. */
  readonly running: Float64Array;
  /** Desired count at the end of each minute. */
  readonly desired: Float64Array;
  /** Target value at the end of each minute; NaN for step scaling. */
  readonly target: Float64Array;
}

export interface SimulationResult {
  readonly strategy: string;
  readonly workload: string;
  readonly horizonSeconds: number;
  readonly desiredLatencySeconds: number;
  /** Messages sent within the horizon. */
  readonly sent: number;
  /** Messages deleted after processing. */
  readonly deleted: number;
  /** Messages still in the queue at the end (visible or in flight). */
  readonly inQueue: number;
  /** Messages moved to the dead-letter queue. */
  readonly inDlq: number;
  /** Extra processing of messages already processed (visibility timeout ran out, or a killed task's message). */
  readonly duplicates: number;
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
  readonly series: MinuteSeries;
}

const VISIBLE = 1;
const IN_FLIGHT = 2;
const DELETED = 3;
const IN_DLQ = 4;

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

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

/** Runs one strategy on one workload. Pure and deterministic: same inputs, same result. */
export function simulate(workload: Workload, strategy: StrategySpec, options: ModelOptions): SimulationResult {
  const horizon = Math.ceil(options.horizonSeconds);
  const startupDelay = options.startupDelaySeconds ?? DEFAULT_STARTUP_DELAY_SECONDS;
  const sampleOffset = options.metricSampleOffsetSeconds ?? DEFAULT_SAMPLE_OFFSET_SECONDS;
  const delay = options.metricDelayMinutes ?? 0;
  const price = options.taskHourPrice ?? DEFAULT_TASK_HOUR_PRICE;
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
  const duration = workload.durations;
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
  let visibleCount = 0;
  let inFlightCount = 0;
  /** Messages whose invisibility ends at `at`, valid while the message still has `receives` receives. */
  let expiries: Array<{ id: number; at: number; receives: number }> = [];

  const minutes = Math.ceil(horizon / 60);
  const series: MinuteSeries = {
    visible: new Float64Array(minutes),
    running: new Float64Array(minutes),
    desired: new Float64Array(minutes),
    target: new Float64Array(minutes).fill(NaN),
  };
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
  let inDlq = 0;
  let deleted = 0;
  let inSystemSum = 0;

  const policy = strategy.policy;
  const tracking =
    policy.kind === "target-tracking"
      ? new TargetTrackingPolicy(policy.target, strategy, policy.scaleOutCooldownSeconds, policy.scaleInCooldownSeconds, options.scaleInMaxFraction)
      : undefined;
  const stepping = policy.kind === "step-scaling" ? new StepScalingPolicy(policy.steps, strategy, policy.cooldownSeconds) : undefined;
  let metricBroken = false;
  const setter = strategy.targetSetter;

  const abandon = (task: Task, slot: number, now: number) => {
    const id = task.message[slot];
    if (id < 0) return;
    task.message[slot] = -1;
    if (state[id] !== IN_FLIGHT) return;
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

  const complete = (id: number, at: number) => {
    const datapoint = appMetric[Math.min(minutes, Math.floor(at / 60))];
    datapoint.sum += duration[id];
    datapoint.sampleCount++;
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

  let nextSend = 0;
  for (let t = 0; t < horizon; t++) {
    const tickEnd = t + 1;

    // Sends.
    while (nextSend < total && arrival[nextSend] < tickEnd) {
      state[nextSend] = VISIBLE;
      visibleSince[nextSend] = arrival[nextSend];
      groups[groupOf(nextSend)].push(nextSend);
      visibleCount++;
      nextSend++;
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
            complete(current, task.freeAt[s]);
            task.message[s] = -1;
          }
          if (task.draining || visibleCount === 0) break;
          const id = oldestReceivable();
          if (id < 0) break;
          const g = groupOf(id);
          const at = Math.max(task.freeAt[s], visibleSince[id], fifo ? groupFreeAt[g] : 0);
          visibleCount--;
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

    // CloudWatch samples.
    const minute = Math.floor(t / 60);
    const second = t - minute * 60;
    if (second === sampleOffset) {
      series.visible[minute] = visibleCount;
      let running = 0;
      for (const task of tasks) if (task.readyAt <= t) running++;
      series.running[minute] = running;
    }

    // Minute boundary: the target setter's schedule, then the policy on the datapoint of the minute that ended.
    if (second === 59) {
      const now = tickEnd;
      if (setter && tracking && now % setter.everySeconds === 0) {
        const from = Math.max(0, minute + 1 - setter.lookbackMinutes);
        const mean = weightedMeanDuration(appMetric.slice(from, minute + 1));
        const next = computeTargetBpi(mean, {
          desiredLatencySeconds: setter.desiredLatencySeconds,
          defaultDurationSeconds: setter.defaultDurationSeconds,
          concurrency,
        }).target;
        if (needsUpdate(tracking.target, next, setter.updateThreshold)) tracking.target = next;
        if (setter.breaksMetric) metricBroken = true;
      }
      let proposal: number | undefined;
      const seen = minute - delay; // the newest datapoint the alarms have
      if (tracking && policy.kind === "target-tracking") {
        const visible = series.visible[seen];
        const running = series.running[seen];
        const value =
          seen < 0 ? undefined : policy.metric === "queue-depth" ? visible : running === 0 || metricBroken ? undefined : visible / running;
        proposal = tracking.evaluate(value, desired, now);
      } else if (stepping && policy.kind === "step-scaling" && (seen + 1) % policy.periodMinutes === 0 && seen >= 0) {
        let max = 0;
        for (let m = Math.max(0, seen + 1 - policy.periodMinutes); m <= seen; m++) max = Math.max(max, series.visible[m]);
        proposal = stepping.evaluate(max, desired, now);
      }
      if (proposal !== undefined && proposal !== desired) setDesired(proposal, now);
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
  const latencies = new Float64Array(total);
  let over = 0;
  let work = 0;
  let latencySum = 0;
  for (let i = 0; i < total; i++) {
    const l = Number.isNaN(deletedAt[i]) ? horizon - arrival[i] : deletedAt[i] - arrival[i];
    latencies[i] = l;
    latencySum += l;
    if (l > goal) over++;
    if (duration[i] <= maxDuration) work += duration[i];
  }
  latencies.sort();
  return {
    strategy: strategy.name,
    workload: workload.name,
    horizonSeconds: horizon,
    desiredLatencySeconds: goal,
    sent: total,
    deleted,
    inQueue: visibleCount + inFlightCount,
    inDlq,
    duplicates,
    latency: {
      p50: percentile(latencies, 0.5),
      p95: percentile(latencies, 0.95),
      p99: percentile(latencies, 0.99),
      max: total > 0 ? latencies[total - 1] : 0,
      mean: total > 0 ? latencySum / total : 0,
    },
    overGoalShare: total > 0 ? over / total : 0,
    taskHours: taskSeconds / 3600,
    cost: (taskSeconds / 3600) * price,
    scalingActions,
    peakTasks,
    workHours: work / 3600,
    meanInSystem: inSystemSum / horizon,
    series,
  };
}
