import { testSettings } from "../../helpers";
import { visibilityTimeoutForFunction } from "../../../src/lambda-sqs";
import { simulate } from "../../../tools/simulator/model";
import { StrategySpec, validateStrategy } from "../../../tools/simulator/strategies";
import { TASK_PER_MESSAGE_MODEL, TaskPerMessageSpec, taskPerMessageStrategy } from "../../../tools/simulator/task-per-message";
import { longJobsWorkload, workloadFrom } from "../../../tools/simulator/workloads";

const stack = (overrides: Record<string, unknown> = {}) => taskPerMessageStrategy(testSettings("sqs-task-per-message", overrides));
const withSpec = (s: StrategySpec, change: Partial<TaskPerMessageSpec>): StrategySpec => ({ ...s, taskPerMessage: { ...s.taskPerMessage!, ...change } });
const jobs = (n: number, at: number, seconds: number) => Array.from({ length: n }, () => [at, seconds] as [number, number]);

test("the strategy is the stack's event source mapping, cap, queue and task size", () => {
  const s = stack({ launcherTimeoutSeconds: 60, batchSize: 5, maximumConcurrency: 7, maxRunningTasks: 42, dlqMaxReceiveCount: 4, cpu: 1024, memory: 2048 });
  expect(s.taskPerMessage).toEqual({
    batchSize: 5,
    batchingWindowSeconds: 0,
    maximumConcurrency: 7,
    maxRunningTasks: 42,
    launcherTimeoutSeconds: 60,
    visibilityTimeoutSeconds: visibilityTimeoutForFunction(60),
    maxReceiveCount: 4,
    ...TASK_PER_MESSAGE_MODEL,
  });
  expect(s.taskSize).toEqual({ cpuUnits: 1024, memoryMiB: 2048 });
  expect(validateStrategy(s)).toEqual([]);
  expect(validateStrategy(withSpec(s, { maximumConcurrency: 1 }))).toEqual([
    'strategy "sqs-task-per-message": taskPerMessage.maximumConcurrency is 1; allowed: an integer >= 2',
  ]);
});

test("one job: its own task after the launcher's two calls and the start-up, billed at least a minute, no warm capacity", () => {
  const w = workloadFrom("one", "one job", [[100, 5]]);
  const r = simulate(w, stack(), { horizonSeconds: 3600, startupDelaySeconds: 0 });
  // ListTasks and RunTask at 0.2 s each: launched at 100.2 s, done 5 s later.
  expect(r.latency.max).toBeCloseTo(5.2, 6);
  expect(r.taskHours * 3600).toBeCloseTo(TASK_PER_MESSAGE_MODEL.minimumBilledSeconds, 6);
  expect(r.launches).toEqual({ tasks: 1, invocations: 1, throttled: 0, atCap: 0 });
  expect([r.deleted, r.inQueue, r.inDlq, r.peakTasks]).toEqual([1, 0, 0, 1]);
  expect(simulate(w, stack(), { horizonSeconds: 3600, startupDelaySeconds: 0 })).toEqual(r);
  const slow = simulate(w, stack(), { horizonSeconds: 3600, startupDelaySeconds: 90 });
  expect(slow.latency.max).toBeCloseTo(95.2, 6);
  expect(slow.taskHours * 3600).toBeCloseTo(95, 6);
  // Nothing runs before or after the job.
  expect(Math.max(...slow.series.desired.slice(5))).toBe(0);
});

test("the cap is counted once per invocation: concurrent batches may overshoot it by a batch, the rest waits a visibility timeout", () => {
  const s = stack({ maxRunningTasks: 10, batchSize: 10, maximumConcurrency: 2 });
  const r = simulate(workloadFrom("burst", "25 jobs", jobs(25, 0, 600)), s, { horizonSeconds: 7200, startupDelaySeconds: 60 });
  // Both first invocations saw 0 tasks; the third batch saw 20 and failed all 5 records.
  expect(r.peakTasks).toBe(20);
  expect(r.launches!.atCap).toBeGreaterThanOrEqual(5);
  expect(r.deleted).toBe(25);
  // The last 5 start after the first 20 stopped (660 s) and their records came back (multiples of 180 s).
  const vt = s.taskPerMessage!.visibilityTimeoutSeconds;
  expect(r.latency.max).toBeGreaterThan(660 + 660);
  expect(r.latency.max).toBeLessThan(Math.ceil(660 / vt) * vt + 660 + 5);
});

test("jobs that never find a slot go to the DLQ after maxReceiveCount receives", () => {
  const s = stack({ maxRunningTasks: 1, dlqMaxReceiveCount: 2 });
  const r = simulate(workloadFrom("long", "2 jobs", jobs(2, 0, 7200)), s, { horizonSeconds: 7200 });
  expect(r.launches!.tasks).toBe(1);
  expect(r.inDlq).toBe(1);
});

test("RunTask admission: at high concurrency the 20 calls/s and launch buckets throttle; every message is accounted for", () => {
  const s = withSpec(stack({ maximumConcurrency: 1000, maxRunningTasks: 5000 }), {});
  const r = simulate(workloadFrom("flood", "3000 jobs", jobs(3000, 0, 30)), s, { horizonSeconds: 3600 });
  expect(r.launches!.throttled).toBeGreaterThan(0);
  expect(r.deleted + r.inDlq + r.inQueue).toBe(r.sent);
  // At maximumConcurrency 2 (the stack's default) the launcher stays under 20 calls/s: no throttle.
  const d = simulate(workloadFrom("flood", "300 jobs", jobs(300, 0, 30)), stack({ maxRunningTasks: 5000 }), { horizonSeconds: 3600 });
  expect(d.launches!.throttled).toBe(0);
  expect(d.deleted).toBe(300);
});

test("Lambda's poller starts with 5 concurrent batches and adds up to 300 a minute [LMB-SQS]", () => {
  // Invocations of 11 × 10 s hold their records in flight for the first two minutes.
  const s = withSpec(stack({ maximumConcurrency: 1000, maxRunningTasks: 5000, launcherTimeoutSeconds: 900 }), { apiCallSeconds: 10 });
  const r = simulate(workloadFrom("flood", "1000 jobs", jobs(1000, 0, 30)), s, { horizonSeconds: 600 });
  expect(r.series.inFlight[0]).toBe(50);
  expect(r.series.inFlight[1]).toBe(1000);
});

test("long-jobs: each job gets its own task; task-hours stay near the work", () => {
  // The built-in day (seed 1): its bursts fit the cap within dlqMaxReceiveCount visibility timeouts.
  const o = { horizonSeconds: 86_400 };
  const w = longJobsWorkload({ ...o, seed: 1 });
  const r = simulate(w, stack(), o);
  expect(r.inDlq).toBe(0);
  expect(r.taskHours / r.workHours).toBeGreaterThan(1);
  expect(r.taskHours / r.workHours).toBeLessThan(1.1);
  expect(r.peakTasks).toBeLessThanOrEqual(10 + 10);
});
