import { Testing } from "cdktf";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { DataAwsEcsCluster } from "@cdktf/provider-aws/lib/data-aws-ecs-cluster";
import { DataAwsVpc } from "@cdktf/provider-aws/lib/data-aws-vpc";
import { SqsScaleToZeroStack } from "../../stacks/sqs-scale-to-zero-stack";
import { resourcesOf, testSettings, TerraformJson } from "../helpers";

const STACK = "sqs-scale-to-zero";

function synth(own: Record<string, unknown> = {}): { synthesized: string; json: TerraformJson } {
  const stack = new SqsScaleToZeroStack(Testing.app(), STACK, { settings: testSettings(STACK, own) });
  const synthesized = Testing.synth(stack);
  return { synthesized, json: JSON.parse(synthesized) as TerraformJson };
}

const ref = (type: string, name: string, attr: string) => `\${${type}.${name}.${attr}}`;
const dataRef = (type: string, name: string, attr: string) => `\${data.${type}.${name}.${attr}}`;
const QUEUE = ref("aws_sqs_queue", "work_queue", "name");
const CLUSTER = dataRef("aws_ecs_cluster", "core_infra_cluster", "cluster_name");
const SERVICE = ref("aws_ecs_service", "worker_service", "name");

describe("sqs-scale-to-zero stack", () => {
  const { synthesized, json } = synth();
  const alarms = resourcesOf(json, "aws_cloudwatch_metric_alarm");
  const policies = resourcesOf(json, "aws_appautoscaling_policy");

  it("finds core-infra by name", () => {
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsVpc, { filter: [{ name: "tag:Name", values: ["core-infra"] }] });
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsEcsCluster, { cluster_name: "core-infra" });
  });

  it("runs 0..1 tasks (the source's); the service is created with 0 tasks and leaves the count to autoscaling", () => {
    expect(synthesized).toHaveResourceWithProperties(AppautoscalingTarget, {
      resource_id: `service/${CLUSTER}/${SERVICE}`,
      min_capacity: 0,
      max_capacity: 1,
    });
    expect(resourcesOf(json, "aws_ecs_service").worker_service).toMatchObject({ desired_count: 0, lifecycle: { ignore_changes: ["desired_count"] } });
  });

  describe("scale out from zero", () => {
    it("a 1-minute alarm (the source: 5 minutes) on visible messages ≥ 1, Maximum, 1 of 1, adds one task", () => {
      expect(alarms.scale_out_alarm).toMatchObject({
        alarm_name: "scale-to-zero-messages-waiting",
        namespace: "AWS/SQS",
        metric_name: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: QUEUE },
        statistic: "Maximum",
        period: 60,
        evaluation_periods: 1,
        datapoints_to_alarm: 1,
        threshold: 1,
        comparison_operator: "GreaterThanOrEqualToThreshold",
        alarm_actions: [ref("aws_appautoscaling_policy", "scale_out_policy", "arn")],
      });
      expect(policies.scale_out_policy.step_scaling_policy_configuration).toEqual({
        adjustment_type: "ChangeInCapacity",
        cooldown: 300,
        metric_aggregation_type: "Maximum",
        step_adjustment: [{ metric_interval_lower_bound: "0", scaling_adjustment: 1 }],
      });
    });

    it("treats a gap in the SQS metric as breaching: a queue gone quiet never leaves a new message unserved", () => {
      expect(alarms.scale_out_alarm.treat_missing_data).toBe("breaching");
    });
  });

  describe("scale to zero", () => {
    it("idle = visible + in flight = 0 in each of 10 one-minute datapoints; then exactly 0 tasks", () => {
      expect(alarms.scale_to_zero_alarm).toMatchObject({
        alarm_name: "scale-to-zero-idle",
        comparison_operator: "LessThanOrEqualToThreshold",
        threshold: 0,
        evaluation_periods: 10,
        datapoints_to_alarm: 10,
        alarm_actions: [ref("aws_appautoscaling_policy", "scale_to_zero_policy", "arn")],
      });
      expect(alarms.scale_to_zero_alarm.metric_query).toEqual([
        expect.objectContaining({ id: "m1", metric: expect.objectContaining({ metric_name: "ApproximateNumberOfMessagesVisible", stat: "Maximum", period: 60, dimensions: { QueueName: QUEUE } }) }),
        expect.objectContaining({ id: "m2", metric: expect.objectContaining({ metric_name: "ApproximateNumberOfMessagesNotVisible", stat: "Maximum", period: 60, dimensions: { QueueName: QUEUE } }) }),
        { id: "e1", expression: "m1 + m2", label: "Visible + in-flight messages", return_data: true },
      ]);
      expect(policies.scale_to_zero_policy.step_scaling_policy_configuration).toMatchObject({
        adjustment_type: "ExactCapacity",
        step_adjustment: [{ metric_interval_upper_bound: "0", scaling_adjustment: 0 }],
      });
    });

    it("treats a gap as not breaching: a metric gap never stops a busy task", () => {
      expect(alarms.scale_to_zero_alarm.treat_missing_data).toBe("notBreaching");
    });

    it("idleSignal cpu: the source's alarm, CPUUtilization Average ≤ 0.01 % over one 3-minute period", () => {
      const cpu = resourcesOf(synth({ idleSignal: "cpu" }).json, "aws_cloudwatch_metric_alarm").scale_to_zero_alarm;
      expect(cpu).toMatchObject({
        namespace: "AWS/ECS",
        metric_name: "CPUUtilization",
        dimensions: { ClusterName: CLUSTER, ServiceName: SERVICE },
        statistic: "Average",
        period: 180,
        evaluation_periods: 1,
        datapoints_to_alarm: 1,
        threshold: 0.01,
        comparison_operator: "LessThanOrEqualToThreshold",
        treat_missing_data: "notBreaching",
      });
    });
  });

  it("has no CPU target tracking (the construct's 50 % one fights the step policies) and no policy beside the two", () => {
    expect(Object.keys(policies).sort()).toEqual(["scale_out_policy", "scale_to_zero_policy"]);
  });

  describe("maxCapacity above 1", () => {
    const { json: many } = synth({ maxCapacity: 5, backlogPerTaskTarget: 2 });
    const manyPolicies = resourcesOf(many, "aws_appautoscaling_policy");

    it("adds target tracking on backlog per task from 1 task up", () => {
      const config = manyPolicies.backlog_tracking.target_tracking_scaling_policy_configuration;
      expect(config.target_value).toBe(2);
      expect(config.customized_metric_specification.metrics.map((m: { id: string }) => m.id)).toEqual(["m1", "m2", "e1"]);
    });

    it("and the step alarm counts visible messages only while no task runs, so it starts the first task and nothing more", () => {
      const alarm = resourcesOf(many, "aws_cloudwatch_metric_alarm").scale_out_alarm;
      expect(alarm.metric_name).toBeUndefined();
      expect(alarm.metric_query).toEqual([
        expect.objectContaining({ id: "m1", metric: expect.objectContaining({ metric_name: "ApproximateNumberOfMessagesVisible" }) }),
        expect.objectContaining({
          id: "m2",
          metric: expect.objectContaining({
            namespace: "ECS/ContainerInsights",
            metric_name: "RunningTaskCount",
            dimensions: { ClusterName: CLUSTER, ServiceName: SERVICE },
          }),
        }),
        expect.objectContaining({ id: "e1", expression: "IF(FILL(m2, 0) < 1, m1, 0)", return_data: true }),
      ]);
      expect(alarm).toMatchObject({ threshold: 1, comparison_operator: "GreaterThanOrEqualToThreshold", treat_missing_data: "breaching" });
    });
  });

  describe("queue", () => {
    const queues = resourcesOf(json, "aws_sqs_queue");
    it("is FIFO with content-based deduplication and the source's 4-day retention; 900 s visibility (not 12 h) with a heartbeat", () => {
      expect(queues.work_queue).toMatchObject({
        name: "scale-to-zero-queue.fifo",
        fifo_queue: true,
        content_based_deduplication: true,
        receive_wait_time_seconds: 20,
        message_retention_seconds: 345600,
        visibility_timeout_seconds: 900,
      });
    });

    it("has a DLQ after 3 receives with an alarm (the source has none)", () => {
      expect(JSON.parse(queues.work_queue.redrive_policy)).toEqual({ deadLetterTargetArn: ref("aws_sqs_queue", "work_dlq", "arn"), maxReceiveCount: 3 });
      expect(alarms.work_dlq_alarm).toMatchObject({ alarm_name: "scale-to-zero-dlq-not-empty", dimensions: { QueueName: ref("aws_sqs_queue", "work_dlq", "name") } });
    });

    it("queueType standard: a standard queue and DLQ", () => {
      const std = resourcesOf(synth({ queueType: "standard" }).json, "aws_sqs_queue");
      expect(std.work_queue.name).toBe("scale-to-zero-queue");
      expect(std.work_queue.fifo_queue).toBeUndefined();
      expect(std.work_dlq.name).toBe("scale-to-zero-dlq");
    });
  });

  describe("worker", () => {
    const taskDefinition = resourcesOf(json, "aws_ecs_task_definition").worker_task_definition;
    const [container] = JSON.parse(taskDefinition.container_definitions);
    const env = Object.fromEntries((container.environment as Array<{ name: string; value: string }>).map((e) => [e.name, e.value]));

    it("is the source's 4 vCPU / 8 GiB task, drains for 120 s after SIGTERM, with the sleep processor", () => {
      expect(taskDefinition).toMatchObject({ cpu: "4096", memory: "8192" });
      expect(container.stopTimeout).toBe(120);
      expect(env).toMatchObject({ WORKER_PROCESSOR: "sleep", MAX_DURATION_SECONDS: "3600", WORKER_CONCURRENCY: "1", QUEUE_URL: ref("aws_sqs_queue", "work_queue", "url") });
      expect(env.TASK_PROTECTION).toBeUndefined(); // protection on (the worker's default)
    });

    it("may protect its own tasks from scale-in, so even a wrong scale-to-zero waits for the message", () => {
      const statements = json.data!.aws_iam_policy_document.worker_task_permissions.statement as Array<Record<string, any>>;
      expect(statements.find((st) => st.sid === "ProtectOwnTasks")).toMatchObject({
        actions: ["ecs:GetTaskProtection", "ecs:UpdateTaskProtection"],
        resources: [expect.stringMatching(/:task\/\$\{data\.aws_ecs_cluster\.core_infra_cluster\.cluster_name\}\/\*$/)],
      });
    });
  });

  it("takes periods, idle window, capacity and task size from its settings", () => {
    const { json: other } = synth({ scaleOutPeriodSeconds: 120, idleMinutes: 15, minCapacity: 1, cpu: 1024, memory: 2048 });
    const a = resourcesOf(other, "aws_cloudwatch_metric_alarm");
    expect(a.scale_out_alarm.period).toBe(120);
    expect(a.scale_to_zero_alarm).toMatchObject({ evaluation_periods: 15, datapoints_to_alarm: 15 });
    expect(resourcesOf(other, "aws_appautoscaling_target").scaling_target.min_capacity).toBe(1);
    expect(resourcesOf(other, "aws_ecs_task_definition").worker_task_definition).toMatchObject({ cpu: "1024", memory: "2048" });
  });

  it("synthesizes byte-identical JSON a second time", () => {
    expect(synth().synthesized).toBe(synthesized);
  });

  it("matches the snapshot (content hashes masked: they change with app-code)", () => {
    expect(synthesized.replace(/src-[0-9a-f]{12}/g, "src-<hash>").replace(/"source_hash": "[0-9a-f]{64}"/g, '"source_hash": "<hash>"')).toMatchSnapshot();
  });
});
