/**
 * What a step-scaling policy does when its alarm invokes it, as Application Auto Scaling defines it, in a pure
 * module: which step applies (bounds relative to the alarm threshold; above the threshold the lower bound is
 * inclusive and the upper exclusive, below it the reverse) and what capacity that gives (ChangeInCapacity adds,
 * ExactCapacity sets, both within the target's bounds). The local stand-in for the alarms uses it; the simulator
 * can.
 */
import { ComparisonOperator } from "./alarm";

/** A step of a step-scaling policy, bounds relative to the alarm's threshold as Application Auto Scaling defines them. */
export interface StepAdjustment {
  /** Above the threshold inclusive, below it exclusive. Unset: -infinity. */
  readonly lower?: number;
  /** Above the threshold exclusive, below it inclusive. Unset: +infinity. */
  readonly upper?: number;
  /** Tasks to add (ChangeInCapacity), or the task count to set (ExactCapacity). */
  readonly change: number;
}

/** Whether an alarm with this operator breaches above its threshold (else below). */
export const breachesAbove = (comparison: ComparisonOperator): boolean =>
  comparison === "GreaterThanOrEqualToThreshold" || comparison === "GreaterThanThreshold";

/** The step for a metric `value` of an alarm with `threshold` and `comparison`, or undefined when none matches. */
export function matchingStep(steps: readonly StepAdjustment[], value: number, threshold: number, comparison: ComparisonOperator): StepAdjustment | undefined {
  const x = value - threshold;
  const above = breachesAbove(comparison);
  return steps.find((s) => {
    const lower = s.lower ?? -Infinity;
    const upper = s.upper ?? Infinity;
    return above ? x >= lower && x < upper : x > lower && x <= upper;
  });
}

/** The desired count after a step: ChangeInCapacity adds `change`, ExactCapacity sets it; clamped to min..max. */
export function adjustedCapacity(
  desired: number,
  adjustmentType: "ChangeInCapacity" | "ExactCapacity",
  change: number,
  bounds: { readonly minCapacity: number; readonly maxCapacity: number },
): number {
  const next = adjustmentType === "ExactCapacity" ? change : desired + change;
  return Math.min(bounds.maxCapacity, Math.max(bounds.minCapacity, next));
}
