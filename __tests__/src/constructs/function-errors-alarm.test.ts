import { TerraformStack, Testing } from "cdktf";
import { FunctionErrorsAlarm } from "../../../src/constructs/function-errors-alarm";
import { resourcesOf } from "../../helpers";

test("goes off on any error of the function in a period; silence is fine", () => {
  const stack = new TerraformStack(Testing.app(), "test");
  new FunctionErrorsAlarm(stack, "errors", { alarmName: "launcher-errors", functionName: "launcher" });
  const [alarm] = Object.values(resourcesOf(JSON.parse(Testing.synth(stack)), "aws_cloudwatch_metric_alarm"));
  expect(alarm).toMatchObject({
    alarm_name: "launcher-errors",
    namespace: "AWS/Lambda",
    metric_name: "Errors",
    dimensions: { FunctionName: "launcher" },
    statistic: "Sum",
    period: 300,
    evaluation_periods: 1,
    threshold: 0,
    comparison_operator: "GreaterThanThreshold",
    treat_missing_data: "notBreaching",
  });
  expect(() => new FunctionErrorsAlarm(stack, "bad", { alarmName: "x", functionName: "f", periodMinutes: 0 })).toThrow("periodMinutes 0 is invalid");
});
