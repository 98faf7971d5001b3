/**
 * The sqs-recursive-fanout pattern (PATTERNS.md §4.4): a worker service whose tasks process one node at a time
 * and post the node's children to the same queue, and a publisher Lambda that every minute samples the queue and
 * the service live and publishes backlog per task (app-code/shared/backlog-per-task.ts, the formula the publisher
 * runs), on which target tracking scales the service between 1 and maxParallelNodes.
 *
 * Modelled as the stack deploys it: children are claimed when posted (the visited set), so a duplicate edge, a
 * cycle or a cross edge posts nothing; children become visible when the parent posts them, before its delete;
 * tasks are protected from scale-in while busy (a busy task over the desired count finishes its node, then stops);
 * the visibility heartbeat means no redelivery. On a tree workload the tree comes from the app's synthetic tree
 * (app-code/recursive-fanout/synthetic-tree.ts); on any other workload its messages are leaf nodes.
 * Target tracking: autoscaling.ts's TargetTrackingPolicy (alarm datapoints, cooldowns, proportional scale-out).
 * Not modelled: redelivery after a crash, the DLQ, the missing-data alarm.
 */
import { backlogPerTask } from "../../app-code/shared/backlog-per-task";
import { SyntheticTree } from "../../app-code/recursive-fanout/synthetic-tree";
import type { StackSettings } from "../../src/settings";
import { ScalableTarget, TargetTrackingPolicy } from "./autoscaling";
import {
  DEFAULT_SAMPLE_OFFSET_SECONDS,
  DEFAULT_STARTUP_DELAY_SECONDS,
  messageFigures,
  taskHoursAndCost,
  ModelOptions,
  newMinuteSeries,
  runIdentity,
  SimulationResult,
  taskHourPrice,
  waitSummary,
} from "./model";
import { rateSeconds, StrategySpec } from "./strategies";
import type { Workload } from "./workloads";

export interface FanoutSpec {
  readonly maxParallelNodes: number;
  readonly targetBacklogPerTask: number;
  readonly scaleOutCooldownSeconds: number;
  readonly scaleInCooldownSeconds: number;
  /** Seconds between the publisher's samples (its EventBridge rate). */
  readonly publisherEverySeconds: number;
  readonly countInFlight: boolean;
  /** Deepest level whose children are still posted. */
  readonly maxDepth: number;
}

/** What the sqs-recursive-fanout stack deploys with these settings. */
export function recursiveFanoutStrategy(settings: StackSettings<"sqs-recursive-fanout">): StrategySpec {
  const every = rateSeconds(settings.publisherSchedule);
  if (every !== 60) {
    // Target tracking evaluates 1-minute datapoints; a slower publisher leaves gaps (INSUFFICIENT_DATA) not modelled here.
    throw new Error(`publisherSchedule "${settings.publisherSchedule}" cannot be simulated; allowed here: rate(1 minute)`);
  }
  const spec: FanoutSpec = {
    maxParallelNodes: settings.maxParallelNodes,
    targetBacklogPerTask: settings.targetBacklogPerTask,
    scaleOutCooldownSeconds: settings.scaleOutCooldownSeconds,
    scaleInCooldownSeconds: settings.scaleInCooldownSeconds,
    publisherEverySeconds: every,
    countInFlight: settings.countInFlight,
    maxDepth: settings.maxDepth,
  };
  return {
    name: "sqs-recursive-fanout",
    description:
      `(D') sqs-recursive-fanout stack: target tracking on backlog per task (${spec.countInFlight ? "visible + in flight" : "visible"} ÷ max(running, 1), ` +
      `published live every minute), target ${spec.targetBacklogPerTask}, cooldowns out ${spec.scaleOutCooldownSeconds} s / in ${spec.scaleInCooldownSeconds} s, ` +
      `1..${spec.maxParallelNodes}, one node per task, children claimed and posted by the worker, protection`,
    minCapacity: 1,
    maxCapacity: spec.maxParallelNodes,
    policies: [],
    worker: {
      concurrency: 1,
      taskProtection: true,
      visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
      extendsVisibility: true,
      maxReceiveCount: settings.dlqMaxReceiveCount,
      fifoGroups: 0,
    },
    taskSize: { cpuUnits: settings.cpu, memoryMiB: settings.memory },
    fanout: spec,
  };
}

/** Simulation step: a tenth of a second (node times are 1-3 s by default). */
const DT = 0.1;

interface Task {
  readyAt: number;
  /** Node in process, or -1. */
  node: number;
  busyUntil: number;
  receivedAt: number;
  draining: boolean;
  readonly launchedAt: number;
  stoppedAt: number;
}

/** Runs the recursive fan-out on a workload: its tree when it has one, else its messages as leaf nodes. */
export function simulateRecursiveFanout(workload: Workload, strategy: StrategySpec, options: ModelOptions): SimulationResult {
  const spec = strategy.fanout!;
  const horizon = Math.ceil(options.horizonSeconds);
  const startup = options.startupDelaySeconds ?? DEFAULT_STARTUP_DELAY_SECONDS;
  const sampleOffset = options.metricSampleOffsetSeconds ?? DEFAULT_SAMPLE_OFFSET_SECONDS;
  const delay = options.metricDelayMinutes ?? 0;
  const price = taskHourPrice(strategy, options);
  const goal = options.desiredLatencySeconds ?? 60;

  // Messages: one per posted node (tree) or per send (other workloads). Struct of growable arrays.
  const tree = workload.tree ? new SyntheticTree(workload.tree.shape) : undefined;
  const postedAt: number[] = [];
  const nodeOf: number[] = [];
  const depthOf: number[] = [];
  const doneAt: number[] = [];
  const workOf: number[] = [];
  const claimed = tree ? new Uint8Array(tree.size) : new Uint8Array(0);
  let duplicateEdges = 0;
  let pruned = 0;
  const visible: number[] = [];
  let visibleHead = 0;
  let inFlight = 0;
  const post = (node: number, depth: number, at: number, work: number) => {
    const id = postedAt.length;
    postedAt.push(at);
    nodeOf.push(node);
    depthOf.push(depth);
    doneAt.push(NaN);
    workOf.push(work);
    visible.push(id);
  };
  const rootAt = workload.tree?.rootAt ?? 0;
  let external = 0;
  const externalCount = tree ? 0 : workload.arrivals.length;

  const minutes = Math.ceil(horizon / 60);
  const series = newMinuteSeries(minutes);

  const bounds = { minCapacity: 1, maxCapacity: spec.maxParallelNodes };
  const policy = new TargetTrackingPolicy(
    spec.targetBacklogPerTask,
    bounds,
    spec.scaleOutCooldownSeconds,
    spec.scaleInCooldownSeconds,
    options.scaleInMaxFraction
  );
  const scalable = new ScalableTarget([policy]);
  const published: number[] = [];
  // The service runs at its minimum from the start.
  const tasks: Task[] = [
    {
      readyAt: 0,
      node: -1,
      busyUntil: 0,
      receivedAt: 0,
      draining: false,
      launchedAt: 0,
      stoppedAt: Infinity,
    },
  ];
  const stopped: Task[] = [];
  let desired = 1;
  let scalingActions = 0;
  let peakTasks = 1;
  let peakBacklog = 0;
  let atMaxSeconds = 0;
  let deleted = 0;
  let lastDoneAt = NaN;
  let inSystemSum = 0;

  const live = () => tasks.filter((t) => t.stoppedAt === Infinity);
  const setDesired = (next: number, now: number) => {
    scalingActions++;
    const alive = live().filter((t) => !t.draining);
    if (next > alive.length) {
      for (let i = alive.length; i < next; i++)
        tasks.push({
          readyAt: now + startup,
          node: -1,
          busyUntil: 0,
          receivedAt: 0,
          draining: false,
          launchedAt: now,
          stoppedAt: Infinity,
        });
    } else {
      // Scale-in stops tasks still starting first, then idle ones; a busy (protected) one finishes its node first.
      let excess = alive.length - next;
      const order = [...alive.filter((t) => t.readyAt > now), ...alive.filter((t) => t.readyAt <= now && t.node < 0), ...alive.filter((t) => t.node >= 0)];
      for (const t of order) {
        if (excess-- <= 0) break;
        if (t.node >= 0) t.draining = true;
        else t.stoppedAt = now;
      }
    }
    desired = next;
  };

  const steps = Math.round(horizon / DT);
  for (let k = 0; k < steps; k++) {
    const now = k * DT;
    const minute = Math.floor(now / 60);
    if (tree && k === Math.round(rootAt / DT)) {
      claimed[0] = 1;
      post(0, 0, rootAt, tree.nodeTimeSeconds(0));
      series.sent[minute]++;
    }
    while (external < externalCount && workload.arrivals[external] <= now) {
      post(external, 0, workload.arrivals[external], workload.durations[external]);
      series.sent[minute]++;
      external++;
    }
    let running = 0;
    let alive = 0;
    for (const t of tasks) {
      if (t.stoppedAt !== Infinity) continue;
      alive++;
      if (t.readyAt > now) continue;
      if (t.node >= 0 && t.busyUntil <= now) {
        const id = t.node;
        const end = t.busyUntil;
        if (tree) {
          // The worker claims each child (conditional put) and posts only the claimed ones, then deletes the parent.
          const node = nodeOf[id];
          const children = tree.children(node);
          if (depthOf[id] >= spec.maxDepth) pruned += children.length;
          else
            for (const c of children) {
              if (claimed[c]) {
                duplicateEdges++;
                continue;
              }
              claimed[c] = 1;
              post(c, depthOf[id] + 1, end, tree.nodeTimeSeconds(c));
              series.sent[Math.min(minutes - 1, Math.floor(end / 60))]++;
            }
        }
        inFlight--;
        deleted++;
        doneAt[id] = end;
        lastDoneAt = end;
        const m = Math.min(minutes - 1, Math.floor(end / 60));
        series.deleted[m]++;
        series.processed[m] += workOf[id];
        series.processedCount[m]++;
        t.node = -1;
        if (t.draining) {
          t.stoppedAt = end;
          alive--;
          continue;
        }
      }
      if (t.node < 0 && !t.draining && visible.length > visibleHead) {
        const id = visible[visibleHead++];
        t.node = id;
        t.receivedAt = now;
        t.busyUntil = now + workOf[id];
        inFlight++;
      }
      running++;
    }
    if (visibleHead > 4096 && visibleHead * 2 > visible.length) {
      visible.splice(0, visibleHead);
      visibleHead = 0;
    }
    const waiting = visible.length - visibleHead;
    if (waiting + inFlight > peakBacklog) peakBacklog = waiting + inFlight;
    inSystemSum += (waiting + inFlight) * DT;
    if (desired === spec.maxParallelNodes) atMaxSeconds += DT;

    const second = now - minute * 60;
    if (Math.abs(second - sampleOffset) < DT / 2) {
      series.visible[minute] = waiting;
      series.inFlight[minute] = inFlight;
      series.running[minute] = running;
    }
    if (k % Math.round(60 / DT) === Math.round(60 / DT) - 1) {
      // The publisher: a live sample at the end of each minute, the shared formula, one datapoint.
      published[minute] = backlogPerTask({ visible: waiting, inFlight, runningTasks: running }, spec.countInFlight).value;
      const seen = minute - delay;
      if (seen >= 0) {
        const value = published[seen];
        series.metric[minute] = value;
        const proposed = policy.propose(value, desired, now);
        const next = proposed === undefined ? undefined : scalable.decide([{ policy, capacity: proposed }], desired, now);
        if (next !== undefined && next !== desired) setDesired(next, now);
      }
      series.desired[minute] = desired;
      series.target[minute] = policy.target;
      // Drop stopped tasks from the hot loop.
      for (let i = tasks.length - 1; i >= 0; i--) if (tasks[i].stoppedAt !== Infinity) stopped.push(...tasks.splice(i, 1));
    }
    if (alive > peakTasks) peakTasks = alive;
  }

  let taskSeconds = 0;
  for (const t of [...tasks, ...stopped]) taskSeconds += Math.min(horizon, t.stoppedAt) - Math.min(horizon, t.launchedAt);
  const sent = postedAt.length;
  const figures = messageFigures(postedAt, doneAt, (id) => workOf[id], horizon, goal);
  const finished = deleted === sent && (tree ? true : external === externalCount);
  return {
    ...runIdentity(strategy, workload, horizon, goal, options),
    sent,
    deduplicated: 0,
    deleted,
    inQueue: sent - deleted,
    inDlq: 0,
    duplicates: 0,
    interrupted: 0,
    // The service never goes below one running task: no message waits for a task.
    coldStarts: waitSummary([]),
    ...figures,
    ...taskHoursAndCost(taskSeconds, price),
    scalingActions,
    peakTasks,
    meanInSystem: inSystemSum / horizon,
    ...(tree
      ? {
          fanout: {
            makespanSeconds: finished ? lastDoneAt - rootAt : NaN,
            nodes: sent,
            duplicateEdges,
            pruned,
            peakBacklog,
            atMaxSeconds,
          },
        }
      : {}),
    series,
  };
}
