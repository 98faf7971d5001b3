import { TerraformStack, Testing } from "cdktf";
import { MissingDataAlarm } from "../../../src/constructs/missing-data-alarm";
import { resourcesOf } from "../../helpers";

const props = { alarmName: "bpt-missing", description: "No BacklogPerTask", namespace: "Fanout", metricName: "BacklogPerTask", dimensions: { QueueName: "q", ServiceName: "s" } };

test("goes off when a per-minute metric stops arriving: missing datapoints breach", () => {
  const stack = new TerraformStack(Testing.app(), "test");
  new MissingDataAlarm(stack, "missing", props);
  const [alarm] = Object.values(resourcesOf(JSON.parse(Testing.synth(stack)), "aws_cloudwatch_metric_alarm"));
  expect(alarm).toMatchObject({
    alarm_name: "bpt-missing",
    namespace: "Fanout",
    metric_name: "BacklogPerTask",
    dimensions: { QueueName: "q", ServiceName: "s" },
    statistic: "SampleCount",
    period: 60,
    evaluation_periods: 5,
    datapoints_to_alarm: 5,
    threshold: 1,
    comparison_operator: "LessThanThreshold",
    treat_missing_data: "breaching",
  });
});

test("minutes outside 1..60 are refused", () => {
  const stack = new TerraformStack(Testing.app(), "test");
  expect(() => new MissingDataAlarm(stack, "missing", { ...props, minutes: 0 })).toThrow("minutes 0 is invalid: expected an integer from 1 up to 60");
});
