import { TerraformStack, Testing } from "cdktf";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { TaskStateChangeTrigger } from "../../../src/constructs/task-state-change-trigger";
import { resourcesOf, TerraformJson } from "../../helpers";

function synth(): TerraformJson {
  const stack = new TerraformStack(Testing.app(), "test");
  const fn = new LambdaFunction(stack, "handler", { functionName: "failure-handler", role: "arn:role", runtime: "nodejs24.x", handler: "index.handler", filename: "x.zip" });
  const undelivered = new SqsQueue(stack, "undelivered", { name: "failure-handler-failures" });
  new TaskStateChangeTrigger(stack, "stopped", {
    ruleName: "jobs-task-stopped",
    description: "Stopped job tasks",
    clusterArn: "arn:aws:ecs:us-west-2:1:cluster/core-infra",
    family: "jobs",
    function: fn,
    undeliveredQueue: undelivered,
  });
  return JSON.parse(Testing.synth(stack));
}

const only = (json: TerraformJson, type: string) => {
  const all = Object.values(resourcesOf(json, type));
  expect(all).toHaveLength(1);
  return all[0];
};

test("the rule matches STOPPED task state changes of one family in one cluster", () => {
  const rule = only(synth(), "aws_cloudwatch_event_rule");
  expect(JSON.parse(rule.event_pattern)).toEqual({
    source: ["aws.ecs"],
    "detail-type": ["ECS Task State Change"],
    detail: { clusterArn: ["arn:aws:ecs:us-west-2:1:cluster/core-infra"], group: ["family:jobs"], lastStatus: ["STOPPED"] },
  });
  expect(rule.state).toBe("ENABLED");
});

test("events go to the function with retries, undeliverable ones to a queue only this rule may send to", () => {
  const json = synth();
  const target = only(json, "aws_cloudwatch_event_target");
  expect(target.arn).toMatch(/aws_lambda_function\.handler\.arn/);
  expect(target.retry_policy).toEqual({ maximum_event_age_in_seconds: 86400, maximum_retry_attempts: 185 });
  expect(target.dead_letter_config.arn).toMatch(/aws_sqs_queue\.undelivered\.arn/);
  const permission = only(json, "aws_lambda_permission");
  expect(permission).toMatchObject({ principal: "events.amazonaws.com", action: "lambda:InvokeFunction" });
  expect(permission.source_arn).toMatch(/aws_cloudwatch_event_rule\.stopped_rule_[0-9A-F]+\.arn/);
  const policy = Object.values(json.data!.aws_iam_policy_document)[0];
  expect(policy.statement[0]).toMatchObject({
    actions: ["sqs:SendMessage"],
    principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
    condition: [{ test: "ArnEquals", variable: "aws:SourceArn" }],
  });
});
