import { matchingStep, StepScalingPolicy, TargetTrackingPolicy } from "../../../tools/simulator/autoscaling";
import { CDK_QUEUE_PROCESSING } from "../../../tools/simulator/strategies";

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

describe("step scaling (aws-cdk QueueProcessingFargateService steps)", () => {
  const steps = CDK_QUEUE_PROCESSING.policy.kind === "step-scaling" ? CDK_QUEUE_PROCESSING.policy.steps : [];

  test.each([
    [0, -1],
    [1, undefined],
    [99, undefined],
    [100, 1],
    [499, 1],
    [500, 5],
    [10000, 5],
  ])("queue depth %d -> change %s", (depth, change) => {
    expect(matchingStep(steps, depth)?.change).toBe(change);
  });

  test("applies the step's change within min..max and respects its cooldown", () => {
    const policy = new StepScalingPolicy(steps, bounds, 300);
    expect(policy.evaluate(600, 1, 300)).toBe(6);
    expect(policy.evaluate(600, 6, 400)).toBeUndefined(); // cooldown
    expect(policy.evaluate(600, 6, 600)).toBe(10);
    expect(policy.evaluate(0, 1, 2000)).toBeUndefined(); // already at min
  });

  test("cooldown as documented: a larger step adds only the difference, scale-in waits, scale-out does not", () => {
    const policy = new StepScalingPolicy(steps, bounds, 300);
    expect(policy.evaluate(100, 2, 0)).toBe(3); // +1
    expect(policy.evaluate(100, 3, 60)).toBeUndefined(); // +1 again: already part of the capacity
    expect(policy.evaluate(500, 3, 120)).toBe(7); // +5 counted from 2: adds 4, not 5
    expect(policy.evaluate(500, 7, 420)).toBe(10); // cooldown over (300 s after the last scale-out): +5 from 7

    const scaleIn = new StepScalingPolicy(steps, bounds, 300);
    expect(scaleIn.evaluate(0, 5, 0)).toBe(4);
    expect(scaleIn.evaluate(0, 4, 299)).toBeUndefined(); // scale-in cooldown
    expect(scaleIn.evaluate(100, 4, 60)).toBe(5); // a scale-out during it happens at once and ends it
    expect(scaleIn.evaluate(0, 5, 120)).toBe(4);
  });
});
