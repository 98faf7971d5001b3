/**
 * The backlog-per-task publisher (EventBridge schedule, every minute): reads the queue's live counts and the
 * service's running tasks, computes backlog per task (../../shared/backlog-per-task.ts) and publishes one
 * datapoint, which the service's target-tracking policy scales on. Any failed call throws: the Lambda's Errors
 * metric and the missing-datapoint alarm then show it (target tracking does not scale in on missing data).
 */
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeServicesCommand, ECSClient } from "@aws-sdk/client-ecs";
import { SQSClient } from "@aws-sdk/client-sqs";
import { BACKLOG_METRIC_NAME, backlogMetricDimensions, BacklogPerTask, backlogPerTask } from "../../shared/backlog-per-task";
import { Env, optionalString, readBoolean, requireString } from "../../shared/env";
import { QueueCounts, sqsQueueCounts } from "../../shared/queue-counts";

export interface PublisherConfig {
  /** `QUEUE_URL`. */
  queueUrl: string;
  /** `QUEUE_NAME`, the metric's QueueName dimension. Default: the last segment of the queue URL. */
  queueName: string;
  /** `CLUSTER_NAME`. */
  clusterName: string;
  /** `SERVICE_NAME`, also the metric's ServiceName dimension. */
  serviceName: string;
  /** `METRIC_NAMESPACE`. */
  namespace: string;
  /** `METRIC_NAME`. Default BacklogPerTask. */
  metricName: string;
  /** `COUNT_IN_FLIGHT`: add in-flight messages to the backlog. Default true. */
  countInFlight: boolean;
}

export function loadPublisherConfig(env: Env): PublisherConfig {
  const queueUrl = requireString(env, "QUEUE_URL");
  return {
    queueUrl,
    queueName: optionalString(env, "QUEUE_NAME", queueUrl.split("/").pop() ?? queueUrl),
    clusterName: requireString(env, "CLUSTER_NAME"),
    serviceName: requireString(env, "SERVICE_NAME"),
    namespace: requireString(env, "METRIC_NAMESPACE"),
    metricName: optionalString(env, "METRIC_NAME", BACKLOG_METRIC_NAME),
    countInFlight: readBoolean(env, "COUNT_IN_FLIGHT", true),
  };
}

export interface PublisherDeps {
  sqs: Pick<SQSClient, "send">;
  ecs: Pick<ECSClient, "send">;
  cloudwatch: Pick<CloudWatchClient, "send">;
}

export interface PublishResult extends BacklogPerTask {
  queue: QueueCounts;
  runningTasks: number;
}

export async function runningTaskCount(config: PublisherConfig, ecs: PublisherDeps["ecs"]): Promise<number> {
  const res = await ecs.send(new DescribeServicesCommand({ cluster: config.clusterName, services: [config.serviceName] }));
  const service = res.services?.find((s) => s.serviceName === config.serviceName);
  if (!service || service.runningCount === undefined) {
    const why = res.failures?.map((f) => f.reason).join(", ") || "not in the answer";
    throw new Error(`service ${config.serviceName} in cluster ${config.clusterName}: ${why}`);
  }
  return service.runningCount;
}

export async function publishBacklogPerTask(config: PublisherConfig, deps: PublisherDeps): Promise<PublishResult> {
  const [queue, runningTasks] = await Promise.all([sqsQueueCounts(deps.sqs, config.queueUrl), runningTaskCount(config, deps.ecs)]);
  const result = backlogPerTask({ visible: queue.visible, inFlight: queue.inFlight, runningTasks }, config.countInFlight);
  await deps.cloudwatch.send(
    new PutMetricDataCommand({
      Namespace: config.namespace,
      MetricData: [{ MetricName: config.metricName, Dimensions: backlogMetricDimensions(config.queueName, config.serviceName), Value: result.value, Unit: "None" }],
    }),
  );
  return { ...result, queue, runningTasks };
}
