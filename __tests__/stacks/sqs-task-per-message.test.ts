import { Testing } from "cdktf";
import { DataAwsEcsCluster } from "@cdktf/provider-aws/lib/data-aws-ecs-cluster";
import { DataAwsVpc } from "@cdktf/provider-aws/lib/data-aws-vpc";
import { SqsTaskPerMessageStack } from "../../stacks/sqs-task-per-message-stack";
import { maskContentHashes, resourcesOf, testSettings, TerraformJson } from "../helpers";

const STACK = "sqs-task-per-message";

function synth(own: Record<string, unknown> = {}): { synthesized: string; json: TerraformJson } {
  const stack = new SqsTaskPerMessageStack(Testing.app(), STACK, { settings: testSettings(STACK, own) });
  const synthesized = Testing.synth(stack);
  return { synthesized, json: JSON.parse(synthesized) as TerraformJson };
}

const ref = (type: string, name: string, attr: string) => `\${${type}.${name}.${attr}}`;
const dataRef = (type: string, name: string, attr: string) => `\${data.${type}.${name}.${attr}}`;
const CLUSTER_ARN = dataRef("aws_ecs_cluster", "core_infra_cluster", "arn");
const EXECUTION_ROLE = dataRef("aws_iam_role", "core_infra_execution_role", "arn");
const statements = (json: TerraformJson, document: string): any[] => json.data!.aws_iam_policy_document[document].statement;
const bySid = (json: TerraformJson, document: string, sid: string) => statements(json, document).find((s) => s.sid === sid);

describe("sqs-task-per-message stack", () => {
  const { synthesized, json } = synth();
  const functions = resourcesOf(json, "aws_lambda_function");

  it("finds core-infra by name", () => {
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsVpc, { filter: [{ name: "tag:Name", values: ["core-infra"] }] });
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsEcsCluster, { cluster_name: "core-infra" });
  });

  it("runs nothing while idle: no ECS service, no scaling, no schedule", () => {
    for (const type of ["aws_ecs_service", "aws_appautoscaling_target", "aws_appautoscaling_policy"]) expect(resourcesOf(json, type)).toEqual({});
    expect(Object.values(resourcesOf(json, "aws_cloudwatch_event_rule")).map((r: any) => r.schedule_expression)).toEqual([undefined]);
  });

  describe("the job queue and the launcher", () => {
    it("visibility timeout 6 × the launcher's timeout (Lambda's rule), a DLQ after 10 receives with an alarm", () => {
      expect(functions.launcher_function.timeout).toBe(30);
      expect(resourcesOf(json, "aws_sqs_queue").jobs_queue).toMatchObject({ name: "task-per-message-jobs", visibility_timeout_seconds: 180, sqs_managed_sse_enabled: true });
      expect(JSON.parse(resourcesOf(json, "aws_sqs_queue").jobs_queue.redrive_policy)).toEqual({ deadLetterTargetArn: ref("aws_sqs_queue", "jobs_dlq", "arn"), maxReceiveCount: 10 });
      expect(resourcesOf(json, "aws_cloudwatch_metric_alarm").jobs_dlq_alarm).toMatchObject({ alarm_name: "task-per-message-jobs-dlq-not-empty", threshold: 0 });
    });

    it("an event source mapping with partial batch responses, batch 10, no window, at most 2 invocations at a time", () => {
      expect(resourcesOf(json, "aws_lambda_event_source_mapping").launcher_source_mapping).toMatchObject({
        event_source_arn: ref("aws_sqs_queue", "jobs_queue", "arn"),
        function_name: ref("aws_lambda_function", "launcher_function", "arn"),
        function_response_types: ["ReportBatchItemFailures"],
        batch_size: 10,
        maximum_batching_window_in_seconds: 0,
        scaling_config: { maximum_concurrency: 2 },
      });
    });

    it("launches the job's task definition (with its revision) in the private subnets, with the cap and the job container's name", () => {
      expect(functions.launcher_function.environment.variables).toEqual({
        CLUSTER_ARN,
        TASK_DEFINITION_ARN: ref("aws_ecs_task_definition", "job_task_definition", "arn"),
        CONTAINER_NAME: "task-per-message-job",
        SUBNET_IDS: `\${join(",", ${dataRef("aws_subnets", "core_infra_private_subnets", "ids").slice(2, -1)})}`,
        SECURITY_GROUP_IDS: ref("aws_security_group", "job_security_group", "id"),
        CAPACITY_PROVIDER: "FARGATE",
        MAX_RUNNING_TASKS: "10",
        STARTED_BY: "sqs-task-launcher",
      });
    });

    it("may run tasks of the job family only, in this cluster only, and pass the job's task and execution roles only", () => {
      expect(bySid(json, "launcher_permissions", "RunJobTasks")).toEqual({
        sid: "RunJobTasks",
        actions: ["ecs:RunTask"],
        resources: [`arn:${dataRef("aws_partition", "partition", "partition")}:ecs:us-west-2:${dataRef("aws_caller_identity", "account", "account_id")}:task-definition/${ref("aws_ecs_task_definition", "job_task_definition", "family")}:*`],
        condition: [{ test: "ArnEquals", variable: "ecs:cluster", values: [CLUSTER_ARN] }],
      });
      expect(bySid(json, "launcher_permissions", "PassJobRoles")).toEqual({
        sid: "PassJobRoles",
        actions: ["iam:PassRole"],
        resources: [ref("aws_iam_role", "job_task_role", "arn"), EXECUTION_ROLE],
        condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["ecs-tasks.amazonaws.com"] }],
      });
      expect(bySid(json, "launcher_permissions", "TagJobTasksAtLaunch").condition).toEqual([{ test: "StringEquals", variable: "ecs:CreateAction", values: ["RunTask"] }]);
      expect(bySid(json, "launcher_permissions", "CountJobTasks")).toMatchObject({ actions: ["ecs:ListTasks"], condition: [{ test: "ArnEquals", variable: "ecs:cluster", values: [CLUSTER_ARN] }] });
      expect(statements(json, "launcher_permissions").map((s) => s.sid)).toEqual(["PolledQueue", "RunJobTasks", "TagJobTasksAtLaunch", "CountJobTasks", "PassJobRoles", "OwnLogGroup", "OwnFailureQueue"]);
    });
  });

  describe("the job task", () => {
    const taskDefinition = resourcesOf(json, "aws_ecs_task_definition").job_task_definition;
    const [container] = JSON.parse(taskDefinition.container_definitions);

    it("is a Fargate task of the worker image running job.js, non-root, read-only, 120 s to stop after SIGTERM", () => {
      expect(taskDefinition).toMatchObject({ family: "task-per-message-job", requires_compatibilities: ["FARGATE"], network_mode: "awsvpc", cpu: "256", memory: "512" });
      expect(container).toMatchObject({ name: "task-per-message-job", entryPoint: ["node", "--enable-source-maps", "job.js"], user: "1000:1000", readonlyRootFilesystem: true, stopTimeout: 120 });
      expect(container.image).toMatch(/^\$\{aws_ecr_repository\.image_repository\.repository_url\}:src-[0-9a-f]{12}$/);
    });

    it("has a task role without permissions (the demo job calls no AWS API) and HTTPS-only egress, no ingress", () => {
      expect(resourcesOf(json, "aws_iam_role_policy").job_task_policy).toBeUndefined();
      expect(resourcesOf(json, "aws_security_group").job_security_group).toMatchObject({ ingress: [], egress: [expect.objectContaining({ from_port: 443, to_port: 443 })] });
    });
  });

  describe("the failure path", () => {
    it("an EventBridge rule on STOPPED tasks of the job family in this cluster invokes the failure handler", () => {
      const rule = resourcesOf(json, "aws_cloudwatch_event_rule").task_stopped_rule;
      expect(JSON.parse(rule.event_pattern)).toEqual({
        source: ["aws.ecs"],
        "detail-type": ["ECS Task State Change"],
        detail: { clusterArn: [CLUSTER_ARN], group: [`family:${ref("aws_ecs_task_definition", "job_task_definition", "family")}`], lastStatus: ["STOPPED"] },
      });
      expect(resourcesOf(json, "aws_cloudwatch_event_target").task_stopped_target).toMatchObject({
        arn: ref("aws_lambda_function", "failure_handler_function", "arn"),
        dead_letter_config: { arn: ref("aws_sqs_queue", "failure_handler_failures", "arn") },
      });
    });

    it("re-enqueues to the job queue or dead-letters to its DLQ after 3 attempts, and may send to those two only", () => {
      expect(functions.failure_handler_function.environment.variables).toMatchObject({
        QUEUE_URL: ref("aws_sqs_queue", "jobs_queue", "url"),
        DLQ_URL: ref("aws_sqs_queue", "jobs_dlq", "url"),
        CONTAINER_NAME: "task-per-message-job",
        MAX_ATTEMPTS: "3",
        STARTED_BY: "sqs-task-launcher",
      });
      expect(bySid(json, "failure_handler_permissions", "RequeueOrDeadLetter")).toEqual({
        sid: "RequeueOrDeadLetter",
        actions: ["sqs:SendMessage"],
        resources: [ref("aws_sqs_queue", "jobs_queue", "arn"), ref("aws_sqs_queue", "jobs_dlq", "arn")],
      });
    });

    it("alarms on errors of either Lambda, and when a STOPPED event could not be handled at all", () => {
      const alarms = resourcesOf(json, "aws_cloudwatch_metric_alarm");
      expect(alarms.undelivered_events_alarm).toMatchObject({
        alarm_name: "task-per-message-stopped-events-unhandled",
        metric_name: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: ref("aws_sqs_queue", "failure_handler_failures", "name") },
        threshold: 0,
      });
      expect(alarms.launcher_errors_alarm).toMatchObject({ metric_name: "Errors", dimensions: { FunctionName: ref("aws_lambda_function", "launcher_function", "function_name") } });
      expect(alarms.failure_handler_errors_alarm).toMatchObject({ metric_name: "Errors" });
    });
  });

  it("takes timeout, batching, cap, attempts, Spot and task size from its settings", () => {
    const { json: other } = synth({ launcherTimeoutSeconds: 60, batchSize: 100, batchingWindowSeconds: 5, maximumConcurrency: 4, maxRunningTasks: 3, maxAttempts: 5, capacityProvider: "FARGATE_SPOT", cpu: 1024, memory: 4096 });
    expect(resourcesOf(other, "aws_sqs_queue").jobs_queue.visibility_timeout_seconds).toBe(360);
    expect(resourcesOf(other, "aws_lambda_event_source_mapping").launcher_source_mapping).toMatchObject({ batch_size: 100, maximum_batching_window_in_seconds: 5, scaling_config: { maximum_concurrency: 4 } });
    const fns = resourcesOf(other, "aws_lambda_function");
    expect(fns.launcher_function.environment.variables).toMatchObject({ MAX_RUNNING_TASKS: "3", CAPACITY_PROVIDER: "FARGATE_SPOT" });
    expect(fns.failure_handler_function.environment.variables.MAX_ATTEMPTS).toBe("5");
    expect(resourcesOf(other, "aws_ecs_task_definition").job_task_definition).toMatchObject({ cpu: "1024", memory: "4096" });
  });

  it("synthesizes byte-identical JSON a second time", () => {
    expect(synth().synthesized).toBe(synthesized);
  });

  it("matches the snapshot (content hashes masked: they change with app-code)", () => {
    expect(maskContentHashes(synthesized)).toMatchSnapshot();
  });
});
