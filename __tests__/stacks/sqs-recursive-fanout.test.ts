import { Testing } from "cdktf";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { DataAwsEcsCluster } from "@cdktf/provider-aws/lib/data-aws-ecs-cluster";
import { SqsRecursiveFanoutStack } from "../../stacks/sqs-recursive-fanout-stack";
import { maskContentHashes, resourcesOf, testSettings, TerraformJson } from "../helpers";

const STACK = "sqs-recursive-fanout";

function synth(own: Record<string, unknown> = {}): { synthesized: string; json: TerraformJson } {
  const stack = new SqsRecursiveFanoutStack(Testing.app(), STACK, { settings: testSettings(STACK, own) });
  const synthesized = Testing.synth(stack);
  return { synthesized, json: JSON.parse(synthesized) as TerraformJson };
}

const ref = (type: string, name: string, attr: string) => `\${${type}.${name}.${attr}}`;
const dataRef = (type: string, name: string, attr: string) => `\${data.${type}.${name}.${attr}}`;
const QUEUE_NAME = ref("aws_sqs_queue", "nodes_queue", "name");
const SERVICE_NAME = ref("aws_ecs_service", "worker_service", "name");
const statements = (json: TerraformJson, document: string): any[] => json.data!.aws_iam_policy_document[document].statement;
const bySid = (json: TerraformJson, document: string, sid: string) => statements(json, document).find((s) => s.sid === sid);
const environmentOf = (json: TerraformJson) =>
  Object.fromEntries(
    JSON.parse(resourcesOf(json, "aws_ecs_task_definition").worker_task_definition.container_definitions)[0].environment.map((e: { name: string; value: string }) => [e.name, e.value]),
  );

describe("sqs-recursive-fanout stack", () => {
  const { synthesized, json } = synth();

  it("finds core-infra by name", () => {
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsEcsCluster, { cluster_name: "core-infra" });
  });

  it("keeps the run's records in an on-demand DynamoDB table with TTL", () => {
    expect(resourcesOf(json, "aws_dynamodb_table").runs_table).toMatchObject({
      name: "recursive-fanout-runs",
      billing_mode: "PAY_PER_REQUEST",
      hash_key: "runId",
      range_key: "nodeId",
      ttl: { attribute_name: "expiresAt", enabled: true },
    });
  });

  it("runs the shared worker with the recursive-fanout processor, one node per task, lease = visibility timeout", () => {
    expect(environmentOf(json)).toMatchObject({
      WORKER_PROCESSOR: "recursive-fanout",
      WORKER_CONCURRENCY: "1",
      QUEUE_URL: ref("aws_sqs_queue", "nodes_queue", "url"),
      TABLE_NAME: ref("aws_dynamodb_table", "runs_table", "name"),
      MAX_RECEIVE_COUNT: "5",
      LEASE_SECONDS: "300",
      MAX_DURATION_SECONDS: "300",
      MAX_DEPTH: "50",
      TREE_BRANCHING: "4",
      TREE_DEPTH: "5",
      NODE_TIME_MIN_SECONDS: "1",
      NODE_TIME_MAX_SECONDS: "3",
    });
    expect(resourcesOf(json, "aws_sqs_queue").nodes_queue).toMatchObject({ visibility_timeout_seconds: 300 });
    expect(JSON.parse(resourcesOf(json, "aws_sqs_queue").nodes_queue.redrive_policy).maxReceiveCount).toBe(5);
  });

  it("lets the workers post to their own queue and use the run table, nothing else of DynamoDB", () => {
    expect(bySid(json, "worker_task_permissions", "PostChildren")).toEqual({ sid: "PostChildren", actions: ["sqs:SendMessage"], resources: [ref("aws_sqs_queue", "nodes_queue", "arn")] });
    expect(bySid(json, "worker_task_permissions", "RunRecords")).toEqual({
      sid: "RunRecords",
      actions: ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
      resources: [ref("aws_dynamodb_table", "runs_table", "arn")],
    });
    expect(bySid(json, "worker_task_permissions", "ProtectOwnTasks")).toBeDefined();
  });

  it("scales from 1 task to maxParallelNodes with target tracking on the published BacklogPerTask", () => {
    expect(synthesized).toHaveResourceWithProperties(AppautoscalingTarget, {
      resource_id: `service/${dataRef("aws_ecs_cluster", "core_infra_cluster", "cluster_name")}/${SERVICE_NAME}`,
      min_capacity: 1,
      max_capacity: 50,
    });
    expect(resourcesOf(json, "aws_appautoscaling_policy").backlog_tracking.target_tracking_scaling_policy_configuration).toEqual({
      target_value: 30,
      scale_out_cooldown: 60,
      scale_in_cooldown: 300,
      customized_metric_specification: {
        namespace: "RecursiveFanout",
        metric_name: "BacklogPerTask",
        dimensions: [
          { name: "QueueName", value: QUEUE_NAME },
          { name: "ServiceName", value: SERVICE_NAME },
        ],
        statistic: "Average",
        unit: "None",
      },
    });
  });

  it("publishes it every minute from a Lambda that reads the queue and the service, and may put only its namespace", () => {
    expect(resourcesOf(json, "aws_cloudwatch_event_rule").publisher_schedule_rule).toMatchObject({ schedule_expression: "rate(1 minute)", state: "ENABLED" });
    expect(resourcesOf(json, "aws_lambda_function").publisher_function.environment.variables).toEqual({
      QUEUE_URL: ref("aws_sqs_queue", "nodes_queue", "url"),
      QUEUE_NAME,
      CLUSTER_NAME: dataRef("aws_ecs_cluster", "core_infra_cluster", "cluster_name"),
      SERVICE_NAME,
      METRIC_NAMESPACE: "RecursiveFanout",
      METRIC_NAME: "BacklogPerTask",
      COUNT_IN_FLIGHT: "true",
    });
    expect(statements(json, "publisher_permissions").slice(0, 3)).toEqual([
      { sid: "QueueCounts", actions: ["sqs:GetQueueAttributes"], resources: [ref("aws_sqs_queue", "nodes_queue", "arn")] },
      { sid: "RunningTasks", actions: ["ecs:DescribeServices"], resources: [ref("aws_ecs_service", "worker_service", "arn")] },
      {
        sid: "PutOwnMetric",
        actions: ["cloudwatch:PutMetricData"],
        resources: ["*"],
        condition: [{ test: "StringEquals", variable: "cloudwatch:namespace", values: ["RecursiveFanout"] }],
      },
    ]);
  });

  it("alarms when the metric stops arriving (target tracking would keep the peak) and when the DLQ holds a node", () => {
    const alarms = resourcesOf(json, "aws_cloudwatch_metric_alarm");
    expect(alarms.backlog_missing_alarm).toMatchObject({
      namespace: "RecursiveFanout",
      metric_name: "BacklogPerTask",
      dimensions: { QueueName: QUEUE_NAME, ServiceName: SERVICE_NAME },
      statistic: "SampleCount",
      evaluation_periods: 5,
      threshold: 1,
      comparison_operator: "LessThanThreshold",
      treat_missing_data: "breaching",
    });
    expect(alarms.nodes_dlq_alarm).toMatchObject({ alarm_name: "recursive-fanout-nodes-dlq-not-empty" });
  });

  it("takes the cap, target, tree and publisher options from its settings", () => {
    const { json: other } = synth({ maxParallelNodes: 200, targetBacklogPerTask: 10, countInFlight: false, treeBranching: 10, treeDepth: 4, visibilityTimeoutSeconds: 600 });
    expect(resourcesOf(other, "aws_appautoscaling_target").scaling_target).toMatchObject({ min_capacity: 1, max_capacity: 200 });
    expect(resourcesOf(other, "aws_appautoscaling_policy").backlog_tracking.target_tracking_scaling_policy_configuration.target_value).toBe(10);
    expect(resourcesOf(other, "aws_lambda_function").publisher_function.environment.variables.COUNT_IN_FLIGHT).toBe("false");
    expect(environmentOf(other)).toMatchObject({ TREE_BRANCHING: "10", TREE_DEPTH: "4", LEASE_SECONDS: "600" });
  });

  it("synthesizes byte-identical JSON a second time", () => {
    expect(synth().synthesized).toBe(synthesized);
  });

  it("matches the snapshot (content hashes masked: they change with app-code)", () => {
    expect(maskContentHashes(synthesized)).toMatchSnapshot();
  });
});
