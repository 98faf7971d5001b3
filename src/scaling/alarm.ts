/**
 * CloudWatch metric alarms as data, in a pure module: what CloudWatch accepts (periods, evaluation ranges) and how
 * an alarm turns datapoints into a state. The stacks synthesize alarms from an `AlarmRule`, the settings validate
 * with these limits, and the local stand-in for the alarms (`npm run local -- --stack sqs-scale-to-zero`)
 * evaluates the same rule, so what is deployed and what is tried out cannot drift apart.
 */

export type ComparisonOperator =
  | "GreaterThanOrEqualToThreshold"
  | "GreaterThanThreshold"
  | "LessThanThreshold"
  | "LessThanOrEqualToThreshold";

/**
 * What a missing datapoint counts as: `breaching`, `notBreaching`; `ignore` keeps the alarm's state; `missing`
 * (CloudWatch's default) goes to INSUFFICIENT_DATA when every datapoint of the window is missing.
 */
export type TreatMissingData = "breaching" | "notBreaching" | "ignore" | "missing";

export type AlarmStatistic = "Average" | "Maximum" | "Minimum" | "Sum" | "SampleCount";

export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";

/** The evaluation part of an alarm: everything but the metric it watches. */
export interface AlarmRule {
  /** Seconds per datapoint. */
  readonly periodSeconds: number;
  readonly statistic: AlarmStatistic;
  readonly comparison: ComparisonOperator;
  readonly threshold: number;
  /** N: datapoints in the window. */
  readonly evaluationPeriods: number;
  /** M: breaching datapoints in the window that set ALARM (M of N). */
  readonly datapointsToAlarm: number;
  readonly treatMissingData: TreatMissingData;
}

/** Seconds in a day and a week: CloudWatch's limits of an alarm's evaluation range (period × N). */
const DAY = 86_400;
const WEEK = 604_800;

/**
 * Why CloudWatch would refuse (or never fill) this period and window for a standard-resolution metric such as
 * every AWS/SQS and AWS/ECS metric, or undefined when it is fine. PutMetricAlarm accepts 10, 20, 30 and multiples
 * of 60, but the sub-minute ones only make sense for high-resolution custom metrics: an SQS alarm with them never
 * gets data and lapses into INSUFFICIENT_DATA. Period × evaluation periods may not exceed one day for periods under
 * an hour, seven days otherwise; datapoints to alarm is 1..evaluation periods.
 */
export function alarmWindowProblem(periodSeconds: number, evaluationPeriods: number, datapointsToAlarm = evaluationPeriods): string | undefined {
  if (!Number.isInteger(periodSeconds) || periodSeconds < 60 || periodSeconds % 60 !== 0) {
    return `period ${periodSeconds} s is not a whole number of minutes (SQS and ECS metrics have one datapoint a minute; CloudWatch's 10, 20 and 30 s periods are for high-resolution custom metrics only)`;
  }
  if (!Number.isInteger(evaluationPeriods) || evaluationPeriods < 1) return `evaluation periods ${evaluationPeriods} is not an integer of at least 1`;
  const limit = periodSeconds < 3600 ? DAY : WEEK;
  if (periodSeconds * evaluationPeriods > limit) {
    return `period ${periodSeconds} s × ${evaluationPeriods} evaluation periods = ${periodSeconds * evaluationPeriods} s exceeds CloudWatch's ${limit} s (${limit === DAY ? "one day, for periods under an hour" : "seven days"})`;
  }
  if (!Number.isInteger(datapointsToAlarm) || datapointsToAlarm < 1 || datapointsToAlarm > evaluationPeriods) {
    return `datapoints to alarm ${datapointsToAlarm} is not an integer from 1 to the ${evaluationPeriods} evaluation periods`;
  }
  return undefined;
}

/** Whether one datapoint breaches the threshold. */
export function breaches(rule: Pick<AlarmRule, "comparison" | "threshold">, value: number): boolean {
  switch (rule.comparison) {
    case "GreaterThanOrEqualToThreshold":
      return value >= rule.threshold;
    case "GreaterThanThreshold":
      return value > rule.threshold;
    case "LessThanThreshold":
      return value < rule.threshold;
    case "LessThanOrEqualToThreshold":
      return value <= rule.threshold;
  }
}

/**
 * The state after the newest datapoint: `recent` holds the datapoints of the window, oldest first, `undefined`
 * for a period without data (only the last `evaluationPeriods` are read). With `breaching` / `notBreaching` a gap
 * counts as that; with `ignore` and `missing` it is skipped, and a window with no data at all keeps `previous`
 * (`ignore`) or is INSUFFICIENT_DATA (`missing`). A simplification of CloudWatch's rule, which for those two looks
 * further back for datapoints; the stacks here use only `breaching` and `notBreaching`, where the rule is exact.
 */
export function evaluateAlarm(rule: AlarmRule, recent: ReadonlyArray<number | undefined>, previous: AlarmState = "INSUFFICIENT_DATA"): AlarmState {
  const window = recent.slice(-rule.evaluationPeriods);
  const verdicts: boolean[] = [];
  for (const value of window) {
    if (value !== undefined) verdicts.push(breaches(rule, value));
    else if (rule.treatMissingData === "breaching") verdicts.push(true);
    else if (rule.treatMissingData === "notBreaching") verdicts.push(false);
  }
  if (verdicts.length === 0) return rule.treatMissingData === "ignore" ? previous : "INSUFFICIENT_DATA";
  const breaching = verdicts.filter(Boolean).length;
  if (breaching >= rule.datapointsToAlarm) return "ALARM";
  // Fewer datapoints than the window needs and not yet enough breaching ones: CloudWatch waits.
  if (window.length < rule.evaluationPeriods && verdicts.length < rule.datapointsToAlarm) return previous;
  return "OK";
}
