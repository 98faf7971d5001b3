/**
 * Workloads: when each message is sent and how long the worker needs for it.
 *
 * A workload is plain data (two parallel arrays sorted by send time), so the model never depends on how it was
 * made: a generator below, or a CSV trace of a real system. Generators are seeded: the same name, horizon and
 * seed give the same messages on any machine.
 */
import * as fs from "node:fs";
import { gapSeconds } from "../../app-code/producer-service/config";
import { AWSTUT_PUBLISHED } from "../../src/scaling/queue-depth-tracking";
import { SyntheticTree, TreeShape } from "../../app-code/recursive-fanout/synthetic-tree";
import { loadSettings } from "../../src/settings";
import { treeShapeOf } from "../../src/settings/sqs-recursive-fanout";
import { exponential, Random, seededRandom, uniform } from "./random";

export interface Workload {
  readonly name: string;
  readonly description: string;
  /** Seconds from the start at which each message is sent, ascending. */
  readonly arrivals: Float64Array;
  /** Processing time of each message in seconds (the `duration` field the worker sleeps for). */
  readonly durations: Float64Array;
  /**
   * Deduplication id of each send, standing for its body on a queue with content-based deduplication (which
   * hashes the body). Unset: every send is distinct (as the project's producer writes unique ids).
   */
  readonly deduplicationIds?: readonly string[];
  /**
   * A workload whose processing generates messages (the recursive fan-out's tree): a strategy that posts children
   * (sqs-recursive-fanout) generates it from this; the others see `arrivals` (its node stream) as external sends.
   */
  readonly tree?: { readonly shape: TreeShape; readonly rootAt: number };
}

export interface WorkloadOptions {
  /** Simulated time in seconds; messages are sent in [0, horizon). */
  readonly horizonSeconds: number;
  /** Seed of the random generator (ignored by workloads without randomness). */
  readonly seed: number;
}

export class WorkloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WorkloadError";
  }
}

/**
 * Builds a workload from (time, duration) pairs, or (time, duration, deduplication id) triples, given in any order
 * (a stable sort: sends at the same time keep their order).
 */
export function workloadFrom(name: string, description: string, pairs: Array<[number, number] | [number, number, string]>): Workload {
  const sorted = pairs.map((p, i) => [p, i] as const).sort((a, b) => a[0][0] - b[0][0] || a[1] - b[1]).map(([p]) => p);
  const withIds = sorted.some((p) => p.length > 2);
  return {
    name,
    description,
    arrivals: Float64Array.from(sorted, (p) => p[0]),
    durations: Float64Array.from(sorted, (p) => p[1]),
    ...(withIds ? { deduplicationIds: sorted.map((p, i) => (p.length > 2 ? p[2]! : `#${i}`)) } : {}),
  };
}

/** Poisson arrivals whose rate (messages per second) may change with time, by thinning a process at `maxRate`. */
function poisson(
  random: Random,
  horizon: number,
  maxRate: number,
  rateAt: (t: number) => number,
  durationAt: (t: number) => number,
  into: Array<[number, number]>,
): void {
  for (let t = exponential(random, maxRate); t < horizon; t += exponential(random, maxRate)) {
    if (random() * maxRate < rateAt(t)) into.push([t, durationAt(t)]);
  }
}

/**
 * The blueprint's test traffic: the producer Lambda runs every minute (EventBridge `rate(1 minute)`) and sends
 * 50 messages of 5 s each (the blueprint's defaults). 24 h = 72,000 messages.
 */
export function blueprintWorkload(o: WorkloadOptions, messagesPerRun = 50, durationSeconds = 5): Workload {
  const pairs: Array<[number, number]> = [];
  for (let minute = 0; minute * 60 < o.horizonSeconds; minute++) {
    for (let i = 0; i < messagesPerRun; i++) pairs.push([minute * 60, durationSeconds]);
  }
  return workloadFrom(
    "blueprint",
    `${messagesPerRun} messages of ${durationSeconds} s every minute (the blueprint's producer)`,
    pairs,
  );
}

/**
 * Quiet periods and spikes: a trickle of 5 messages a minute (Poisson), and every 30 to 90 minutes a spike of 10
 * to 30 minutes at 40 to 90 messages a minute; processing 3 to 7 s. The peak needs 7.5 tasks, so a scaler
 * that reacts in time can keep the latency goal with 10.
 */
export function burstyWorkload(o: WorkloadOptions): Workload {
  const random = seededRandom(o.seed);
  const pairs: Array<[number, number]> = [];
  const duration = () => uniform(random, 3, 7);
  const spikes: Array<{ from: number; to: number; rate: number }> = [];
  for (let t = uniform(random, 30, 90) * 60; t < o.horizonSeconds; ) {
    const length = uniform(random, 10, 30) * 60;
    spikes.push({ from: t, to: t + length, rate: uniform(random, 40, 90) / 60 });
    t += length + uniform(random, 30, 90) * 60;
  }
  const base = 5 / 60;
  const rateAt = (t: number) => spikes.find((s) => t >= s.from && t < s.to)?.rate ?? base;
  poisson(random, o.horizonSeconds, 90 / 60, rateAt, duration, pairs);
  return workloadFrom("bursty", "5 msg/min; every 30-90 min a 10-30 min spike at 40-90 msg/min; 3-7 s each", pairs);
}

/**
 * A day's ramp: Poisson arrivals whose rate rises from 5 to 100 messages a minute at mid-day and falls back
 * (one cosine period per 24 h); 5 s each.
 */
export function diurnalWorkload(o: WorkloadOptions): Workload {
  const random = seededRandom(o.seed);
  const day = 24 * 3600;
  const low = 5 / 60;
  const high = 100 / 60;
  const rateAt = (t: number) => low + ((high - low) * (1 - Math.cos((2 * Math.PI * t) / day))) / 2;
  const pairs: Array<[number, number]> = [];
  poisson(random, o.horizonSeconds, high, rateAt, () => 5, pairs);
  return workloadFrom("diurnal", "Poisson, 5 -> 100 -> 5 msg/min over 24 h; 5 s each", pairs);
}

/**
 * The blueprint's traffic whose processing time doubles half-way through (5 s, then 10 s): a fixed target of
 * 12 messages per task then means 120 s of backlog per task, so only a target that follows the duration keeps
 * the latency goal.
 */
export function durationShiftWorkload(o: WorkloadOptions): Workload {
  const pairs: Array<[number, number]> = [];
  const half = o.horizonSeconds / 2;
  for (let minute = 0; minute * 60 < o.horizonSeconds; minute++) {
    const t = minute * 60;
    for (let i = 0; i < 50; i++) pairs.push([t, t < half ? 5 : 10]);
  }
  return workloadFrom("duration-shift", "50 msg/min; 5 s each, 10 s each from half-time", pairs);
}

/**
 * The awstut producer service [S0-T `service1/main.py`]: one message, then a wait of randint(10, 60) s (the
 * producer service's own `gapSeconds`, integers 10..60, mean 35 s, about 1.7 messages a minute); the worker sleeps
 * 60 s per message (`Interval`), which is the duration here.
 */
export function awstutWorkload(o: WorkloadOptions): Workload {
  const random = seededRandom(o.seed);
  const { gapMinSeconds, gapMaxSeconds } = AWSTUT_PUBLISHED.producer!;
  const work = AWSTUT_PUBLISHED.worker.workSeconds;
  const pairs: Array<[number, number]> = [];
  for (let t = 0; t < o.horizonSeconds; t += gapSeconds(gapMinSeconds, gapMaxSeconds, random)) pairs.push([t, work]);
  return workloadFrom("awstut", `awstut producer: one message every randint(${gapMinSeconds}, ${gapMaxSeconds}) s; ${work} s each`, pairs);
}

/** Bursts of the idle day [judgment, model parameters]: how many, jobs per burst, job length. */
export const IDLE_DAY = { bursts: 4, jobsMin: 2, jobsMax: 5, durationMinSeconds: 300, durationMaxSeconds: 1200 } as const;

/**
 * An otherwise empty day with a few bursts of long jobs (where scaling to zero should pay): 4 bursts at random
 * times, each 2 to 5 jobs sent within one minute, 5 to 20 min each.
 */
export function idleDayWorkload(o: WorkloadOptions): Workload {
  const random = seededRandom(o.seed);
  const p = IDLE_DAY;
  const pairs: Array<[number, number]> = [];
  for (let b = 0; b < p.bursts; b++) {
    const at = uniform(random, 0, o.horizonSeconds);
    const jobs = p.jobsMin + Math.floor(random() * (p.jobsMax - p.jobsMin + 1));
    for (let j = 0; j < jobs; j++) {
      const t = at + uniform(random, 0, 60);
      const d = uniform(random, p.durationMinSeconds, p.durationMaxSeconds);
      if (t < o.horizonSeconds) pairs.push([t, d]);
    }
  }
  return workloadFrom(
    "idle-day",
    `${p.bursts} bursts at random times of ${p.jobsMin}-${p.jobsMax} jobs sent within a minute, ${p.durationMinSeconds / 60}-${p.durationMaxSeconds / 60} min each; nothing else`,
    pairs,
  );
}

/**
 * Long jobs arriving irregularly [judgment, model parameters] (PATTERNS.md §3.1: long, independent, irregular jobs,
 * where task-per-message should win): a Poisson trickle, plus a few bursts of jobs sent within minutes; each job
 * 10 to 60 minutes.
 */
export const LONG_JOBS = {
  perHour: 2,
  bursts: 3,
  burstJobsMin: 5,
  burstJobsMax: 15,
  burstSpreadSeconds: 300,
  durationMinSeconds: 600,
  durationMaxSeconds: 3600,
} as const;

export function longJobsWorkload(o: WorkloadOptions): Workload {
  const random = seededRandom(o.seed);
  const p = LONG_JOBS;
  const duration = () => uniform(random, p.durationMinSeconds, p.durationMaxSeconds);
  const pairs: Array<[number, number]> = [];
  poisson(random, o.horizonSeconds, p.perHour / 3600, () => p.perHour / 3600, duration, pairs);
  for (let b = 0; b < p.bursts; b++) {
    const at = uniform(random, 0, o.horizonSeconds);
    const jobs = p.burstJobsMin + Math.floor(random() * (p.burstJobsMax - p.burstJobsMin + 1));
    for (let j = 0; j < jobs; j++) {
      const t = at + uniform(random, 0, p.burstSpreadSeconds);
      if (t < o.horizonSeconds) pairs.push([t, duration()]);
    }
  }
  return workloadFrom(
    "long-jobs",
    `Poisson ${p.perHour} jobs/h plus ${p.bursts} bursts of ${p.burstJobsMin}-${p.burstJobsMax} jobs within ${p.burstSpreadSeconds / 60} min; ` +
      `${p.durationMinSeconds / 60}-${p.durationMaxSeconds / 60} min each`,
    pairs,
  );
}

/** When the tree's root is posted [judgment]: an hour in, so every service has settled at its minimum. */
export const TREE_ROOT_AT_SECONDS = 3600;

/**
 * The recursive fan-out's demo tree (PATTERNS.md §4.4): the app's synthetic tree with the stack's shape settings
 * (branching, depth, extra edges, node times; seed = the workload seed), its root posted once. Its node stream
 * for strategies that post no children [judgment]: each node sent when its parent would have posted it with
 * unlimited parallelism and no start-up (parent sent + parent's node time, breadth-first, each node once as the
 * claim makes it), its node time as the duration.
 */
export function treeWorkload(o: WorkloadOptions, shape: Omit<TreeShape, "seed">, rootAt = TREE_ROOT_AT_SECONDS, maxDepth = Infinity): Workload {
  const full: TreeShape = { ...shape, seed: o.seed };
  const tree = new SyntheticTree(full);
  const sentAt = new Float64Array(tree.size).fill(NaN);
  const depth = new Int32Array(tree.size);
  const order = [0];
  sentAt[0] = rootAt;
  for (let i = 0; i < order.length; i++) {
    const n = order[i];
    if (depth[n] >= maxDepth) continue;
    for (const c of tree.children(n)) {
      if (!Number.isNaN(sentAt[c])) continue;
      sentAt[c] = sentAt[n] + tree.nodeTimeSeconds(n);
      depth[c] = depth[n] + 1;
      order.push(c);
    }
  }
  const pairs = order.filter((n) => sentAt[n] < o.horizonSeconds).map((n) => [sentAt[n], tree.nodeTimeSeconds(n)] as [number, number]);
  const w = workloadFrom(
    "tree",
    `one run of the fan-out's synthetic tree at ${rootAt / 60} min: branching ${shape.branching}, depth ${shape.depth}, ` +
      `extra edges ${shape.extraEdgeRate}, ${shape.nodeTimeMinSeconds}-${shape.nodeTimeMaxSeconds} s per node (${tree.size} nodes); ` +
      `others see its node stream as arrivals`,
    pairs,
  );
  return { ...w, tree: { shape: full, rootAt } };
}

/** The tree of the sqs-recursive-fanout stack's default settings. */
function defaultTreeWorkload(o: WorkloadOptions): Workload {
  const s = loadSettings({}).stacks["sqs-recursive-fanout"];
  return treeWorkload(o, treeShapeOf(s, o.seed), TREE_ROOT_AT_SECONDS, s.maxDepth);
}

/**
 * A trace: CSV lines `arrival_seconds,duration_seconds[,deduplication_id]` (an optional header line is skipped;
 * blank lines and lines starting with # are ignored). The optional third column stands for the message body on a
 * queue with content-based deduplication: a repeat within 5 minutes is dropped by a FIFO queue. Messages sent at or
 * after the horizon are dropped.
 */
export function parseCsvTrace(name: string, text: string, horizonSeconds = Infinity): Workload {
  const pairs: Array<[number, number] | [number, number, string]> = [];
  let firstLine = true;
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    const header = firstLine;
    firstLine = false;
    const cells = trimmed.split(",").map((c) => c.trim());
    const numeric = cells.length >= 2 && cells.slice(0, 2).every((c) => /^(\d+(\.\d*)?|\.\d+)$/.test(c));
    if (!numeric) {
      if (header) return;
      throw new WorkloadError(
        `${name}, line ${index + 1}: "${trimmed}" is not valid; allowed: arrival_seconds,duration_seconds[,deduplication_id] with numbers >= 0`,
      );
    }
    const arrival = Number(cells[0]);
    if (arrival >= horizonSeconds) return;
    pairs.push(cells.length > 2 && cells[2] !== "" ? [arrival, Number(cells[1]), cells[2]] : [arrival, Number(cells[1])]);
  });
  if (pairs.length === 0) {
    throw new WorkloadError(`${name}: no messages before the horizon; allowed: at least one line arrival_seconds,duration_seconds`);
  }
  return workloadFrom(name, `CSV trace ${name}`, pairs);
}

/** The built-in workloads by name, in report order. */
const BUILT_IN: Record<string, (o: WorkloadOptions) => Workload> = {
  blueprint: (o) => blueprintWorkload(o),
  bursty: burstyWorkload,
  diurnal: diurnalWorkload,
  "duration-shift": durationShiftWorkload,
  awstut: awstutWorkload,
  "idle-day": idleDayWorkload,
  "long-jobs": longJobsWorkload,
  tree: defaultTreeWorkload,
};

/** Built-in workload names, in report order. */
export const BUILT_IN_WORKLOADS: readonly string[] = Object.keys(BUILT_IN);

/** A built-in workload by name, or a CSV trace given as `csv:<path>`. */
export function makeWorkload(spec: string, o: WorkloadOptions): Workload {
  if (Object.hasOwn(BUILT_IN, spec)) return BUILT_IN[spec](o);
  if (spec.startsWith("csv:")) {
    const file = spec.slice(4);
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (e) {
      throw new WorkloadError(`workload "${spec}": cannot read ${file} (${(e as Error).message})`);
    }
    const base = file.replace(/^.*[\\/]/, "").replace(/\.csv$/i, "");
    return parseCsvTrace(base, text, o.horizonSeconds);
  }
  throw new WorkloadError(`workload "${spec}" is unknown; allowed: ${BUILT_IN_WORKLOADS.join(", ")}, all, or csv:<path>`);
}
