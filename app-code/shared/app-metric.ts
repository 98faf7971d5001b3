/**
 * Where the app metric lives: the worker writes it, the target setter reads it. Both read the names here, from the
 * same variables with the same defaults (the blueprint's), and build the same dimensions, so a change to one side
 * cannot leave the other reading a metric that has no data.
 */
import { Dimension } from "./metric-batch";
import { Env, optionalString } from "./env";

export interface AppMetricConfig {
  /** `METRIC_NAMESPACE`, default `ECS-SQS-BPI`. */
  metricNamespace: string;
  /** `APP_METRIC_NAME` (processing duration, seconds), default `MsgProcessingDuration`. */
  appMetricName: string;
  /** `METRIC_TYPE`, the value of dimension `Type`, default `Single-Queue`. */
  metricType: string;
}

export function loadAppMetricConfig(env: Env): AppMetricConfig {
  return {
    metricNamespace: optionalString(env, "METRIC_NAMESPACE", "ECS-SQS-BPI"),
    appMetricName: optionalString(env, "APP_METRIC_NAME", "MsgProcessingDuration"),
    metricType: optionalString(env, "METRIC_TYPE", "Single-Queue"),
  };
}

/** Dimensions of the app metric and of the BPI metric, in the blueprint's order. */
export function metricDimensions(metricType: string, queueName: string): Dimension[] {
  return [
    { Name: "Type", Value: metricType },
    { Name: "QueueName", Value: queueName },
  ];
}
