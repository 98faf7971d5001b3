/**
 * Backlog per task, the metric the recursive fan-out scales on (AWS's "backlog per instance"): messages waiting
 * (and, by default, in flight) divided by the running tasks. Pure: the publisher Lambda computes it, the simulator
 * models the same formula.
 *
 * In-flight messages count by default: a fan-out's in-flight nodes are about to post their children, so they are
 * demand, and near the end of a run every task holds a node while nothing is visible; visible-only would read 0
 * there and start scale-in while the tasks are busy.
 *
 * The denominator is max(runningCount, 1): tasks still starting do not count (they process nothing yet), and with
 * none running the backlog itself is reported rather than no value (÷ 0), so target tracking still scales out.
 */

export interface BacklogSample {
  /** ApproximateNumberOfMessages (visible). */
  visible: number;
  /** ApproximateNumberOfMessagesNotVisible (in flight). */
  inFlight: number;
  /** The service's runningCount. */
  runningTasks: number;
}

export interface BacklogPerTask {
  value: number;
  /** The numerator used. */
  backlog: number;
  /** The denominator used: max(runningTasks, 1). */
  tasks: number;
}

export function backlogPerTask(sample: BacklogSample, countInFlight = true): BacklogPerTask {
  for (const [name, v] of Object.entries(sample)) {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be a finite number >= 0, got ${v}`);
  }
  const backlog = sample.visible + (countInFlight ? sample.inFlight : 0);
  const tasks = Math.max(sample.runningTasks, 1);
  return { value: backlog / tasks, backlog, tasks };
}

/** Defaults of the metric's name and namespace (the stack's policy and the publisher read the same). */
export const BACKLOG_METRIC_NAME = "BacklogPerTask";

/** The metric's dimensions, in the order the publisher sends them and the scaling policy names them. */
export function backlogMetricDimensions(queueName: string, serviceName: string): Array<{ Name: string; Value: string }> {
  return [
    { Name: "QueueName", Value: queueName },
    { Name: "ServiceName", Value: serviceName },
  ];
}
