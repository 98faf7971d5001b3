/**
 * Application Auto Scaling policies as state machines fed one CloudWatch datapoint at a time.
 *
 * Sources for the behaviour modelled here:
 * - Target tracking creates two alarms: high = 3 consecutive 1-minute datapoints above the target, low = 15
 *   consecutive datapoints below 90 % of it (the alarms AWS creates, visible in the CloudWatch console; the target
 *   tracking docs say capacity is removed only once the metric is sufficiently below the target, usually more
 *   than 10 % lower).
 * - While an alarm with an Auto Scaling action stays in ALARM, CloudWatch invokes the action again every minute
 *   (CloudWatch docs, "Alarm actions"), so the policy re-evaluates every minute.
 * - Scale-out is proportional: new capacity = ceil(capacity × metric / target) (target tracking docs: capacity is
 *   adjusted "proportionally to the metric").
 * - Scale-out cooldown: "the scaling policy won't increase the desired capacity again unless either a larger scale
 *   out is triggered or the cooldown period ends"; the capacity added by the initiating scale-out counts as part of
 *   the desired capacity of the next one. Modelled as: during the cooldown, the proposal is computed from the
 *   capacity before the initiating scale-out and applied only when it exceeds the current capacity.
 * - Scale-in cooldown blocks further scale-in; "if another alarm triggers a scale out policy during the cooldown
 *   period after a scale-in, application auto scaling scales out your scalable target immediately".
 * - Scale-in is gradual ("scale in conservatively"): modelled as at most `scaleInMaxFraction` of the capacity (at
 *   least 1 task) per action. AWS does not publish the exact rule; this is the model's assumption. It never goes
 *   below ceil(capacity × metric / target): the docs say the policy does not scale in when removing capacity would
 *   likely take the metric above the target.
 * - Missing data (metric math dividing by zero returns no datapoint): no action, alarm counters unchanged.
 * - Step scaling (aws-cdk `scaleOnMetric`): one alarm datapoint per metric period; the step whose interval holds
 *   the value gives the change in capacity (ChangeInCapacity), clamped to min..max. Its cooldown follows the same
 *   documented rules as target tracking's (StepScalingPolicyConfiguration.Cooldown: during a scale-out cooldown
 *   "the previous increase ... is considered part of the current capacity", so a larger step adds only the
 *   difference; scale-in is blocked until the cooldown ends; a scale-out during a scale-in cooldown happens at
 *   once). aws-cdk puts the scale-in and scale-out steps in two policies, so each direction has its own cooldown.
 */
import { ScalingStep } from "./strategies";

export const HIGH_ALARM_DATAPOINTS = 3;
export const LOW_ALARM_DATAPOINTS = 15;
export const LOW_ALARM_FRACTION = 0.9;

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}

export interface CapacityBounds {
  readonly minCapacity: number;
  readonly maxCapacity: number;
}

/** The documented cooldown rules, shared by target tracking and step scaling. */
class Cooldowns {
  private scaleOutUntil = -Infinity;
  private scaleOutFrom = 0;
  private scaleInUntil = -Infinity;

  constructor(
    private readonly scaleOutSeconds: number,
    private readonly scaleInSeconds: number,
  ) {}

  /** The capacity a scale-out adds to: during a scale-out cooldown, the capacity before the initiating scale-out. */
  scaleOutBase(desired: number, now: number): number {
    return now < this.scaleOutUntil ? this.scaleOutFrom : desired;
  }

  scaledOut(desired: number, now: number): void {
    if (now >= this.scaleOutUntil) this.scaleOutFrom = desired;
    this.scaleOutUntil = now + this.scaleOutSeconds;
    this.scaleInUntil = now; // a scale-out ends the scale-in cooldown
  }

  canScaleIn(now: number): boolean {
    return now >= this.scaleInUntil;
  }

  scaledIn(now: number): void {
    this.scaleInUntil = now + this.scaleInSeconds;
  }
}

/** Target tracking: call `evaluate` once per 1-minute datapoint; it returns the new desired count, or undefined. */
export class TargetTrackingPolicy {
  /** Current target value; the target setter changes it. */
  target: number;
  private highRun = 0;
  private lowRun = 0;
  private readonly cooldowns: Cooldowns;

  constructor(
    target: number,
    private readonly bounds: CapacityBounds,
    scaleOutCooldownSeconds: number,
    scaleInCooldownSeconds: number,
    private readonly scaleInMaxFraction = 0.1,
  ) {
    this.target = target;
    this.cooldowns = new Cooldowns(scaleOutCooldownSeconds, scaleInCooldownSeconds);
  }

  /** Consecutive datapoints above the target / below 90 % of it so far (for tests and charts). */
  get alarmRuns(): { high: number; low: number } {
    return { high: this.highRun, low: this.lowRun };
  }

  evaluate(value: number | undefined, desired: number, now: number): number | undefined {
    if (value === undefined || !Number.isFinite(value)) return undefined;
    if (value > this.target) {
      this.highRun++;
      this.lowRun = 0;
    } else if (value < LOW_ALARM_FRACTION * this.target) {
      this.lowRun++;
      this.highRun = 0;
    } else {
      this.highRun = 0;
      this.lowRun = 0;
    }
    const { minCapacity, maxCapacity } = this.bounds;

    if (this.highRun >= HIGH_ALARM_DATAPOINTS) {
      const base = this.cooldowns.scaleOutBase(desired, now);
      const proposed = clamp(Math.ceil((base * value) / this.target), minCapacity, maxCapacity);
      if (proposed <= desired) return undefined;
      this.cooldowns.scaledOut(desired, now);
      return proposed;
    }

    if (this.lowRun >= LOW_ALARM_DATAPOINTS && this.cooldowns.canScaleIn(now)) {
      const step = Math.max(1, Math.floor(desired * this.scaleInMaxFraction));
      // The fewest tasks that keep the metric at or below the target: never scale in past it.
      const proportional = Math.ceil((desired * value) / this.target);
      const proposed = clamp(Math.max(proportional, desired - step), minCapacity, maxCapacity);
      if (proposed >= desired) return undefined;
      this.cooldowns.scaledIn(now);
      return proposed;
    }
    return undefined;
  }
}

/** The step whose interval holds `value`: among matching steps, the one with the highest lower bound, else the lowest upper bound. */
export function matchingStep(steps: readonly ScalingStep[], value: number): ScalingStep | undefined {
  let best: ScalingStep | undefined;
  for (const s of steps) {
    const inside = (s.lower === undefined || value >= s.lower) && (s.upper === undefined || value <= s.upper);
    if (!inside) continue;
    if (
      best === undefined ||
      (s.lower ?? -Infinity) > (best.lower ?? -Infinity) ||
      ((s.lower ?? -Infinity) === (best.lower ?? -Infinity) && (s.upper ?? Infinity) < (best.upper ?? Infinity))
    ) {
      best = s;
    }
  }
  return best;
}

/** Step scaling: call `evaluate` once per alarm datapoint (one per metric period). */
export class StepScalingPolicy {
  private readonly cooldowns: Cooldowns;

  constructor(
    private readonly steps: readonly ScalingStep[],
    private readonly bounds: CapacityBounds,
    cooldownSeconds: number,
  ) {
    this.cooldowns = new Cooldowns(cooldownSeconds, cooldownSeconds);
  }

  evaluate(value: number | undefined, desired: number, now: number): number | undefined {
    if (value === undefined) return undefined;
    const change = matchingStep(this.steps, value)?.change ?? 0;
    const { minCapacity, maxCapacity } = this.bounds;
    if (change > 0) {
      const proposed = clamp(this.cooldowns.scaleOutBase(desired, now) + change, minCapacity, maxCapacity);
      if (proposed <= desired) return undefined;
      this.cooldowns.scaledOut(desired, now);
      return proposed;
    }
    if (change < 0 && this.cooldowns.canScaleIn(now)) {
      const proposed = clamp(desired + change, minCapacity, maxCapacity);
      if (proposed >= desired) return undefined;
      this.cooldowns.scaledIn(now);
      return proposed;
    }
    return undefined;
  }
}
