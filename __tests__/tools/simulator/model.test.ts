import { testSettings } from "../../helpers";
import { simulate } from "../../../tools/simulator/model";
import {
  BLUEPRINT_INTENDED,
  BLUEPRINT_PUBLISHED,
  projectStrategy,
  reactiveReference,
  StrategySpec,
} from "../../../tools/simulator/strategies";
import { blueprintWorkload, burstyWorkload, durationShiftWorkload, Workload, workloadFrom } from "../../../tools/simulator/workloads";

/** A fixed-size service: min = max, so no policy acts. */
function fixed(tasks: number, worker: Partial<StrategySpec["worker"]> = {}): StrategySpec {
  return {
    name: "fixed",
    description: "fixed size",
    minCapacity: tasks,
    maxCapacity: tasks,
    policies: [{ kind: "target-tracking", metric: "backlog-per-task", target: 1e9, scaleOutCooldownSeconds: 0, scaleInCooldownSeconds: 0 }],
    worker: { concurrency: 1, taskProtection: true, visibilityTimeoutSeconds: 30, extendsVisibility: true, fifoGroups: 0, ...worker },
  };
}

const conservation = (r: ReturnType<typeof simulate>) => expect(r.deleted + r.inQueue + r.inDlq).toBe(r.sent);

describe("queue and worker", () => {
  test("one task processes messages one at a time, oldest first; latency is send to delete", () => {
    const w = workloadFrom("t", "t", [
      [0, 10],
      [0, 10],
      [5, 10],
    ]);
    const r = simulate(w, fixed(1), { horizonSeconds: 120 });
    expect(r.deleted).toBe(3);
    expect([r.latency.p50, r.latency.max]).toEqual([20, 25]); // finishes at 10, 20, 30 -> latencies 10, 20, 25
    expect(r.latency.mean).toBeCloseTo((10 + 20 + 25) / 3, 9);
  });

  test("FIFO: one message of a group in flight at a time, even with idle tasks", () => {
    const pairs: Array<[number, number]> = [
      [0, 10],
      [0, 10],
      [0, 10],
      [0, 10],
    ];
    const oneGroup = simulate(workloadFrom("t", "t", pairs), fixed(4, { fifoGroups: 1 }), { horizonSeconds: 120 });
    const twoGroups = simulate(workloadFrom("t", "t", pairs), fixed(4, { fifoGroups: 2 }), { horizonSeconds: 120 });
    expect(oneGroup.latency.max).toBe(40);
    expect(twoGroups.latency.max).toBe(20);
  });

  test("a visibility timeout shorter than the processing time makes another task process the message again", () => {
    const w = workloadFrom("t", "t", [[0, 50]]);
    const noHeartbeat = simulate(w, fixed(2, { extendsVisibility: false }), { horizonSeconds: 120 });
    expect(noHeartbeat.duplicates).toBe(1);
    expect(noHeartbeat.deleted).toBe(1);
    const heartbeat = simulate(w, fixed(2, { extendsVisibility: true }), { horizonSeconds: 120 });
    expect(heartbeat.duplicates).toBe(0);
  });

  test("an invalid message (longer than the worker allows) goes to the DLQ after maxReceiveCount receives", () => {
    const w = workloadFrom("t", "t", [
      [0, 500],
      [0, 5],
    ]);
    const r = simulate(w, fixed(1, { maxDurationSeconds: 60, maxReceiveCount: 3, visibilityTimeoutSeconds: 30 }), {
      horizonSeconds: 300,
    });
    expect([r.deleted, r.inDlq, r.inQueue]).toEqual([1, 1, 0]);
    expect(r.workHours).toBeCloseTo(5 / 3600, 9); // the invalid message is no work
    // Within 60 s: held for the 30 s timeout it has been received twice; released at once it is already in the DLQ.
    const invalid = workloadFrom("t", "t", [[0, 500]]);
    const worker = { maxDurationSeconds: 60, maxReceiveCount: 3, visibilityTimeoutSeconds: 30 };
    expect(simulate(invalid, fixed(1, worker), { horizonSeconds: 60 }).inDlq).toBe(0);
    expect(simulate(invalid, fixed(1, { ...worker, releasesInvalid: true }), { horizonSeconds: 60 }).inDlq).toBe(1);
  });

  test("conservation: sent = deleted + in queue + in DLQ, with kills, timeouts and a DLQ", () => {
    const pairs: Array<[number, number]> = [];
    for (let i = 0; i < 3000; i++) pairs.push([(i * 7) % 7200, i % 50 === 0 ? 400 : 5 + (i % 40)]);
    const strategy: StrategySpec = {
      ...BLUEPRINT_INTENDED,
      worker: { ...BLUEPRINT_INTENDED.worker, maxDurationSeconds: 300, maxReceiveCount: 2 },
    };
    const r = simulate(workloadFrom("t", "t", pairs), strategy, { horizonSeconds: 7200 });
    expect(r.inDlq).toBeGreaterThan(0);
    expect(r.duplicates).toBeGreaterThan(0);
    conservation(r);
  });

  test("Little's law holds on a steady workload: mean number in the system = arrival rate × mean latency", () => {
    // Poisson-like steady stream well inside the capacity of 4 tasks.
    const pairs: Array<[number, number]> = [];
    let t = 0;
    for (let i = 0; t < 7200; i++) {
      pairs.push([t, 3 + (i % 5)]);
      t += 3 + ((i * 7919) % 11) / 2;
    }
    const r = simulate(workloadFrom("t", "t", pairs), fixed(4), { horizonSeconds: 7200 });
    const lambda = r.sent / r.horizonSeconds;
    expect(r.meanInSystem).toBeGreaterThan(0.5);
    expect(Math.abs(r.meanInSystem - lambda * r.latency.mean) / r.meanInSystem).toBeLessThan(0.03);
  });
});

/** A fixed-size service whose target-tracking policy only watches (min = max) load-per-task. */
function watching(tasks: number, worker: Partial<StrategySpec["worker"]> = {}): StrategySpec {
  const base = fixed(tasks, worker);
  return {
    ...base,
    policies: [{ kind: "target-tracking", metric: "load-per-task", latencySeconds: 60, target: 1e9, scaleOutCooldownSeconds: 0, scaleInCooldownSeconds: 0 }],
  };
}

/** `perMinute` messages of `seconds` each at the start of every minute, like the blueprint's producer. */
const batches = (perMinute: number, seconds: number, minutes: number) =>
  workloadFrom(
    "t",
    "t",
    Array.from({ length: perMinute * minutes }, (_, i) => [Math.floor(i / perMinute) * 60, seconds] as [number, number]),
  );

describe("the load-per-task metric (the shared module's expression, evaluated by the model)", () => {
  test("in proportion to the load and inversely to the running tasks; the sample offset does not matter", () => {
    const metric = (perMinute: number, tasks: number, offset: number) =>
      Array.from(simulate(batches(perMinute, 1, 10), watching(tasks), { horizonSeconds: 600, metricSampleOffsetSeconds: offset }).series.metric.slice(1, 9));
    // (m3 × 60 / 60 + max(0, m1 − m3)) / m2: 20 sent a minute, at most 20 waiting, 4 tasks -> 5.
    for (const offset of [0, 30, 59]) {
      expect(metric(20, 4, offset)).toEqual(Array(8).fill(5));
      expect(metric(40, 4, offset)).toEqual(Array(8).fill(10));
      expect(metric(40, 2, offset)).toEqual(Array(8).fill(20));
    }
  });

  test("a backlog beyond one minute's arrivals counts in full", () => {
    // 120 messages of 30 s at 0 on one task: at :30 of minute 0 the second one has just been received, 118 wait and
    // 120 were sent -> 120 + max(0, 118 − 120) = 120; then nothing is sent and 116, 114 wait.
    const r = simulate(workloadFrom("t", "t", Array.from({ length: 120 }, () => [0, 30] as [number, number])), watching(1), { horizonSeconds: 180 });
    expect(Array.from(r.series.metric.slice(0, 3))).toEqual([120, 116, 114]);
  });

  test("zero running tasks give no datapoint, so a service at 0 never starts", () => {
    const zero: StrategySpec = { ...watching(0), minCapacity: 0, maxCapacity: 10, initialCapacity: 0 };
    const r = simulate(batches(10, 5, 30), zero, { horizonSeconds: 1800 });
    expect(r.series.metric.every((v) => Number.isNaN(v))).toBe(true);
    expect([r.scalingActions, r.deleted]).toEqual([0, 0]);
  });

  test("a FIFO queue with content-based deduplication: a duplicate within 5 minutes is no message and no NumberOfMessagesSent", () => {
    // Minute 0: 20 sends of 10 bodies (each twice); minute 6: body 0 again, after its 5-minute interval.
    const pairs: Array<[number, number]> = [...Array.from({ length: 20 }, (_, i) => [i, 1] as [number, number]), [360, 1]];
    const ids = [...Array.from({ length: 20 }, (_, i) => `body-${i % 10}`), "body-0"];
    const w = { ...workloadFrom("t", "t", pairs), deduplicationIds: ids };
    const r = simulate(w, watching(2, { fifoGroups: 2, contentDeduplication: true }), { horizonSeconds: 420 });
    expect([r.sent, r.deduplicated, r.deleted]).toEqual([11, 10, 11]);
    expect([r.series.sent[0], r.series.sent[6]]).toEqual([10, 1]);
    expect(r.series.metric[0]).toBe(10 / 2); // the 10 distinct messages, not the 20 sends, per task
    conservation(r);
    // A standard queue has no deduplication: every send is a message.
    expect(simulate(w, watching(2), { horizonSeconds: 420 }).sent).toBe(21);
  });
});

describe("service and scaling", () => {
  const quiet: Workload = workloadFrom("t", "t", [[10, 1]]);

  test("a scale-out task starts receiving startupDelaySeconds after the desired-count change", () => {
    // 600 messages at 0: e1 = 600 > 12 from the first datapoint; scale-out at the third minute boundary (180 s).
    const w = workloadFrom("t", "t", Array.from({ length: 600 }, () => [0, 5] as [number, number]));
    const r = simulate(w, BLUEPRINT_INTENDED, { horizonSeconds: 600, startupDelaySeconds: 60 });
    expect(Array.from(r.series.desired.slice(0, 4))).toEqual([1, 1, 10, 10]);
    // RunningTaskCount is sampled at :30 of each minute: the new tasks run from 240 s, so first at 270 s.
    expect(Array.from(r.series.running.slice(0, 5))).toEqual([1, 1, 1, 1, 10]);
    const faster = simulate(w, BLUEPRINT_INTENDED, { horizonSeconds: 600, startupDelaySeconds: 20 });
    expect(Array.from(faster.series.running.slice(0, 5))).toEqual([1, 1, 1, 10, 10]);
  });

  test("a metric delivery delay postpones the scale-out by as many minutes", () => {
    const w = workloadFrom("t", "t", Array.from({ length: 600 }, () => [0, 5] as [number, number]));
    const late = simulate(w, BLUEPRINT_INTENDED, { horizonSeconds: 600, metricDelayMinutes: 2 });
    expect(Array.from(late.series.desired.slice(0, 6))).toEqual([1, 1, 1, 1, 10, 10]);
  });

  test("no action at zero tasks: e1 has no datapoint when no task runs, so a service at 0 never starts", () => {
    const zero: StrategySpec = { ...BLUEPRINT_INTENDED, minCapacity: 0, initialCapacity: 0, targetSetter: undefined };
    const w = workloadFrom("t", "t", Array.from({ length: 100 }, (_, i) => [i, 5] as [number, number]));
    const r = simulate(w, zero, { horizonSeconds: 3600 });
    expect([r.scalingActions, r.deleted, r.taskHours]).toEqual([0, 0, 0]);
    expect(r.inQueue).toBe(100);
  });

  test("scale-in lets a protected task finish its message; without protection the message starts over", () => {
    // Two 1,200 s messages keep both tasks busy with an empty queue: e1 = 0, so the low alarm scales in at 900 s.
    const w = workloadFrom("t", "t", [
      [0, 1200],
      [0, 1200],
    ]);
    const base: StrategySpec = {
      ...BLUEPRINT_INTENDED,
      minCapacity: 1,
      maxCapacity: 2,
      initialCapacity: 2,
      targetSetter: undefined,
      worker: { ...BLUEPRINT_INTENDED.worker, fifoGroups: 0, visibilityTimeoutSeconds: 60, extendsVisibility: true },
    };
    const opts = { horizonSeconds: 3000, scaleInMaxFraction: 1 };
    const kept = simulate(w, { ...base, worker: { ...base.worker, taskProtection: true } }, opts);
    const killed = simulate(w, { ...base, worker: { ...base.worker, taskProtection: false } }, opts);
    expect(kept.scalingActions).toBe(1);
    expect(kept.latency.max).toBe(1200);
    expect(kept.taskHours).toBeCloseTo(2400 / 3600 + (3000 - 1200) / 3600, 9); // the draining task stops at 1,200 s
    // Killed at 900 s, visible again at 960 s, received when the other task is free at 1,200 s, done at 2,400 s.
    expect(killed.latency.max).toBe(2400);
    conservation(kept);
    conservation(killed);
  });

  test("the published blueprint stops scaling after its first hourly target update", () => {
    const w = blueprintWorkload({ horizonSeconds: 3 * 3600, seed: 1 });
    const r = simulate(w, BLUEPRINT_PUBLISHED, { horizonSeconds: 3 * 3600 });
    const desired = Array.from(r.series.desired);
    expect(new Set(desired.slice(60)).size).toBe(1); // frozen from minute 60 on
    expect(new Set(desired.slice(0, 60)).size).toBeGreaterThan(1);
  });

  test("the target setter follows the processing time with the Lambda's module (u × 12 at 5 s, u × 6 at 10 s)", () => {
    const horizonSeconds = 4 * 3600;
    const w = durationShiftWorkload({ horizonSeconds, seed: 1 });
    const settings = testSettings("sqs-dynamic-target-tracking", { targetSetterSchedule: "rate(10 minutes)", targetSetterLookbackMinutes: "10" });
    const r = simulate(w, projectStrategy(settings), { horizonSeconds });
    expect(r.series.target[100]).toBeCloseTo(settings.targetUtilisation * 12, 6);
    expect(r.series.target[239]).toBeCloseTo(settings.targetUtilisation * 6, 6);
    // The blueprint's metric keeps the blueprint's arithmetic: 12 and 6.
    const blueprint = testSettings("sqs-dynamic-target-tracking", { scalingMetric: "backlog-per-task", targetSetterSchedule: "rate(10 minutes)" });
    const b = simulate(w, projectStrategy(blueprint), { horizonSeconds });
    expect([b.series.target[100], b.series.target[239]]).toEqual([12, 6]);
  });

  test("the reactive reference: after the start-up delay the running tasks are never below its needed capacity", () => {
    const horizonSeconds = 6 * 3600;
    const w = burstyWorkload({ horizonSeconds, seed: 2 });
    for (const startupDelaySeconds of [30, 60, 120]) {
      const r = simulate(w, reactiveReference(testSettings("sqs-dynamic-target-tracking")), { horizonSeconds, startupDelaySeconds, metricSampleOffsetSeconds: 30 });
      // Desired count set at the end of minute m runs from 60 (m + 1) + start-up on, seen by the sample at :30.
      const lag = 1 + Math.ceil((startupDelaySeconds - 30) / 60);
      let checked = 0;
      for (let m = 0; m + lag < r.series.desired.length; m++) {
        const needed = Math.min(...Array.from(r.series.desired.slice(m, m + lag + 1)));
        expect(r.series.running[m + lag]).toBeGreaterThanOrEqual(needed);
        checked++;
      }
      expect(checked).toBeGreaterThan(300);
      expect(r.scalingActions).toBeGreaterThan(10); // it does follow the spikes
    }
  });

  test("deterministic: the same inputs give the same result", () => {
    const w = () => blueprintWorkload({ horizonSeconds: 7200, seed: 3 });
    const a = simulate(w(), BLUEPRINT_INTENDED, { horizonSeconds: 7200 });
    const b = simulate(w(), BLUEPRINT_INTENDED, { horizonSeconds: 7200 });
    expect(JSON.stringify({ ...a, series: Object.values(a.series).map((s) => Array.from(s)) })).toBe(
      JSON.stringify({ ...b, series: Object.values(b.series).map((s) => Array.from(s)) }),
    );
    expect(simulate(quiet, BLUEPRINT_INTENDED, { horizonSeconds: 120 }).deleted).toBe(1);
  });
});

describe("pattern extensions: CPU, fixed work, interruptions, waits for a task", () => {
  /** 0..2 tasks driven by two ExactCapacity step policies on the visible count: 2 when any is visible, else 1. */
  /** An ExactCapacity step policy on a 1-minute Maximum of the visible count. */
  const onVisible = (comparison: "GreaterThanOrEqualToThreshold" | "LessThanThreshold", step: { lower?: number; upper?: number; adjustment: number }) => ({
    kind: "step-scaling" as const,
    alarm: { metric: { metricName: "ApproximateNumberOfMessagesVisible" as const }, statistic: "Maximum" as const, periodMinutes: 1, evaluationPeriods: 1, comparison, threshold: 1 },
    adjustmentType: "ExactCapacity" as const,
    steps: [step],
    cooldownSeconds: 0,
  });
  const exact = (worker: Partial<StrategySpec["worker"]>): StrategySpec => ({
    name: "exact",
    description: "exact",
    minCapacity: 0,
    maxCapacity: 2,
    initialCapacity: 0,
    policies: [onVisible("GreaterThanOrEqualToThreshold", { lower: 0, adjustment: 1 })],
    worker: { concurrency: 1, taskProtection: true, visibilityTimeoutSeconds: 30, extendsVisibility: true, fifoGroups: 0, ...worker },
  });

  test("from 0 tasks: the wait from the first message to the first running task is the alarm plus the start-up", () => {
    // Sent at 100 s: the visible sample of minute 1 (at 90 s) misses it, minute 2's (at 150 s) sees it; the alarm
    // acts at the end of minute 2 (180 s), the task receives from 240 s on.
    const r = simulate(workloadFrom("t", "t", [[100, 10]]), exact({}), { horizonSeconds: 600 });
    expect(r.coldStarts).toEqual({ count: 1, first: 140, mean: 140, max: 140 });
    expect(r.latency.max).toBe(150);
    // A service that always runs a task has no wait.
    expect(simulate(workloadFrom("t", "t", [[100, 10]]), fixed(1), { horizonSeconds: 600 }).coldStarts.count).toBe(0);
  });

  test("a wait still open at the end counts up to the end", () => {
    const r = simulate(workloadFrom("t", "t", [[500, 10]]), exact({}), { horizonSeconds: 540 });
    expect(r.coldStarts).toEqual({ count: 1, first: 40, mean: 40, max: 40 });
  });

  test("fixedDurationSeconds: the worker spends that time on every message, whatever its duration asks", () => {
    const w = workloadFrom("t", "t", [
      [0, 5],
      [0, 500],
    ]);
    const r = simulate(w, fixed(1, { fixedDurationSeconds: 60 }), { horizonSeconds: 300 });
    expect([r.deleted, r.latency.p50, r.latency.max, r.workHours]).toEqual([2, 60, 120, 120 / 3600]);
  });

  test("CPUUtilization: the running tasks' busy or idle CPU per second, averaged; no datapoint without a task", () => {
    const r = simulate(workloadFrom("t", "t", [[30, 15]]), fixed(1, { cpu: { busyPercent: 60, idlePercent: 1 } }), { horizonSeconds: 120 });
    // Minute 0: busy from 30 s to 45 s (the second of the receive to the one before the finish) -> 15 s at 60 %, 45 s at 1 %.
    expect(r.series.cpuCount[0]).toBe(60);
    expect(r.series.cpu[0] / r.series.cpuCount[0]).toBeCloseTo((15 * 60 + 45 * 1) / 60, 9);
    expect(r.series.cpu[1] / r.series.cpuCount[1]).toBe(1);
    const none = simulate(workloadFrom("t", "t", [[30, 15]]), { ...exact({}), maxCapacity: 0 }, { horizonSeconds: 120 });
    expect(Array.from(none.series.cpuCount)).toEqual([0, 0]);
  });

  test("a scale-in that stops an unprotected busy task interrupts its message; with protection it finishes", () => {
    // 2 tasks while anything is visible, else 1 (ExactCapacity); the second task's long message is cut off.
    const twoOrOne = (protect: boolean): StrategySpec => ({
      ...exact({ taskProtection: protect, visibilityTimeoutSeconds: 300, extendsVisibility: false }),
      minCapacity: 1,
      initialCapacity: 1,
      policies: [onVisible("GreaterThanOrEqualToThreshold", { lower: 0, adjustment: 2 }), onVisible("LessThanThreshold", { upper: 0, adjustment: 1 })],
    });
    // Task 1: message 0 (0-80 s), then message 1 (80-280 s); task 2 (from 120 s): message 2 (120-200 s). Nothing
    // is visible in minute 2's sample, so at 180 s the service goes to 1 task and stops task 1, which is busy.
    const w = workloadFrom("t", "t", [
      [0, 80],
      [1, 200],
      [2, 80],
    ]);
    const killed = simulate(w, twoOrOne(false), { horizonSeconds: 900 });
    expect(killed.interrupted).toBe(1);
    // Message 1 comes back one visibility timeout after its receipt (80 + 300 s) and is processed again from the start.
    expect(killed.latency.max).toBe(380 + 200 - 1);
    expect(killed.deleted).toBe(3);
    const kept = simulate(w, twoOrOne(true), { horizonSeconds: 900 });
    expect(kept.interrupted).toBe(0);
    expect(kept.deleted).toBe(3);
  });
});
