/**
 * The sqs-task-per-message pattern (PATTERNS.md §3.5): no ECS service and no scaling policy. An SQS event source
 * mapping invokes the launcher Lambda with batches of job messages; the launcher counts the job tasks once per
 * invocation (ListTasks) and calls RunTask for each record in turn while it has free slots under maxRunningTasks;
 * a record at the cap or throttled fails (partial batch response) and becomes visible again after the queue's
 * visibility timeout; Lambda deletes the launched records when the invocation returns. Each job runs in its own
 * task: start-up, the job, stop. Capacity = tasks launched and not yet stopped.
 *
 * Sources: Lambda's SQS scaling (5 concurrent batches at first, up to 300 more a minute, at most 1,000, or the
 * mapping's maximum concurrency) [LMB-SQS]; RunTask 20 calls/s (burst and sustained) and the Fargate launch token
 * bucket of 100 with a refill of 20/s [FG-THR]; a receive beyond maxReceiveCount moves the message to the DLQ (SQS
 * redrive). The launcher's order of checks: app-code/task-per-message/launcher/launcher.ts.
 * Model parameters [judgment]: RunTask/ListTasks call time, the one-minute billing minimum, the ramp's reset.
 */
import { visibilityTimeoutForFunction } from "../../src/lambda-sqs";
import type { StackSettings } from "../../src/settings";
import {
  DEFAULT_SAMPLE_OFFSET_SECONDS,
  DEFAULT_STARTUP_DELAY_SECONDS,
  messageFigures,
  taskHoursAndCost,
  makespan,
  ModelOptions,
  newMinuteSeries,
  runIdentity,
  SimulationResult,
  taskHourPrice,
  waitSummary,
} from "./model";
import type { StrategySpec } from "./strategies";
import type { Workload } from "./workloads";

/** Lambda's SQS poller scaling [LMB-SQS scaling page]: 5 concurrent batches, up to 300 more a minute, at most 1,000. */
export const LAMBDA_SQS_SCALING = { initialBatches: 5, addedPerMinute: 300, maxBatches: 1000 } as const;

/** RunTask and Fargate launch quotas per account and Region [FG-THR]. */
export const FARGATE_LAUNCH_QUOTAS = {
  /** RunTask: 20 calls per second, burst and sustained. */
  runTaskBurst: 20,
  runTaskPerSecond: 20,
  /** Fargate task launches: a token bucket of 100, refilled at 20 per second. */
  launchBurst: 100,
  launchPerSecond: 20,
} as const;

/** The event source mapping and launcher of one task-per-message stack, as the simulator needs them. */
export interface TaskPerMessageSpec {
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  readonly maximumConcurrency: number;
  readonly maxRunningTasks: number;
  readonly launcherTimeoutSeconds: number;
  /** The job queue's visibility timeout (6 × the launcher's timeout, src/lambda-sqs.ts). */
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
  /** Seconds of one ECS API call (ListTasks, RunTask) made by the launcher. Model parameter (§3.5: ~0.1-0.5 s). */
  readonly apiCallSeconds: number;
  /** Fargate's minimum billed time per task. Model parameter: one minute [judgment, §3.5: verify pricing]. */
  readonly minimumBilledSeconds: number;
}

/** Model parameters of the launcher's ECS calls and Fargate billing [judgment], see TaskPerMessageSpec. */
export const TASK_PER_MESSAGE_MODEL = { apiCallSeconds: 0.2, minimumBilledSeconds: 60 } as const;

/** What the sqs-task-per-message stack deploys with these settings. */
export function taskPerMessageStrategy(settings: StackSettings<"sqs-task-per-message">): StrategySpec {
  const vt = visibilityTimeoutForFunction(settings.launcherTimeoutSeconds);
  const spec: TaskPerMessageSpec = {
    batchSize: settings.batchSize,
    batchingWindowSeconds: settings.batchingWindowSeconds,
    maximumConcurrency: settings.maximumConcurrency,
    maxRunningTasks: settings.maxRunningTasks,
    launcherTimeoutSeconds: settings.launcherTimeoutSeconds,
    visibilityTimeoutSeconds: vt,
    maxReceiveCount: settings.dlqMaxReceiveCount,
    ...TASK_PER_MESSAGE_MODEL,
  };
  return {
    name: "sqs-task-per-message",
    description:
      `(C') sqs-task-per-message stack: one Fargate task per message via the launcher Lambda (batch ${spec.batchSize}, ` +
      `window ${spec.batchingWindowSeconds} s, max concurrency ${spec.maximumConcurrency}), at most ${spec.maxRunningTasks} tasks, ` +
      `a job over the cap waits ${vt} s (visibility timeout), DLQ after ${spec.maxReceiveCount}; no service, no warm capacity`,
    minCapacity: 0,
    maxCapacity: spec.maxRunningTasks,
    policies: [],
    worker: {
      concurrency: 1,
      taskProtection: false,
      visibilityTimeoutSeconds: vt,
      extendsVisibility: false,
      maxReceiveCount: spec.maxReceiveCount,
      fifoGroups: 0,
    },
    taskSize: { cpuUnits: settings.cpu, memoryMiB: settings.memory },
    taskPerMessage: spec,
  };
}

/** A token bucket (RunTask's and Fargate's launch quotas). */
class TokenBucket {
  private tokens: number;
  private at = 0;
  constructor(private readonly burst: number, private readonly perSecond: number) {
    this.tokens = burst;
  }
  take(now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + (now - this.at) * this.perSecond);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

interface Invocation {
  readonly ids: number[];
  index: number;
  /** When the next call or record starts. */
  nextAt: number;
  /** Free slots under the cap, counted by the first call (ListTasks); undefined before it. */
  freeSlots: number | undefined;
  readonly launched: number[];
}

/** Simulation step: a tenth of a second, finer than one API call. */
const DT = 0.1;

const VISIBLE = 1;
const IN_FLIGHT = 2;
/** Launched: the message is deleted (or about to be) and its job runs in a task. */
const LAUNCHED = 3;
const DONE = 4;
const IN_DLQ = 5;

/** Runs the task-per-message pattern on a workload. Pure and deterministic. */
export function simulateTaskPerMessage(workload: Workload, strategy: StrategySpec, options: ModelOptions): SimulationResult {
  const spec = strategy.taskPerMessage!;
  const callsPerBatch = spec.batchSize + 1;
  if (callsPerBatch * spec.apiCallSeconds > spec.launcherTimeoutSeconds) {
    throw new Error(
      `strategy "${strategy.name}": a batch of ${spec.batchSize} needs more than the launcher's ${spec.launcherTimeoutSeconds} s timeout; not modelled`
    );
  }
  const horizon = Math.ceil(options.horizonSeconds);
  const startup = options.startupDelaySeconds ?? DEFAULT_STARTUP_DELAY_SECONDS;
  const sampleOffset = options.metricSampleOffsetSeconds ?? DEFAULT_SAMPLE_OFFSET_SECONDS;
  const price = taskHourPrice(strategy, options);
  const goal = options.desiredLatencySeconds ?? 60;
  const vt = spec.visibilityTimeoutSeconds;

  let total = 0;
  while (total < workload.arrivals.length && workload.arrivals[total] < horizon) total++;
  const arrival = workload.arrivals;
  const duration = workload.durations;
  const state = new Uint8Array(total);
  const receives = new Uint16Array(total);
  const visibleSince = new Float64Array(total);
  const doneAt = new Float64Array(total).fill(NaN);

  const minutes = Math.ceil(horizon / 60);
  const series = newMinuteSeries(minutes);

  // Visible messages in the order they became visible; failed records return in receive order (constant timeout).
  const visible: number[] = [];
  let visibleHead = 0;
  const returns: Array<{ id: number; at: number }> = [];
  let returnsHead = 0;
  let inFlight = 0;
  // Tasks ordered by start-up end and by stop (both as launched: stop order needs a sort by stop time).
  const readyQueue: number[] = [];
  let readyHead = 0;
  const taskLaunch: number[] = [];
  const taskReady: number[] = [];
  const taskStop: number[] = [];
  const taskMessage: number[] = [];
  /** Indices of live tasks, kept sorted by stop time (descending, so the next stop is last). */
  const stopping: number[] = [];
  let alive = 0;
  let running = 0;
  let peakTasks = 0;

  const api = new TokenBucket(FARGATE_LAUNCH_QUOTAS.runTaskBurst, FARGATE_LAUNCH_QUOTAS.runTaskPerSecond);
  const launches = new TokenBucket(FARGATE_LAUNCH_QUOTAS.launchBurst, FARGATE_LAUNCH_QUOTAS.launchPerSecond);
  let throttled = 0;
  let atCap = 0;
  let invocationsCount = 0;
  const invocations: Invocation[] = [];
  const concurrencyCap = Math.min(spec.maximumConcurrency, LAMBDA_SQS_SCALING.maxBatches);
  let rampLimit: number = LAMBDA_SQS_SCALING.initialBatches;

  let next = 0;
  let deleted = 0;
  let inDlq = 0;
  let inSystemSum = 0;
  let inSystem = 0;
  const coldWaits: number[] = [];
  let waitingSince = NaN;

  const visibleCount = () => visible.length - visibleHead;
  const makeVisible = (id: number, at: number) => {
    state[id] = VISIBLE;
    visibleSince[id] = at;
    visible.push(id);
  };
  const fail = (id: number, receivedAt: number) => returns.push({ id, at: receivedAt + vt });

  const steps = Math.round(horizon / DT);
  for (let k = 0; k < steps; k++) {
    const now = k * DT;
    const minute = Math.floor(now / 60);
    // Sends of this step.
    while (next < total && arrival[next] <= now) {
      makeVisible(next, arrival[next]);
      series.sent[minute]++;
      inSystem++;
      // A message sent while no job task runs waits for one (the same definition as the service model).
      if (running === 0 && Number.isNaN(waitingSince)) waitingSince = arrival[next];
      next++;
    }
    while (returnsHead < returns.length && returns[returnsHead].at <= now) {
      const r = returns[returnsHead++];
      inFlight--;
      makeVisible(r.id, r.at);
    }
    // Tasks past start-up, and stopped tasks (their job done).
    while (readyHead < readyQueue.length && taskReady[readyQueue[readyHead]] <= now) {
      readyHead++;
      running++;
      if (!Number.isNaN(waitingSince)) {
        coldWaits.push(now - waitingSince);
        waitingSince = NaN;
      }
    }
    while (stopping.length > 0 && taskStop[stopping[stopping.length - 1]] <= now) {
      const task = stopping.pop()!;
      alive--;
      running--;
      const id = taskMessage[task];
      state[id] = DONE;
      doneAt[id] = taskStop[task];
      inSystem--;
      deleted++;
      const m = Math.min(minutes - 1, Math.floor(taskStop[task] / 60));
      series.deleted[m]++;
      series.processed[m] += duration[id];
      series.processedCount[m]++;
    }

    // The launcher's invocations: ListTasks once, then one record after the other.
    for (let i = 0; i < invocations.length; ) {
      const inv = invocations[i];
      while (inv.nextAt <= now && inv.index < inv.ids.length) {
        if (inv.freeSlots === undefined) {
          inv.freeSlots = spec.maxRunningTasks - alive;
          inv.nextAt += spec.apiCallSeconds;
          continue;
        }
        const id = inv.ids[inv.index++];
        const receivedAt = visibleSince[id];
        if (inv.freeSlots <= 0) {
          atCap++;
          fail(id, receivedAt);
          continue;
        }
        const at = inv.nextAt;
        inv.nextAt += spec.apiCallSeconds;
        if (!api.take(at) || !launches.take(at)) {
          throttled++;
          fail(id, receivedAt);
          continue;
        }
        inv.freeSlots--;
        const task = taskLaunch.length;
        taskLaunch.push(at);
        taskReady.push(at + startup);
        taskStop.push(at + startup + duration[id]);
        taskMessage.push(id);
        readyQueue.push(task);
        // Insert by stop time, keeping the next stop at the end.
        let j = stopping.length;
        stopping.push(task);
        while (j > 0 && taskStop[stopping[j - 1]] < taskStop[task]) {
          stopping[j] = stopping[j - 1];
          j--;
        }
        stopping[j] = task;
        alive++;
        if (alive > peakTasks) peakTasks = alive;
        inv.launched.push(id);
      }
      if (inv.index >= inv.ids.length && inv.nextAt <= now) {
        // Lambda deletes the records that did not fail when the invocation returns.
        for (const id of inv.launched) {
          state[id] = LAUNCHED;
          inFlight--;
        }
        invocations.splice(i, 1);
      } else i++;
    }

    // New invocations: the poller's concurrency, and a batch ready (full, or the window over).
    const limit = Math.min(concurrencyCap, rampLimit);
    while (invocations.length < limit && visibleCount() > 0) {
      const head = visible[visibleHead];
      const ready = spec.batchingWindowSeconds === 0 || visibleCount() >= spec.batchSize || visibleSince[head] + spec.batchingWindowSeconds <= now;
      if (!ready) break;
      const ids: number[] = [];
      while (ids.length < spec.batchSize && visibleCount() > 0) {
        const id = visible[visibleHead++];
        receives[id]++;
        if (receives[id] > spec.maxReceiveCount) {
          state[id] = IN_DLQ;
          inDlq++;
          inSystem--;
          continue;
        }
        state[id] = IN_FLIGHT;
        visibleSince[id] = now; // from here: when it was received
        inFlight++;
        ids.push(id);
      }
      if (visibleHead > 4096 && visibleHead * 2 > visible.length) {
        visible.splice(0, visibleHead);
        visibleHead = 0;
      }
      if (ids.length === 0) continue;
      invocations.push({ ids, index: 0, nextAt: now, freeSlots: undefined, launched: [] });
      invocationsCount++;
    }

    const second = now - minute * 60;
    if (Math.abs(second - sampleOffset) < DT / 2) {
      series.visible[minute] = visibleCount();
      series.inFlight[minute] = inFlight;
      series.running[minute] = running;
    }
    if (k % Math.round(60 / DT) === Math.round(60 / DT) - 1) {
      series.desired[minute] = alive;
      // The poller adds up to 300 batches a minute while messages wait; back to 5 when none does [assumption].
      rampLimit =
        visibleCount() > 0 ? Math.min(LAMBDA_SQS_SCALING.maxBatches, rampLimit + LAMBDA_SQS_SCALING.addedPerMinute) : LAMBDA_SQS_SCALING.initialBatches;
    }
    inSystemSum += inSystem * DT;
  }

  // Billing: launch to stop, at least the minimum; a task still alive at the end counts up to the end.
  let taskSeconds = 0;
  for (let t = 0; t < taskLaunch.length; t++) {
    taskSeconds += taskStop[t] <= horizon ? Math.max(spec.minimumBilledSeconds, taskStop[t] - taskLaunch[t]) : horizon - taskLaunch[t];
  }
  const figures = messageFigures(arrival.subarray(0, total), doneAt, (id) => duration[id], horizon, goal);
  if (!Number.isNaN(waitingSince)) coldWaits.push(horizon - waitingSince);
  return {
    ...runIdentity(strategy, workload, horizon, goal, options),
    sent: total,
    deduplicated: 0,
    deleted,
    // Not done: still in the queue, or launched and still running.
    inQueue: total - deleted - inDlq,
    inDlq,
    duplicates: 0,
    interrupted: 0,
    coldStarts: waitSummary(coldWaits),
    ...figures,
    ...taskHoursAndCost(taskSeconds, price),
    scalingActions: 0,
    peakTasks,
    meanInSystem: inSystemSum / horizon,
    launches: { tasks: taskLaunch.length, invocations: invocationsCount, throttled, atCap },
    ...(workload.tree ? { fanout: { makespanSeconds: makespan(workload.tree.rootAt, doneAt) } } : {}),
    series,
  };
}
