/**
 * Application Auto Scaling as the model runs it: CloudWatch alarms on per-minute datapoints, the policies they
 * invoke, and the rule that combines several policies on one scalable target. Each policy proposes a capacity
 * without side effects (`propose`); `ScalableTarget.decide` picks one and tells the policies what happened, so a
 * proposal that loses costs its policy no cooldown.
 *
 * Sources for the behaviour modelled here (Application Auto Scaling User Guide, "Target tracking scaling policies"
 * and "Step scaling policies"; CloudWatch User Guide, "Using Amazon CloudWatch alarms"):
 * - Target tracking creates two alarms: high = 3 consecutive 1-minute datapoints above the target, low = 15
 *   consecutive datapoints below 90 % of it (the alarms AWS creates, visible in the CloudWatch console; the docs say
 *   capacity is removed only once the metric is sufficiently below the target, "usually more than 10% lower").
 *   The counts are not documented: model parameters.
 * - While an alarm with an Auto Scaling action stays in ALARM, the action runs again at each evaluation, so the
 *   policy re-evaluates every period.
 * - Scale-out is proportional: new capacity = ceil(capacity × metric / target) ("scales out proportionally to the
 *   metric as fast as it can").
 * - Scale-out cooldown: "the scaling policy won't increase the desired capacity again unless either a larger scale
 *   out is triggered or the cooldown period ends"; the capacity added by the initiating scale-out counts as part of
 *   the desired capacity of the next one. Modelled as: during the cooldown, the proposal is computed from the
 *   capacity before the initiating scale-out and applied only when it exceeds the current capacity.
 * - Scale-in cooldown blocks further scale-in; "if another alarm triggers a scale-out activity during the scale-in
 *   cooldown period, Application Auto Scaling scales out the target immediately. In this case, the scale-in
 *   cooldown period stops": any policy's scale-out ends every policy's scale-in cooldown.
 * - Scale-in is gradual ("scales in more gradually"): at most `scaleInMaxFraction` of the capacity (at least 1
 *   task) per action. AWS does not publish the exact rule; this is the model's assumption. It never goes below
 *   ceil(capacity × metric / target): the policy does not remove capacity that would take the metric above target.
 * - Missing data (metric math dividing by zero returns no datapoint): the alarm looks at the last datapoints that
 *   exist (treat missing data as `missing`), so a gap neither acts nor resets a run; "a target tracking scaling
 *   policy does not scale in when the state of the alarm is INSUFFICIENT_DATA".
 * - Step scaling: one alarm datapoint per period (the alarm's statistic over the period's 1-minute values);
 *   "You specify the upper and lower bounds relative to the breach threshold ... If the metric value is above the
 *   breach threshold, the lower bound is inclusive and the upper bound is exclusive. If the metric value is below
 *   the breach threshold, the lower bound is exclusive and the upper bound is inclusive." Adjustment types
 *   ChangeInCapacity, ExactCapacity and PercentChangeInCapacity, the latter rounded as documented (above 1 down,
 *   0..1 to 1, -1..0 to -1, below -1 up) and at least MinAdjustmentMagnitude. One cooldown for both directions
 *   (StepScalingPolicyConfiguration.Cooldown), with the same documented rules as target tracking's.
 * - Several policies on one target: "It will scale out the scalable target if any of the target tracking policies
 *   are ready for scale out, but will scale in only if all of the target tracking policies (with the scale-in
 *   portion enabled) are ready to scale in. If multiple policies instruct the scalable target to scale out or in at
 *   the same time, Application Auto Scaling scales based on the policy that provides the largest capacity for both
 *   scale in and scale out." A step policy's scale-in is not held back by target tracking ("if the step scaling
 *   policy initiates a scale-in activity before the target tracking policy is ready to scale in, the scale-in
 *   activity will not be blocked").
 */
import type { AdjustmentType, Comparison, StepAdjustment } from "./strategies";

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

export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";

/** A missing datapoint treated as breaching (compares as breaching whatever the comparison). */
const MISSING_BREACHING = -Infinity;

/**
 * A CloudWatch alarm fed one datapoint per period: ALARM when at least `datapointsToAlarm` of the last
 * `evaluationPeriods` datapoints breach the threshold. Missing data treated as `missing`: only datapoints that exist
 * count; as `notBreaching` or `breaching`: a missing one counts as that. The threshold is compared when the alarm is
 * evaluated, so a changed threshold applies to the datapoints held.
 */
export class Alarm {
  state: AlarmState = "INSUFFICIENT_DATA";
  private readonly history: number[] = [];

  constructor(
    readonly comparison: Comparison,
    public threshold: number,
    readonly evaluationPeriods: number,
    readonly datapointsToAlarm: number = evaluationPeriods,
    readonly treatMissingData: "missing" | "notBreaching" | "breaching" = "missing",
  ) {}

  breaches(value: number): boolean {
    if (Number.isNaN(value)) return false; // a missing datapoint treated as notBreaching
    if (value === MISSING_BREACHING) return true;
    switch (this.comparison) {
      case "GreaterThanThreshold":
        return value > this.threshold;
      case "GreaterThanOrEqualToThreshold":
        return value >= this.threshold;
      case "LessThanThreshold":
        return value < this.threshold;
      case "LessThanOrEqualToThreshold":
        return value <= this.threshold;
    }
  }

  /** Evaluates with the period's datapoint (undefined: missing) and returns the new state. */
  update(value: number | undefined): AlarmState {
    const exists = value !== undefined && Number.isFinite(value);
    if (exists || this.treatMissingData !== "missing") {
      this.history.push(exists ? value : this.treatMissingData === "breaching" ? MISSING_BREACHING : NaN);
      if (this.history.length > this.evaluationPeriods) this.history.shift();
    }
    if (this.history.length === 0) return (this.state = "INSUFFICIENT_DATA");
    let breaching = 0;
    for (const v of this.history) if (this.breaches(v)) breaching++;
    return (this.state = breaching >= this.datapointsToAlarm ? "ALARM" : "OK");
  }

  /** Consecutive breaching datapoints at the newest end (for tests and charts). */
  get breachingRun(): number {
    let n = 0;
    for (let i = this.history.length - 1; i >= 0 && this.breaches(this.history[i]); i--) n++;
    return n;
  }
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

  scaledOut(from: number, now: number): void {
    if (now >= this.scaleOutUntil) this.scaleOutFrom = from;
    this.scaleOutUntil = now + this.scaleOutSeconds;
  }

  /** A scale-out by any policy stops the scale-in cooldown. */
  endScaleInCooldown(now: number): void {
    this.scaleInUntil = Math.min(this.scaleInUntil, now);
  }

  canScaleIn(now: number): boolean {
    return now >= this.scaleInUntil;
  }

  scaledIn(now: number): void {
    this.scaleInUntil = now + this.scaleInSeconds;
  }
}

/** What every policy model offers the scalable target. */
export interface PolicyModel {
  readonly kind: "target-tracking" | "step-scaling" | "reactive-reference";
  /** Whether this is a target-tracking policy whose scale-in is enabled (it has a vote on scale-in). */
  readonly votesOnScaleIn: boolean;
  /** Told after every change of the desired count: by this policy (`mine`) or another. */
  applied(direction: "out" | "in", mine: boolean, from: number, now: number): void;
}

/** Base of the alarm-driven policies: cooldown bookkeeping and the single-policy shortcut `evaluate`. */
abstract class AlarmPolicy implements PolicyModel {
  abstract readonly kind: "target-tracking" | "step-scaling";
  abstract readonly votesOnScaleIn: boolean;
  protected abstract readonly cooldowns: Cooldowns;

  /** The capacity this policy asks for given the period's datapoint, or undefined; no cooldown side effects. */
  abstract propose(value: number | undefined, desired: number, now: number): number | undefined;

  applied(direction: "out" | "in", mine: boolean, from: number, now: number): void {
    if (direction === "out") {
      if (mine) this.cooldowns.scaledOut(from, now);
      this.cooldowns.endScaleInCooldown(now);
    } else if (mine) {
      this.cooldowns.scaledIn(now);
    }
  }

  /** propose + apply, for a policy alone on its target (tests, and the one-policy strategies). */
  evaluate(value: number | undefined, desired: number, now: number): number | undefined {
    const proposed = this.propose(value, desired, now);
    if (proposed === undefined || proposed === desired) return undefined;
    this.applied(proposed > desired ? "out" : "in", true, desired, now);
    return proposed;
  }
}

/** Target tracking: call `propose` once per 1-minute datapoint. */
export class TargetTrackingPolicy extends AlarmPolicy {
  readonly kind = "target-tracking";
  readonly votesOnScaleIn: boolean;
  protected readonly cooldowns: Cooldowns;
  private readonly high: Alarm;
  private readonly low: Alarm;
  private current: number;

  constructor(
    target: number,
    private readonly bounds: CapacityBounds,
    scaleOutCooldownSeconds: number,
    scaleInCooldownSeconds: number,
    private readonly scaleInMaxFraction = 0.1,
    disableScaleIn = false,
  ) {
    super();
    this.current = target;
    this.votesOnScaleIn = !disableScaleIn;
    this.cooldowns = new Cooldowns(scaleOutCooldownSeconds, scaleInCooldownSeconds);
    this.high = new Alarm("GreaterThanThreshold", target, HIGH_ALARM_DATAPOINTS);
    this.low = new Alarm("LessThanThreshold", LOW_ALARM_FRACTION * target, LOW_ALARM_DATAPOINTS);
  }

  /** Current target value; the target setter changes it, and with it both alarms' thresholds. */
  get target(): number {
    return this.current;
  }

  set target(value: number) {
    this.current = value;
    this.high.threshold = value;
    this.low.threshold = LOW_ALARM_FRACTION * value;
  }

  /** Consecutive datapoints above the target / below 90 % of it at the newest end (for tests and charts). */
  get alarmRuns(): { high: number; low: number } {
    return { high: this.high.breachingRun, low: this.low.breachingRun };
  }

  propose(value: number | undefined, desired: number, now: number): number | undefined {
    const datapoint = value !== undefined && Number.isFinite(value) ? value : undefined;
    const high = this.high.update(datapoint);
    const low = this.low.update(datapoint);
    if (datapoint === undefined) return undefined;
    const { minCapacity, maxCapacity } = this.bounds;

    if (high === "ALARM") {
      const base = this.cooldowns.scaleOutBase(desired, now);
      const proposed = clamp(Math.ceil((base * datapoint) / this.current), minCapacity, maxCapacity);
      return proposed > desired ? proposed : undefined;
    }

    if (low === "ALARM" && this.votesOnScaleIn && this.cooldowns.canScaleIn(now)) {
      const step = Math.max(1, Math.floor(desired * this.scaleInMaxFraction));
      // The fewest tasks that keep the metric at or below the target: never scale in past it.
      const proportional = Math.ceil((desired * datapoint) / this.current);
      const proposed = clamp(Math.max(proportional, desired - step), minCapacity, maxCapacity);
      return proposed < desired ? proposed : undefined;
    }
    return undefined;
  }
}

/**
 * The step adjustment for a datapoint `difference` = value − threshold of an alarm that breaches `above` the
 * threshold (Greater… comparisons) or below it: above, lower ≤ d < upper; below, lower < d ≤ upper (bounds
 * relative to the threshold, unset = infinite).
 */
export function matchingAdjustment(steps: readonly StepAdjustment[], difference: number, above: boolean): StepAdjustment | undefined {
  return steps.find((s) => {
    const lower = s.lower ?? -Infinity;
    const upper = s.upper ?? Infinity;
    return above ? lower <= difference && difference < upper : lower < difference && difference <= upper;
  });
}

/** The capacity change of a PercentChangeInCapacity step, rounded as Application Auto Scaling does. */
export function percentChange(capacity: number, percent: number, minAdjustmentMagnitude = 0): number {
  const raw = (capacity * percent) / 100;
  let change = raw > 1 ? Math.floor(raw) : raw > 0 ? 1 : raw === 0 ? 0 : raw > -1 ? -1 : Math.ceil(raw);
  if (change !== 0 && Math.abs(change) < minAdjustmentMagnitude) change = Math.sign(change) * minAdjustmentMagnitude;
  return change;
}

/** Step scaling on one alarm: call `propose` once per alarm period with the period's datapoint. */
export class StepScalingPolicy extends AlarmPolicy {
  readonly kind = "step-scaling";
  readonly votesOnScaleIn = false;
  protected readonly cooldowns: Cooldowns;

  constructor(
    readonly alarm: Alarm,
    private readonly steps: readonly StepAdjustment[],
    private readonly bounds: CapacityBounds,
    cooldownSeconds: number,
    private readonly adjustmentType: AdjustmentType = "ChangeInCapacity",
    private readonly minAdjustmentMagnitude = 0,
  ) {
    super();
    this.cooldowns = new Cooldowns(cooldownSeconds, cooldownSeconds);
  }

  /** The capacity the step asks for from `capacity` (before clamping). */
  private adjusted(step: StepAdjustment, capacity: number): number {
    switch (this.adjustmentType) {
      case "ExactCapacity":
        return step.adjustment;
      case "PercentChangeInCapacity":
        return capacity + percentChange(capacity, step.adjustment, this.minAdjustmentMagnitude);
      case "ChangeInCapacity":
        return capacity + step.adjustment;
    }
  }

  propose(value: number | undefined, desired: number, now: number): number | undefined {
    if (this.alarm.update(value) !== "ALARM" || value === undefined) return undefined;
    const above = this.alarm.comparison.startsWith("Greater");
    const step = matchingAdjustment(this.steps, value - this.alarm.threshold, above);
    if (!step) return undefined;
    const { minCapacity, maxCapacity } = this.bounds;
    const direct = clamp(this.adjusted(step, desired), minCapacity, maxCapacity);
    if (direct > desired) {
      // During a scale-out cooldown the capacity already added counts: propose from the base, apply if larger.
      const proposed = clamp(this.adjusted(step, this.cooldowns.scaleOutBase(desired, now)), minCapacity, maxCapacity);
      return proposed > desired ? proposed : undefined;
    }
    if (direct < desired && this.cooldowns.canScaleIn(now)) return direct;
    return undefined;
  }
}

/** The true state a reactive reference reads each minute (no CloudWatch, no delay). */
export interface TrueState {
  /** Messages waiting (visible) now, and their total processing time in seconds. */
  readonly waiting: number;
  readonly waitingWorkSeconds: number;
  /** Messages in flight now. */
  readonly inFlight: number;
  /** Total processing time of the messages sent in the last 60 s. */
  readonly arrivedWorkSecondsLastMinute: number;
}

/**
 * The capacity the true state needs now: the work arriving per second (last minute's arrivals) at full
 * utilisation, plus what drains the waiting work within the latency goal, and never fewer tasks than the messages
 * in flight occupy: (arrivedWork / 60 + waitingWork / L) / C, at least inFlight / C.
 */
export function neededCapacity(state: TrueState, concurrency: number, latencySeconds: number): number {
  const rate = state.arrivedWorkSecondsLastMinute / 60 + state.waitingWorkSeconds / latencySeconds;
  return Math.max(rate / concurrency, state.inFlight / concurrency);
}

/**
 * Not deployable: each minute it sets the desired count to ceil(neededCapacity) from the true state, with no alarm
 * datapoints and no cooldowns; only the start-up delay and the capacity bounds remain. It shows what a reactive
 * policy could reach on a workload, so that a miss can be blamed on the policy or on physics.
 */
export class ReactiveReference implements PolicyModel {
  readonly kind = "reactive-reference";
  readonly votesOnScaleIn = false;

  constructor(
    private readonly bounds: CapacityBounds,
    private readonly concurrency: number,
    private readonly latencySeconds: number,
  ) {}

  propose(state: TrueState, desired: number): number | undefined {
    const needed = Math.ceil(neededCapacity(state, this.concurrency, this.latencySeconds) - 1e-9);
    const proposed = clamp(needed, this.bounds.minCapacity, this.bounds.maxCapacity);
    return proposed === desired ? undefined : proposed;
  }

  applied(): void {}
}

/** One policy's proposal of a minute. */
export interface Proposal {
  readonly policy: PolicyModel;
  readonly capacity: number;
}

/**
 * The combination rule: the largest scale-out if any policy proposes one; else a scale-in to the largest proposed
 * capacity among the allowed ones, where a target-tracking scale-in counts only when every target-tracking policy
 * with scale-in enabled proposes a scale-in, and other policies' scale-ins are not held back.
 */
export function combine(policies: readonly PolicyModel[], proposals: readonly Proposal[], desired: number): Proposal | undefined {
  let best: Proposal | undefined;
  for (const p of proposals) if (p.capacity > desired && (!best || p.capacity > best.capacity)) best = p;
  if (best) return best;
  const ins = proposals.filter((p) => p.capacity < desired);
  const voters = policies.filter((p) => p.votesOnScaleIn);
  const allVoteIn = voters.every((v) => ins.some((p) => p.policy === v));
  for (const p of ins) {
    if (p.policy.votesOnScaleIn && !allVoteIn) continue;
    if (!best || p.capacity > best.capacity) best = p;
  }
  return best;
}

/** A scalable target with its policies: combines their proposals and keeps each policy's cooldowns. */
export class ScalableTarget {
  constructor(readonly policies: readonly PolicyModel[]) {}

  /** The new desired count, or undefined to keep `desired`; tells every policy what was applied. */
  decide(proposals: readonly Proposal[], desired: number, now: number): number | undefined {
    const chosen = combine(this.policies, proposals, desired);
    if (!chosen) return undefined;
    const direction = chosen.capacity > desired ? "out" : "in";
    for (const p of this.policies) p.applied(direction, p === chosen.policy, desired, now);
    return chosen.capacity;
  }
}
