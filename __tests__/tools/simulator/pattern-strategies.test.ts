import { testSettings } from "../../helpers";
import { AlarmState, evaluateAlarm } from "../../../src/scaling/alarm";
import { scaleToZeroPlan, SOURCE_SCALE_TO_ZERO } from "../../../src/scaling/scale-to-zero";
import { Alarm } from "../../../tools/simulator/autoscaling";
import { seededRandom } from "../../../tools/simulator/random";
import { simulate } from "../../../tools/simulator/model";
import {
  cdkScaleToZeroBlog,
  DEFAULT_CPU_MODEL,
  QUEUE_DEPTH_AWSTUT,
  queueDepthTrackingStrategy,
  scaleToZeroStackStrategy,
} from "../../../tools/simulator/pattern-strategies";
import { StepScalingSpec, TargetTrackingSpec, validateStrategy } from "../../../tools/simulator/strategies";
import { awstutWorkload, idleDayWorkload, workloadFrom } from "../../../tools/simulator/workloads";

const DAY = 86_400;

describe("queue-depth-awstut and sqs-queue-depth-tracking", () => {
  test("queue-depth-awstut has the source's values [S0-T]", () => {
    const s = QUEUE_DEPTH_AWSTUT;
    expect([s.minCapacity, s.maxCapacity]).toEqual([1, 3]);
    expect(s.policies).toEqual([{ kind: "target-tracking", metric: "queue-depth", target: 3, scaleOutCooldownSeconds: 0, scaleInCooldownSeconds: 0 }]);
    expect(s.worker).toMatchObject({ concurrency: 1, fixedDurationSeconds: 60, taskProtection: false, extendsVisibility: false, visibilityTimeoutSeconds: 90, fifoGroups: 0 });
    expect(s.worker.maxReceiveCount).toBeUndefined();
    expect(validateStrategy(s)).toEqual([]);
  });

  test("sqs-queue-depth-tracking follows the stack's settings", () => {
    const s = queueDepthTrackingStrategy(
      testSettings("sqs-queue-depth-tracking", { targetValue: 5, scaleOutCooldownSeconds: 30, scaleInCooldownSeconds: 600, maxCapacity: 2, workSeconds: 20, visibilityTimeoutSeconds: 120, dlqMaxReceiveCount: 4 }),
    );
    expect([s.minCapacity, s.maxCapacity]).toEqual([1, 2]);
    expect(s.policies[0]).toMatchObject({ metric: "queue-depth", target: 5, scaleOutCooldownSeconds: 30, scaleInCooldownSeconds: 600 });
    expect(s.worker).toMatchObject({ fixedDurationSeconds: 20, taskProtection: true, extendsVisibility: true, visibilityTimeoutSeconds: 120, maxReceiveCount: 4 });
    const backlog = queueDepthTrackingStrategy(testSettings("sqs-queue-depth-tracking", { scalingMetric: "backlog-per-task" }));
    expect((backlog.policies[0] as TargetTrackingSpec).metric).toBe("backlog-per-task");
    // The defaults: the source's target and bounds, cooldowns 60 / 3600 s.
    expect(queueDepthTrackingStrategy(testSettings("sqs-queue-depth-tracking")).policies[0]).toMatchObject({ target: 3, scaleOutCooldownSeconds: 60, scaleInCooldownSeconds: 3600 });
  });

  test("on the source's traffic the source interrupts messages at scale-in and the stack does not", () => {
    const w = awstutWorkload({ horizonSeconds: DAY, seed: 1 });
    const source = simulate(w, QUEUE_DEPTH_AWSTUT, { horizonSeconds: DAY });
    const stack = simulate(w, queueDepthTrackingStrategy(testSettings("sqs-queue-depth-tracking")), { horizonSeconds: DAY });
    expect(source.interrupted).toBeGreaterThan(10);
    expect(stack.interrupted).toBe(0);
    expect(stack.duplicates).toBe(0);
    // Both stay within 1..3 tasks; the stack's long scale-in cooldown acts less often.
    expect(Math.max(...source.series.desired)).toBeLessThanOrEqual(3);
    expect(Math.min(...source.series.desired)).toBeGreaterThanOrEqual(1);
    expect(stack.scalingActions).toBeLessThan(source.scalingActions / 2);
  });
});

describe("cdk-scale-to-zero-blog and sqs-scale-to-zero", () => {
  test("cdk-scale-to-zero-blog has the source's alarms and policies [S1, CDK-QPS, CDK-SQSM]", () => {
    const s = cdkScaleToZeroBlog();
    expect([s.minCapacity, s.maxCapacity, s.initialCapacity]).toEqual([0, 1, undefined]);
    const [out, idle, cpu] = s.policies as [StepScalingSpec, StepScalingSpec, TargetTrackingSpec];
    expect(out.alarm).toMatchObject({ metric: { metricName: "ApproximateNumberOfMessagesVisible" }, statistic: "Maximum", periodMinutes: 5, evaluationPeriods: 1, comparison: "GreaterThanOrEqualToThreshold", threshold: 1 });
    expect([out.adjustmentType, out.steps, out.cooldownSeconds]).toEqual(["ChangeInCapacity", [{ lower: 0, adjustment: 1 }], 300]);
    expect(idle.alarm).toMatchObject({ metric: { metricName: "CPUUtilization" }, statistic: "Average", periodMinutes: 3, evaluationPeriods: 1, datapointsToAlarm: 1, comparison: "LessThanOrEqualToThreshold", threshold: 0.01 });
    expect([idle.adjustmentType, idle.steps]).toEqual(["ExactCapacity", [{ upper: 0, adjustment: 0 }]]);
    expect(cpu).toMatchObject({ kind: "target-tracking", metric: "cpu", target: 50 });
    expect(s.worker).toMatchObject({ taskProtection: false, extendsVisibility: false, visibilityTimeoutSeconds: 43_200, fifoGroups: 1, cpu: DEFAULT_CPU_MODEL });
    expect(validateStrategy(s)).toEqual([]);
  });

  test("sqs-scale-to-zero follows the stack's plan", () => {
    const s = scaleToZeroStackStrategy(testSettings("sqs-scale-to-zero", { scaleOutPeriodSeconds: 120, idleMinutes: 5, maxJobSeconds: 900 }));
    const [out, idle] = s.policies as [StepScalingSpec, StepScalingSpec];
    expect(s.policies).toHaveLength(2);
    expect(out.alarm).toMatchObject({ periodMinutes: 2, statistic: "Maximum", threshold: 1, treatMissingData: "breaching" });
    expect(idle.alarm).toMatchObject({
      metric: { expression: "m1 + m2", queries: { m1: { metricName: "ApproximateNumberOfMessagesVisible", statistic: "Maximum" }, m2: { metricName: "ApproximateNumberOfMessagesNotVisible", statistic: "Maximum" } } },
      periodMinutes: 1,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      comparison: "LessThanOrEqualToThreshold",
      threshold: 0,
      treatMissingData: "notBreaching",
    });
    expect(idle.adjustmentType).toBe("ExactCapacity");
    expect(s.worker).toMatchObject({ taskProtection: true, extendsVisibility: true, maxDurationSeconds: 900, maxReceiveCount: 3 });
    const cpuIdle = scaleToZeroStackStrategy(testSettings("sqs-scale-to-zero", { idleSignal: "cpu" }));
    expect((cpuIdle.policies[1] as StepScalingSpec).alarm).toMatchObject({ metric: { metricName: "CPUUtilization" }, periodMinutes: 3, threshold: 0.01 });
    expect(() => scaleToZeroStackStrategy(testSettings("sqs-scale-to-zero", { maxCapacity: 2 }))).toThrow(
      'strategy "sqs-scale-to-zero": the scale-out metric for maxCapacity above 1 (IF/FILL metric math) is not modelled; allowed: maxCapacity 1',
    );
  });

  const oneJob = workloadFrom("one-job", "one 10-minute job at 100 s", [[100, 600]]);
  const horizonSeconds = 2 * 3600;

  test("from zero: the source waits for its 5-minute period, the stack for one minute, then the start-up", () => {
    // Visible from minute 2's sample (150 s) on. Source: the period of minutes 0-4 ends at 300 s -> task at 360 s.
    // Stack: minute 2 ends at 180 s -> task at 240 s.
    const source = simulate(oneJob, cdkScaleToZeroBlog(), { horizonSeconds });
    const stack = simulate(oneJob, scaleToZeroStackStrategy(testSettings("sqs-scale-to-zero")), { horizonSeconds });
    expect(source.coldStarts.first).toBe(260);
    expect(stack.coldStarts.first).toBe(140);
    for (const r of [source, stack]) {
      expect([r.deleted, r.interrupted, r.scalingActions]).toEqual([1, 0, 2]); // one start, one stop
      expect(r.series.desired[r.series.desired.length - 1]).toBe(0);
    }
    // After the job (done at 960 s / 840 s) the source stops on its next all-idle 3-minute period, the stack after 10 idle minutes.
    expect(source.taskHours * 3600).toBeLessThan(960 + 2 * 180 - 300 + 60);
    expect(stack.taskHours * 3600).toBeGreaterThanOrEqual(840 - 180 + 10 * 60);
  });

  test("an I/O-bound job reads as idle: the source sets 0 tasks mid-job and the message waits out 12 h; the stack finishes it", () => {
    const ioBound = { busyPercent: 0.005, idlePercent: 0.005 };
    const source = simulate(oneJob, cdkScaleToZeroBlog(ioBound), { horizonSeconds });
    expect(source.interrupted).toBe(1);
    expect([source.deleted, source.inQueue]).toEqual([0, 1]);
    const stack = simulate(oneJob, scaleToZeroStackStrategy(testSettings("sqs-scale-to-zero"), ioBound), { horizonSeconds });
    expect([stack.deleted, stack.interrupted]).toEqual([1, 0]);
  });

  test("a poller above 0.01 % CPU never reads as idle: the source never returns to 0 tasks", () => {
    const source = simulate(oneJob, cdkScaleToZeroBlog({ busyPercent: 50, idlePercent: 0.5 }), { horizonSeconds });
    expect([source.deleted, source.scalingActions]).toEqual([1, 1]);
    expect(source.taskHours * 3600).toBe(horizonSeconds - 300);
  });
});

test("idle-day: both scale-to-zero strategies do all the work for a fraction of an always-on service's task-hours", () => {
  const w = idleDayWorkload({ horizonSeconds: DAY, seed: 1 });
  const alwaysOn = simulate(w, QUEUE_DEPTH_AWSTUT, { horizonSeconds: DAY });
  expect(alwaysOn.taskHours).toBeGreaterThanOrEqual(24);
  for (const s of [cdkScaleToZeroBlog(), scaleToZeroStackStrategy(testSettings("sqs-scale-to-zero"))]) {
    const r = simulate(w, s, { horizonSeconds: DAY });
    expect([r.deleted, r.interrupted, r.inDlq]).toEqual([r.sent, 0, 0]);
    expect(r.taskHours).toBeLessThan(alwaysOn.taskHours / 5);
    // Each burst that finds no task waits for one: the bursts, less those that arrive while a task still runs.
    expect(r.coldStarts.count).toBeGreaterThanOrEqual(2);
  }
});

test("task sizes price the task-hours: the sources' sizes, the stacks' settings", () => {
  expect(QUEUE_DEPTH_AWSTUT.taskSize).toEqual({ cpuUnits: 512, memoryMiB: 1024 }); // [S0-T]
  expect(cdkScaleToZeroBlog().taskSize).toEqual({ cpuUnits: 4096, memoryMiB: 8192 }); // [S1]
  expect(queueDepthTrackingStrategy(testSettings("sqs-queue-depth-tracking", { cpu: 256, memory: 512 })).taskSize).toEqual({ cpuUnits: 256, memoryMiB: 512 });
  const s = scaleToZeroStackStrategy(testSettings("sqs-scale-to-zero", { cpu: 1024, memory: 2048 }));
  expect(s.taskSize).toEqual({ cpuUnits: 1024, memoryMiB: 2048 });
  const r = simulate(workloadFrom("t", "t", [[100, 600]]), s, { horizonSeconds: 3600 });
  expect(r.cost).toBeCloseTo(r.taskHours * (1 * 0.04048 + 2 * 0.004445), 12);
  // The model option still sets one price for every strategy.
  expect(simulate(workloadFrom("t", "t", [[100, 600]]), s, { horizonSeconds: 3600, taskHourPrice: 1 }).cost).toBeCloseTo(r.taskHours, 12);
});

test("the simulator's alarm acts on the plans' alarms exactly when the stack's evaluateAlarm (src/scaling/alarm.ts) is in ALARM", () => {
  const random = seededRandom(7);
  const rules = [
    ...[scaleToZeroPlan(testSettings("sqs-scale-to-zero")), SOURCE_SCALE_TO_ZERO].flatMap((p) => [p.scaleOut.alarm, p.idle.alarm]),
    scaleToZeroPlan(testSettings("sqs-scale-to-zero", { idleMinutes: 3 })).idle.alarm,
  ];
  let acted = 0;
  for (const rule of rules) {
    const alarm = new Alarm(rule.comparison, rule.threshold, rule.evaluationPeriods, rule.datapointsToAlarm, rule.treatMissingData as "missing" | "notBreaching" | "breaching");
    const recent: Array<number | undefined> = [];
    let state: AlarmState = "INSUFFICIENT_DATA";
    for (let i = 0; i < 500; i++) {
      const r = random();
      // Mostly the threshold's neighbourhood, sometimes a gap.
      const value = r < 0.1 ? undefined : r < 0.6 ? 0 : Math.round(random() * 3 * (rule.threshold || 1) * 100) / 100;
      recent.push(value);
      state = evaluateAlarm(rule, recent, state);
      const simulatorActs = alarm.update(value) === "ALARM" && value !== undefined; // StepScalingPolicy needs a value
      expect(simulatorActs).toBe(state === "ALARM" && value !== undefined);
      if (simulatorActs) acted++;
    }
  }
  expect(acted).toBeGreaterThan(100);
});
