import { loadAppMetricConfig, metricDimensions } from "../../../app-code/shared/app-metric";
import { loadTargetSetterConfig } from "../../../app-code/target-setter/setter";
import { loadWorkerConfig } from "../../../app-code/worker/src/config";

test("blueprint defaults, overridden by the environment; dimensions Type then QueueName", () => {
  expect(loadAppMetricConfig({})).toEqual({ metricNamespace: "ECS-SQS-BPI", appMetricName: "MsgProcessingDuration", metricType: "Single-Queue" });
  expect(loadAppMetricConfig({ METRIC_NAMESPACE: "NS", APP_METRIC_NAME: "Dur", METRIC_TYPE: "Multi" })).toEqual({
    metricNamespace: "NS",
    appMetricName: "Dur",
    metricType: "Multi",
  });
  expect(metricDimensions("Single-Queue", "q.fifo")).toEqual([
    { Name: "Type", Value: "Single-Queue" },
    { Name: "QueueName", Value: "q.fifo" },
  ]);
});

test("the target setter reads the metric the worker writes, from the same environment, defaults included", () => {
  const names = (c: ReturnType<typeof loadAppMetricConfig> & { queueName: string }) => ({
    namespace: c.metricNamespace,
    name: c.appMetricName,
    dimensions: metricDimensions(c.metricType, c.queueName),
  });
  for (const shared of [{}, { METRIC_NAMESPACE: "NS", APP_METRIC_NAME: "Dur", METRIC_TYPE: "Multi" }]) {
    const worker = loadWorkerConfig({ ...shared, QUEUE_URL: "https://sqs.us-west-2.amazonaws.com/123456789012/demo.fifo" });
    const setter = loadTargetSetterConfig({ ...shared, CLUSTER_NAME: "c", SERVICE_NAME: "s", SCALING_POLICY_NAME: "p", QUEUE_NAME: "demo.fifo" });
    expect(names(setter)).toEqual(names(worker));
  }
});
