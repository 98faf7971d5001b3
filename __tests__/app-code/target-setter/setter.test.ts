/** The metric window of the target setter, with CloudWatch mocked (it cannot run here). */
import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { ApplicationAutoScalingClient } from "@aws-sdk/client-application-auto-scaling";
import { loadTargetSetterConfig, readDurationDatapoints } from "../../../app-code/target-setter/setter";

test("the lookback window ends at the last whole minute before now; the caller's clock value is left as it was", async () => {
  const cloudwatch = mockClient(CloudWatchClient);
  cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
  const config = loadTargetSetterConfig({ CLUSTER_NAME: "c", SERVICE_NAME: "s", SCALING_POLICY_NAME: "p", QUEUE_NAME: "q.fifo", LOOKBACK_MINUTES: "90" });
  const now = new Date("2026-03-01T10:17:42.500Z");

  await readDurationDatapoints(config, {
    cloudwatch: new CloudWatchClient({ region: "us-east-1" }),
    autoscaling: new ApplicationAutoScalingClient({ region: "us-east-1" }),
    now: () => now,
  });

  const input = cloudwatch.commandCalls(GetMetricDataCommand)[0].args[0].input;
  expect(input.EndTime).toEqual(new Date("2026-03-01T10:17:00Z"));
  expect(input.StartTime).toEqual(new Date("2026-03-01T08:47:00Z"));
  expect(now.toISOString()).toBe("2026-03-01T10:17:42.500Z");
  cloudwatch.restore();
});
