/** CloudWatch cannot run here: mocked. */
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { silentLog } from "../../../app-code/worker/src/log";
import { MetricsPublisher } from "../../../app-code/worker/src/metrics-publisher";

const cloudwatch = mockClient(CloudWatchClient);
beforeEach(() => cloudwatch.reset());

function publisher(): MetricsPublisher {
  return new MetricsPublisher({
    cloudwatch: new CloudWatchClient({ region: "us-east-1" }),
    namespace: "ECS-SQS-BPI",
    metricName: "MsgProcessingDuration",
    dimensions: [{ Name: "QueueName", Value: "q.fifo" }],
    flushSeconds: 60,
    log: silentLog,
  });
}

test("one call per flush for any number of samples; nothing sent when there is nothing to send", async () => {
  cloudwatch.on(PutMetricDataCommand).resolves({});
  const p = publisher();
  for (let i = 0; i < 1000; i++) p.record(5);
  await p.flush();
  await p.flush();
  const calls = cloudwatch.commandCalls(PutMetricDataCommand);
  expect(calls).toHaveLength(1);
  expect(calls[0].args[0].input.MetricData).toEqual([
    expect.objectContaining({ MetricName: "MsgProcessingDuration", Unit: "Seconds", Values: [5], Counts: [1000] }),
  ]);
  expect(p.published).toBe(1000);
});

test("a failed send keeps the samples for the next flush", async () => {
  cloudwatch.on(PutMetricDataCommand).rejectsOnce(new Error("Throttling")).resolves({});
  const p = publisher();
  p.record(1);
  p.record(2);
  await p.flush();
  expect(p.published).toBe(0);
  p.record(2);
  await p.stop();
  const last = cloudwatch.commandCalls(PutMetricDataCommand)[1].args[0].input.MetricData![0];
  expect(last).toMatchObject({ Values: [1, 2], Counts: [1, 2] });
  expect(p.published).toBe(3);
});
