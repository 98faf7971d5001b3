import {
  Alarm,
  combine,
  matchingAdjustment,
  neededCapacity,
  percentChange,
  ReactiveReference,
  ScalableTarget,
  StepScalingPolicy,
  TargetTrackingPolicy,
} from "../../../tools/simulator/autoscaling";
import { CDK_QUEUE_PROCESSING, StepScalingSpec } from "../../../tools/simulator/strategies";

const bounds = { minCapacity: 1, maxCapacity: 10 };

/** Feeds one datapoint a minute from t = 60 s on; returns the minute (1-based) and capacity of every action. */
function feed(policy: TargetTrackingPolicy, values: Array<number | undefined>, start = 1): Array<[number, number]> {
  let desired = start;
  const actions: Array<[number, number]> = [];
  values.forEach((v, i) => {
    const next = policy.evaluate(v, desired, (i + 1) * 60);
    if (next !== undefined) {
      desired = next;
      actions.push([i + 1, next]);
    }
  });
  return actions;
}

describe("target tracking", () => {
  test("scales out only on the third consecutive datapoint above the target, proportionally", () => {
    const policy = new TargetTrackingPolicy(12, bounds, 0, 0);
    expect(feed(policy, [30, 30])).toEqual([]);
    expect(policy.evaluate(30, 1, 180)).toBe(3); // ceil(1 × 30 / 12)
  });

  test("a datapoint at or below the target restarts the count", () => {
    const policy = new TargetTrackingPolicy(12, bounds, 0, 0);
    expect(feed(policy, [30, 30, 12, 30, 30])).toEqual([]);
    expect(feed(policy, [30])).toEqual([[1, 3]]);
  });

  test("scales in only on the fifteenth consecutive datapoint below 90 % of the target, gradually", () => {
    const policy = new TargetTrackingPolicy(12, bounds, 0, 0);
    const low = Array<number>(14).fill(0);
    expect(feed(policy, low, 10)).toEqual([]);
    // Metric 0 would ask for the minimum at once; scale-in removes at most 10 % (here 1 task) per action.
    expect(policy.evaluate(0, 10, 15 * 60)).toBe(9);
    // 10.8 is not below 90 % of 12: no low datapoint.
    const other = new TargetTrackingPolicy(12, bounds, 0, 0);
    expect(feed(other, Array<number>(20).fill(10.8), 10)).toEqual([]);
  });

  test("a value below 90 % of the target is a low datapoint; scale-in never takes the metric above the target", () => {
    // 10.7 < 10.8: low. With no step limit, 10 tasks × 10.7 / 12 = 8.9 -> 9 tasks keep the metric at or below 12.
    const policy = new TargetTrackingPolicy(12, bounds, 0, 0, 1);
    expect(feed(policy, Array<number>(15).fill(10.7), 10)).toEqual([[15, 9]]);
    // 2 tasks at 10 per task: 1 task would see 20 > 12, so no scale-in however long the low alarm lasts.
    const two = new TargetTrackingPolicy(12, bounds, 0, 0, 1);
    expect(feed(two, Array<number>(30).fill(10), 2)).toEqual([]);
  });

  test("missing datapoints (e1 with no running task) neither act nor count", () => {
    const policy = new TargetTrackingPolicy(12, bounds, 0, 0);
    expect(feed(policy, [30, undefined, undefined, 30])).toEqual([]);
    expect(feed(policy, Array(30).fill(undefined))).toEqual([]);
    expect(policy.alarmRuns).toEqual({ high: 2, low: 0 });
    expect(policy.evaluate(30, 1, 9999)).toBe(3);
  });

  test("scale-out cooldown: no further scale-out unless larger than what the initiating one computed", () => {
    const policy = new TargetTrackingPolicy(12, bounds, 240, 240);
    // Scale out 1 -> 3 at minute 3. Tasks still starting: the metric stays 30 per running task.
    expect(feed(policy, [30, 30, 30, 30, 30])).toEqual([[3, 3]]);
    // Within the cooldown the base is the capacity before the scale-out (1): 1 × 60 / 12 = 5 > 3, a larger scale-out.
    expect(policy.evaluate(60, 3, 6 * 60)).toBe(5);
    // After the cooldown, the current capacity is the base again: 5 × 30 / 12 = 12.5 -> 10 (max).
    expect(policy.evaluate(30, 5, 6 * 60 + 240)).toBe(10);
  });

  test("scale-in cooldown blocks scale-in; a scale-out during it happens at once", () => {
    const policy = new TargetTrackingPolicy(12, bounds, 240, 240);
    const low = Array<number>(15).fill(0);
    expect(feed(policy, low, 10)).toEqual([[15, 9]]);
    expect(policy.evaluate(0, 9, 16 * 60)).toBeUndefined(); // 60 s into the 240 s scale-in cooldown
    expect(policy.evaluate(0, 9, 19 * 60)).toBe(8); // cooldown over
    for (const m of [20, 21]) expect(policy.evaluate(30, 8, m * 60)).toBeUndefined();
    expect(policy.evaluate(30, 8, 22 * 60)).toBe(10); // scale-out inside the scale-in cooldown
  });

  test("capacity stays within min and max", () => {
    const policy = new TargetTrackingPolicy(1, { minCapacity: 2, maxCapacity: 4 }, 0, 0);
    expect(feed(policy, [1000, 1000, 1000], 2)).toEqual([[3, 4]]);
    const low = new TargetTrackingPolicy(12, { minCapacity: 2, maxCapacity: 4 }, 0, 0);
    expect(feed(low, Array(40).fill(0), 3)).toEqual([[15, 2]]);
  });
});

/** Step policies as the model builds them from a StepScalingSpec. */
function stepPolicy(spec: StepScalingSpec, b = bounds): StepScalingPolicy {
  const a = spec.alarm;
  return new StepScalingPolicy(
    new Alarm(a.comparison, a.threshold, a.evaluationPeriods, a.datapointsToAlarm),
    spec.steps,
    b,
    spec.cooldownSeconds,
    spec.adjustmentType,
    spec.minAdjustmentMagnitude,
  );
}

describe("step scaling (aws-cdk QueueProcessingFargateService steps)", () => {
  const [outSpec, inSpec] = CDK_QUEUE_PROCESSING.policies as StepScalingSpec[];

  test("aws-cdk's intervals become two alarms with steps relative to their thresholds", () => {
    expect(outSpec.alarm).toMatchObject({ comparison: "GreaterThanOrEqualToThreshold", threshold: 100, periodMinutes: 5, statistic: "Maximum" });
    expect(outSpec.steps).toEqual([
      { lower: 0, upper: 400, adjustment: 1 },
      { lower: 400, adjustment: 5 },
    ]);
    expect(inSpec.alarm).toMatchObject({ comparison: "LessThanOrEqualToThreshold", threshold: 0 });
    expect(inSpec.steps).toEqual([{ upper: 0, adjustment: -1 }]);
  });

  test.each([
    [0, undefined, -1],
    [1, undefined, undefined],
    [99, undefined, undefined],
    [100, 1, undefined],
    [499, 1, undefined],
    [500, 5, undefined],
    [10000, 5, undefined],
  ])("queue depth %d -> scale-out step %s, scale-in step %s", (depth, out, scaleIn) => {
    expect(stepPolicy(outSpec).propose(depth, 5, 0)).toBe(out === undefined ? undefined : 5 + out);
    expect(stepPolicy(inSpec).propose(depth, 5, 0)).toBe(scaleIn === undefined ? undefined : 5 + scaleIn);
  });

  test("applies the step's change within min..max and respects its cooldown", () => {
    const policy = stepPolicy(outSpec);
    expect(policy.evaluate(600, 1, 300)).toBe(6);
    expect(policy.evaluate(600, 6, 400)).toBeUndefined(); // cooldown
    expect(policy.evaluate(600, 6, 600)).toBe(10);
    expect(stepPolicy(inSpec).evaluate(0, 1, 2000)).toBeUndefined(); // already at min
  });

  test("cooldown as documented: a larger step adds only the difference, scale-in waits, another policy's scale-out ends it", () => {
    const policy = stepPolicy(outSpec);
    expect(policy.evaluate(100, 2, 0)).toBe(3); // +1
    expect(policy.evaluate(100, 3, 60)).toBeUndefined(); // +1 again: already part of the capacity
    expect(policy.evaluate(500, 3, 120)).toBe(7); // +5 counted from 2: adds 4, not 5
    expect(policy.evaluate(500, 7, 420)).toBe(10); // cooldown over (300 s after the last scale-out): +5 from 7

    const out = stepPolicy(outSpec);
    const scaleIn = stepPolicy(inSpec);
    const target = new ScalableTarget([out, scaleIn]);
    const step = (depth: number, desired: number, now: number) =>
      target.decide(
        [out, scaleIn].flatMap((p) => {
          const capacity = p.propose(depth, desired, now);
          return capacity === undefined ? [] : [{ policy: p, capacity }];
        }),
        desired,
        now,
      );
    expect(step(0, 5, 0)).toBe(4);
    expect(step(0, 4, 299)).toBeUndefined(); // scale-in cooldown
    expect(step(100, 4, 60)).toBe(5); // the scale-out policy acts at once and ends the scale-in cooldown
    expect(step(0, 5, 120)).toBe(4);
  });
});

describe("step scaling (Application Auto Scaling rules)", () => {
  test("bounds relative to the threshold: above it lower inclusive, upper exclusive; below it the reverse", () => {
    const steps = [
      { lower: 0, upper: 10, adjustment: 1 },
      { lower: 10, adjustment: 2 },
    ];
    expect([0, 9.99, 10, 50].map((d) => matchingAdjustment(steps, d, true)?.adjustment)).toEqual([1, 1, 2, 2]);
    const below = [
      { lower: -10, upper: 0, adjustment: -1 },
      { upper: -10, adjustment: -2 },
    ];
    expect([0, -9.99, -10, -50].map((d) => matchingAdjustment(below, d, false)?.adjustment)).toEqual([-1, -1, -2, -2]);
  });

  test("PercentChangeInCapacity rounds as documented and honours MinAdjustmentMagnitude", () => {
    // User Guide examples: 12.7 -> 12, .67 -> 1, -.58 -> -1, -6.67 -> -6; 25 % of 4 with a minimum of 2 adds 2.
    expect([percentChange(127, 10), percentChange(67, 1), percentChange(58, -1), percentChange(667, -1)]).toEqual([12, 1, -1, -6]);
    expect(percentChange(4, 25, 2)).toBe(2);
    expect(percentChange(10, 30)).toBe(3);
  });

  test("ExactCapacity sets the count; an N-of-M alarm needs N breaching datapoints among the last M", () => {
    const exact: StepScalingSpec = {
      kind: "step-scaling",
      alarm: { metric: { metricName: "ApproximateNumberOfMessagesVisible" }, statistic: "Maximum", periodMinutes: 1, evaluationPeriods: 3, datapointsToAlarm: 2, comparison: "GreaterThanOrEqualToThreshold", threshold: 1 },
      adjustmentType: "ExactCapacity",
      steps: [{ lower: 0, adjustment: 4 }],
      cooldownSeconds: 0,
    };
    const policy = stepPolicy(exact, { minCapacity: 0, maxCapacity: 10 });
    expect(policy.propose(5, 0, 60)).toBeUndefined(); // 1 of 3
    expect(policy.propose(0, 0, 120)).toBeUndefined(); // still 1 of 3
    expect(policy.propose(5, 0, 180)).toBe(4); // 2 of 3: from 0 tasks to exactly 4
    expect(policy.alarm.state).toBe("ALARM");
  });

  test("a missing datapoint neither breaches nor resets the alarm (treat missing data as missing)", () => {
    const alarm = new Alarm("GreaterThanThreshold", 10, 3);
    expect([alarm.update(20), alarm.update(undefined), alarm.update(20), alarm.update(undefined)]).toEqual(["OK", "OK", "OK", "OK"]);
    expect(alarm.update(20)).toBe("ALARM");
    expect(new Alarm("LessThanThreshold", 1, 1).update(undefined)).toBe("INSUFFICIENT_DATA");
    // treatMissingData breaching: a gap counts as a breach whatever the comparison; notBreaching: as no breach.
    const breaching = new Alarm("LessThanOrEqualToThreshold", 0, 2, 2, "breaching");
    expect([breaching.update(undefined), breaching.update(undefined)]).toEqual(["OK", "ALARM"]);
    expect(breaching.update(5)).toBe("OK");
    const notBreaching = new Alarm("GreaterThanOrEqualToThreshold", 1, 1, 1, "notBreaching");
    expect([notBreaching.update(3), notBreaching.update(undefined)]).toEqual(["ALARM", "OK"]);
  });
});

describe("several policies on one target", () => {
  const tt = () => new TargetTrackingPolicy(10, bounds, 0, 0);
  const step = () =>
    stepPolicy({
      kind: "step-scaling",
      alarm: { metric: { metricName: "ApproximateNumberOfMessagesVisible" }, statistic: "Sum", periodMinutes: 1, evaluationPeriods: 1, comparison: "LessThanThreshold", threshold: 1 },
      steps: [{ upper: 0, adjustment: -2 }],
      cooldownSeconds: 0,
    });

  test("out if any policy says out, to the largest capacity", () => {
    const [a, b, c] = [tt(), tt(), step()];
    expect(combine([a, b, c], [{ policy: a, capacity: 4 }, { policy: b, capacity: 7 }, { policy: c, capacity: 1 }], 3)).toEqual({ policy: b, capacity: 7 });
  });

  test("target tracking scales in only if every target-tracking policy with scale-in enabled says in; then the largest capacity", () => {
    const [a, b] = [tt(), tt()];
    expect(combine([a, b], [{ policy: a, capacity: 4 }], 6)).toBeUndefined();
    expect(combine([a, b], [{ policy: a, capacity: 4 }, { policy: b, capacity: 5 }], 6)).toEqual({ policy: b, capacity: 5 });
    const noScaleIn = new TargetTrackingPolicy(10, bounds, 0, 0, 0.1, true);
    expect(combine([a, noScaleIn], [{ policy: a, capacity: 4 }], 6)).toEqual({ policy: a, capacity: 4 });
  });

  test("a step policy's scale-in is not held back by target tracking", () => {
    const [a, c] = [tt(), step()];
    expect(combine([a, c], [{ policy: c, capacity: 4 }], 6)).toEqual({ policy: c, capacity: 4 });
  });

  test("only the policy whose proposal won starts a cooldown; any scale-out ends every scale-in cooldown", () => {
    const a = new TargetTrackingPolicy(10, bounds, 600, 600, 1);
    const c = stepPolicy({
      kind: "step-scaling",
      alarm: { metric: { metricName: "ApproximateNumberOfMessagesVisible" }, statistic: "Sum", periodMinutes: 1, evaluationPeriods: 1, comparison: "LessThanThreshold", threshold: 1 },
      steps: [{ upper: 0, adjustment: -2 }],
      cooldownSeconds: 600,
    });
    const target = new ScalableTarget([a, c]);
    // a's scale-out wins over c's scale-in; c's losing proposal starts no cooldown.
    expect(target.decide([{ policy: a, capacity: 8 }, { policy: c, capacity: 2 }], 4, 60)).toBe(8);
    expect(c.propose(0, 8, 120)).toBe(6);
    expect(target.decide([{ policy: c, capacity: 6 }], 8, 120)).toBe(6);
    expect(c.propose(0, 6, 180)).toBeUndefined(); // c's own scale-in cooldown (600 s)
    expect(target.decide([{ policy: a, capacity: 7 }], 6, 240)).toBe(7); // a scale-out ...
    expect(c.propose(0, 7, 300)).toBe(5); // ... ends it
  });
});

describe("reactive reference", () => {
  test("needs the arriving work at full use plus the waiting work drained within L, at least the busy slots", () => {
    const state = { waiting: 30, waitingWorkSeconds: 150, inFlight: 2, arrivedWorkSecondsLastMinute: 300 };
    expect(neededCapacity(state, 1, 60)).toBeCloseTo(300 / 60 + 150 / 60, 12);
    expect(neededCapacity(state, 2, 60)).toBeCloseTo(3.75, 12);
    expect(neededCapacity({ ...state, waitingWorkSeconds: 0, arrivedWorkSecondsLastMinute: 0 }, 1, 60)).toBe(2);
    const ref = new ReactiveReference(bounds, 1, 60);
    expect(ref.propose(state, 1)).toBe(8); // ceil(7.5)
    expect(ref.propose({ ...state, arrivedWorkSecondsLastMinute: 6000 }, 1)).toBe(10); // max capacity
    expect(ref.propose({ waiting: 0, waitingWorkSeconds: 0, inFlight: 0, arrivedWorkSecondsLastMinute: 0 }, 3)).toBe(1); // min
  });
});
