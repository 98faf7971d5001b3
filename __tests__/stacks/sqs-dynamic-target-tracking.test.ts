import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Testing } from "cdktf";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CodebuildProject } from "@cdktf/provider-aws/lib/codebuild-project";
import { CodestarconnectionsConnection } from "@cdktf/provider-aws/lib/codestarconnections-connection";
import { CodestarnotificationsNotificationRule } from "@cdktf/provider-aws/lib/codestarnotifications-notification-rule";
import { DataAwsEcsCluster } from "@cdktf/provider-aws/lib/data-aws-ecs-cluster";
import { DataAwsIamRole } from "@cdktf/provider-aws/lib/data-aws-iam-role";
import { DataAwsVpc } from "@cdktf/provider-aws/lib/data-aws-vpc";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SCRATCH_DIR } from "../../src/constructs/queue-worker-service";
import { SqsDynamicTargetTrackingStack } from "../../stacks/sqs-dynamic-target-tracking-stack";
import { resourcesOf, testSettings, TerraformJson } from "../helpers";

const STACK = "sqs-dynamic-target-tracking";

function synth(context: Record<string, unknown> = {}): { synthesized: string; json: TerraformJson } {
  const stack = new SqsDynamicTargetTrackingStack(Testing.app(), STACK, { settings: testSettings(STACK, context) });
  const synthesized = Testing.synth(stack);
  return { synthesized, json: JSON.parse(synthesized) as TerraformJson };
}

/** `${type.name.attr}` of a block of this stack. */
const ref = (type: string, name: string, attr: string) => `\${${type}.${name}.${attr}}`;
const dataRef = (type: string, name: string, attr: string) => `\${data.${type}.${name}.${attr}}`;

/** The statements of a policy document data source, without the sid-less noise of ordering. */
function statements(json: TerraformJson, document: string): Array<Record<string, any>> {
  const doc = json.data?.aws_iam_policy_document?.[document];
  if (!doc) throw new Error(`no policy document ${document}`);
  return doc.statement as Array<Record<string, any>>;
}

/** Every allowed action with all its resources (over all statements) and its condition. */
function grants(json: TerraformJson, document: string): Record<string, { resources: string[]; condition?: unknown }> {
  const out: Record<string, { resources: string[]; condition?: unknown }> = {};
  for (const st of statements(json, document)) {
    if (st.effect === "Deny") continue;
    for (const action of st.actions as string[]) {
      const resources = [...(out[action]?.resources ?? []), ...st.resources];
      out[action] = { resources, ...(st.condition ? { condition: st.condition } : {}) };
    }
  }
  return out;
}

/** Instructions of a Dockerfile's last stage (after its last FROM), continuation lines joined, comments dropped. */
function finalStage(dockerfile: string): Array<{ keyword: string; args: string }> {
  const lines = dockerfile.replace(/\\\r?\n/g, " ").split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  const instructions = lines.map((l) => ({ keyword: l.split(/\s+/)[0].toUpperCase(), args: l.replace(/^\S+\s*/, "") }));
  const lastFrom = instructions.map((i) => i.keyword).lastIndexOf("FROM");
  return instructions.slice(lastFrom + 1);
}

/** The paths of a VOLUME instruction, JSON or plain form. */
const volumePaths = (args: string): string[] => (args.startsWith("[") ? (JSON.parse(args) as string[]) : args.split(/\s+/));

const namespaceCondition = [{ test: "StringEquals", variable: "cloudwatch:namespace", values: ["ECS-SQS-BPI"] }];

describe("sqs-dynamic-target-tracking stack", () => {
  const { synthesized, json } = synth();
  const resources = (type: string) => resourcesOf(json, type);

  describe("core-infra lookups", () => {
    it("finds the VPC by its Name tag, the private subnets by pattern inside it, cluster and role by exact name", () => {
      expect(synthesized).toHaveDataSourceWithProperties(DataAwsVpc, { filter: [{ name: "tag:Name", values: ["core-infra"] }] });
      expect(json.data?.aws_subnets?.core_infra_private_subnets.filter).toEqual([
        { name: "vpc-id", values: [dataRef("aws_vpc", "core_infra_vpc", "id")] },
        { name: "tag:Name", values: ["core-infra-private-*"] },
      ]);
      expect(synthesized).toHaveDataSourceWithProperties(DataAwsEcsCluster, { cluster_name: "core-infra" });
      expect(synthesized).toHaveDataSourceWithProperties(DataAwsIamRole, { name: "core-infra-ecs-task-execution" });
    });
  });

  describe("Terraform variables", () => {
    it("has the blueprint's variables; repository_owner is required and must not be empty", () => {
      const v = json.variable!;
      expect(Object.keys(v).sort()).toEqual(["github_token_secret_name", "repository_branch", "repository_name", "repository_owner"]);
      expect(v.repository_owner.default).toBeUndefined();
      expect(v.repository_owner.validation).toEqual([
        expect.objectContaining({ condition: "${length(trimspace(var.repository_owner)) > 0}" }),
      ]);
      expect([v.repository_name.default, v.repository_branch.default, v.github_token_secret_name.default]).toEqual([
        "ecs-blueprints",
        "main",
        "ecs-github-token",
      ]);
    });
  });

  describe("queue", () => {
    const queue = resources("aws_sqs_queue").processing_queue;
    const dlq = resources("aws_sqs_queue").processing_dlq;

    it("is FIFO with content-based deduplication, SSE-SQS, retention and a visibility timeout above the longest message", () => {
      expect(queue).toMatchObject({
        name: "ecsdemo-queue-processing-queue.fifo",
        fifo_queue: true,
        content_based_deduplication: true,
        sqs_managed_sse_enabled: true,
        message_retention_seconds: 345600,
      });
      // maxMessageDurationSeconds 60 -> 1.5 × 60 + 30
      expect(queue.visibility_timeout_seconds).toBe(120);
    });

    it("redrives to a FIFO, encrypted dead-letter queue after 3 receives, which only this queue may use", () => {
      expect(dlq).toMatchObject({ name: "ecsdemo-queue-processing-queue-dlq.fifo", fifo_queue: true, sqs_managed_sse_enabled: true });
      expect(JSON.parse(queue.redrive_policy)).toEqual({
        deadLetterTargetArn: ref("aws_sqs_queue", "processing_dlq", "arn"),
        maxReceiveCount: 3,
      });
      const allow = resources("aws_sqs_queue_redrive_allow_policy").processing_dlq_redrive_allow;
      expect(allow.queue_url).toBe(ref("aws_sqs_queue", "processing_dlq", "url"));
      expect(JSON.parse(allow.redrive_allow_policy)).toEqual({
        redrivePermission: "byQueue",
        sourceQueueArns: [ref("aws_sqs_queue", "processing_queue", "arn")],
      });
    });
  });

  describe("scaling", () => {
    const cluster = dataRef("aws_ecs_cluster", "core_infra_cluster", "cluster_name");
    const service = ref("aws_ecs_service", "worker_service", "name");

    it("targets the service's DesiredCount between 1 and 10", () => {
      expect(synthesized).toHaveResourceWithProperties(AppautoscalingTarget, {
        service_namespace: "ecs",
        scalable_dimension: "ecs:service:DesiredCount",
        resource_id: `service/${cluster}/${service}`,
        min_capacity: 1,
        max_capacity: 10,
      });
    });

    const queueDims = [{ name: "QueueName", value: ref("aws_sqs_queue", "processing_queue", "name") }];
    const serviceDims = [
      { name: "ClusterName", value: cluster },
      { name: "ServiceName", value: service },
    ];

    it("tracks load-per-task by default: (sent × L / 60 + backlog beyond a minute's sends) / running, target u × 12, cooldowns out 60 s / in 300 s", () => {
      const policy = resources("aws_appautoscaling_policy").scaling_policy;
      expect(policy.name).toBe("ecs_sqs_scaling");
      const config = policy.target_tracking_scaling_policy_configuration;
      // Target at the default 5 s: 0.9 × 60 × 1 / 5; cooldowns tuned with the simulator (blueprint: 240 s both).
      expect(config).toMatchObject({ target_value: 10.8, scale_in_cooldown: 300, scale_out_cooldown: 60 });
      const metrics = config.customized_metric_specification.metrics as Array<Record<string, any>>;
      expect(metrics.map((m) => [m.id, m.return_data])).toEqual([
        ["m1", false],
        ["m2", false],
        ["m3", false],
        ["e1", true],
      ]);
      expect(metrics.slice(0, 3).map((m) => m.metric_stat)).toEqual([
        { stat: "Sum", metric: { namespace: "AWS/SQS", metric_name: "ApproximateNumberOfMessagesVisible", dimensions: queueDims } },
        { stat: "Average", metric: { namespace: "ECS/ContainerInsights", metric_name: "RunningTaskCount", dimensions: serviceDims } },
        { stat: "Sum", metric: { namespace: "AWS/SQS", metric_name: "NumberOfMessagesSent", dimensions: queueDims } },
      ]);
      expect(metrics[3].expression).toBe("(m3 * 60 / 60 + (m1 - m3 + ABS(m1 - m3)) / 2) / m2");
    });

    it("scalingMetric backlog-per-task is the blueprint's e1 = m1 / m2 with target 12, and no step policies without stepScaling", () => {
      const { json: blueprint } = synth({ scalingMetric: "backlog-per-task", stepScaling: "false" });
      const config = resourcesOf(blueprint, "aws_appautoscaling_policy").scaling_policy.target_tracking_scaling_policy_configuration;
      expect(config.target_value).toBe(12);
      const metrics = config.customized_metric_specification.metrics as Array<Record<string, any>>;
      expect(metrics.map((m) => m.id)).toEqual(["m1", "m2", "e1"]);
      expect(metrics[0].metric_stat.metric).toEqual({ namespace: "AWS/SQS", metric_name: "ApproximateNumberOfMessagesVisible", dimensions: queueDims });
      expect(metrics[1].metric_stat.metric).toEqual({ namespace: "ECS/ContainerInsights", metric_name: "RunningTaskCount", dimensions: serviceDims });
      expect(metrics[2]).toMatchObject({ expression: "m1 / m2", return_data: true });
      expect(Object.keys(resourcesOf(blueprint, "aws_appautoscaling_policy"))).toEqual(["scaling_policy"]);
      expect(resourcesOf(blueprint, "aws_cloudwatch_metric_alarm")).toEqual({});
    });

    it("a bad scalingMetric is rejected with the allowed values, before anything is written", () => {
      expect(() => synth({ scalingMetric: "queue-depth" })).toThrow(
          'scalingMetric (cdktf.json context "sqs-dynamic-target-tracking"."scalingMetric") is "queue-depth"; allowed: load-per-task or backlog-per-task.',
      );
    });

    it("burst and idle step policies with their alarms on the capacity utilisation, thresholds from the shared module", () => {
      const policies = resources("aws_appautoscaling_policy");
      const alarms = resources("aws_cloudwatch_metric_alarm");
      for (const [name, comparison, threshold, periods] of [
        ["burst", "GreaterThanOrEqualToThreshold", 1.2, 1],
        ["idle", "LessThanThreshold", 0.45, 2],
      ] as const) {
        expect(policies[`scaling_${name}_policy`]).toMatchObject({
          name: `ecs_sqs_scaling-${name}`,
          policy_type: "StepScaling",
          resource_id: ref("aws_appautoscaling_target", "scaling_target", "resource_id"),
          step_scaling_policy_configuration: { adjustment_type: "PercentChangeInCapacity", min_adjustment_magnitude: 1 },
        });
        expect(alarms[`scaling_${name}_alarm`]).toMatchObject({
          alarm_name: `ecs_sqs_scaling-${name}`,
          comparison_operator: comparison,
          threshold,
          evaluation_periods: periods,
          datapoints_to_alarm: periods,
          treat_missing_data: "notBreaching",
          alarm_actions: [ref("aws_appautoscaling_policy", `scaling_${name}_policy`, "arn")],
        });
        const queries = alarms[`scaling_${name}_alarm`].metric_query as Array<Record<string, any>>;
        expect(queries.map((q) => q.id)).toEqual(["m1", "m2", "m3", "m4", "m5", "e1"]);
        expect(queries[3].metric).toEqual({
          namespace: "ECS-SQS-BPI",
          metric_name: "MsgProcessingDuration",
          dimensions: { Type: "Single-Queue", QueueName: ref("aws_sqs_queue", "processing_queue", "name") },
          period: 60,
          stat: "Sum",
        });
        expect(queries[4].metric.stat).toBe("SampleCount");
        expect(queries[5]).toMatchObject({
          expression: "(m3 * 60 / 60 + (m1 - m3 + ABS(m1 - m3)) / 2) * (m4 / m5) / (m2 * 60)",
          return_data: true,
        });
      }
      // Burst: 1.2 × the capacity needed -> +300 % (3 × 1.2 / 0.9); idle: below 0.45 -> -50 % (to 0.45 / 0.9).
      const burst = policies.scaling_burst_policy.step_scaling_policy_configuration;
      expect(burst.step_adjustment[0]).toEqual({ metric_interval_lower_bound: "0", metric_interval_upper_bound: "0.3", scaling_adjustment: 300 });
      expect(burst.step_adjustment.at(-1)).toEqual({ metric_interval_lower_bound: "14.8", scaling_adjustment: 5233 });
      const idle = policies.scaling_idle_policy.step_scaling_policy_configuration;
      expect(idle.step_adjustment[0]).toEqual({ metric_interval_lower_bound: "-0.15", metric_interval_upper_bound: "0", scaling_adjustment: -50 });
      expect(idle.step_adjustment.at(-1)).toEqual({ metric_interval_upper_bound: "-0.35", scaling_adjustment: -89 });
      expect([burst.cooldown, idle.cooldown]).toEqual([120, 180]);
    });

    it("leaves the target value to the target-setter Lambda (no reset on apply)", () => {
      expect(synthesized).toHaveResourceWithProperties(AppautoscalingPolicy, {
        lifecycle: { ignore_changes: ["target_tracking_scaling_policy_configuration[0].target_value"] },
      });
    });
  });

  describe("Lambda functions", () => {
    const fns = resources("aws_lambda_function");

    it("bundle their TypeScript handlers into assets, run on Node.js 24 with memory, timeout, own log group and DLQ", () => {
      for (const [id, name] of [
        ["producer", "ecsdemo-queue-message-producer"],
        ["target_setter", "ecsdemo-queue-target_bpi_update"],
      ]) {
        expect(fns[`${id}_function`]).toMatchObject({
          function_name: name,
          runtime: "nodejs24.x",
          handler: "index.handler",
          memory_size: 256,
          timeout: 60,
          role: ref("aws_iam_role", `${id}_role`, "arn"),
          logging_config: { log_group: ref("aws_cloudwatch_log_group", `${id}_logs`, "name") },
          dead_letter_config: { target_arn: ref("aws_sqs_queue", `${id}_failures`, "arn") },
        });
        expect(fns[`${id}_function`].filename).toMatch(new RegExp(`^assets/${id}_bundle/[0-9a-f]{32}/function\\.zip$`));
        expect(fns[`${id}_function`].source_code_hash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
        expect(resources("aws_cloudwatch_log_group")[`${id}_logs`]).toMatchObject({ name: `/aws/lambda/${name}`, retention_in_days: 30 });
      }
    });

    it("give the target setter the cluster, service, policy and metric settings", () => {
      expect(fns.target_setter_function.environment.variables).toEqual({
        CLUSTER_NAME: dataRef("aws_ecs_cluster", "core_infra_cluster", "cluster_name"),
        SERVICE_NAME: ref("aws_ecs_service", "worker_service", "name"),
        SCALING_POLICY_NAME: ref("aws_appautoscaling_policy", "scaling_policy", "name"),
        QUEUE_NAME: ref("aws_sqs_queue", "processing_queue", "name"),
        METRIC_NAMESPACE: "ECS-SQS-BPI",
        APP_METRIC_NAME: "MsgProcessingDuration",
        BPI_METRIC_NAME: "ecsTargetBPI",
        METRIC_TYPE: "Single-Queue",
        DESIRED_LATENCY_SECONDS: "60",
        DEFAULT_DURATION_SECONDS: "5",
        WORKER_CONCURRENCY: "1",
        SCALING_METRIC: "load-per-task",
        TARGET_UTILISATION: "0.9",
        LOOKBACK_MINUTES: "10",
        UPDATE_THRESHOLD: "0.05",
      });
      expect(fns.producer_function.environment.variables).toEqual({
        QUEUE_URL: ref("aws_sqs_queue", "processing_queue", "url"),
        MESSAGES_PER_RUN: "50",
        DURATION_MIN_SECONDS: "5",
        DURATION_MAX_SECONDS: "5",
        MESSAGE_GROUP_COUNT: "10",
      });
    });

    it("each have their own role: the producer may only send to its queue", () => {
      expect(grants(json, "producer_permissions")).toEqual({
        // Its queue, and its own failure queue (Lambda's dead_letter_config sends with the function's role).
        "sqs:SendMessage": {
          resources: [ref("aws_sqs_queue", "processing_queue", "arn"), ref("aws_sqs_queue", "producer_failures", "arn")],
        },
        "logs:CreateLogStream": { resources: [`${ref("aws_cloudwatch_log_group", "producer_logs", "arn")}:*`] },
        "logs:PutLogEvents": { resources: [`${ref("aws_cloudwatch_log_group", "producer_logs", "arn")}:*`] },
      });
    });

    it("the target setter reads metrics, puts only its namespace, describes and updates only its scaling target", () => {
      const g = grants(json, "target_setter_permissions");
      expect(Object.keys(g).sort()).toEqual([
        "application-autoscaling:DescribeScalingPolicies",
        "application-autoscaling:PutScalingPolicy",
        "cloudwatch:DeleteAlarms",
        "cloudwatch:DescribeAlarms",
        "cloudwatch:GetMetricData",
        "cloudwatch:PutMetricAlarm",
        "cloudwatch:PutMetricData",
        "ecs:DescribeServices",
        "ecs:UpdateService",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "sqs:SendMessage",
      ]);
      // PutScalingPolicy also needs the service and its target-tracking alarms, each scoped to this service.
      expect(g["ecs:UpdateService"]).toEqual({ resources: [ref("aws_ecs_service", "worker_service", "arn")] });
      for (const action of ["cloudwatch:DescribeAlarms", "cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"]) {
        expect(g[action].resources).toEqual([
          expect.stringMatching(/:alarm:TargetTracking-service\/.+\/\$\{aws_ecs_service\.worker_service\.name\}-\*$/),
        ]);
      }
      expect(g["cloudwatch:PutMetricData"]).toEqual({ resources: ["*"], condition: namespaceCondition });
      expect(g["application-autoscaling:PutScalingPolicy"]).toEqual({
        resources: [ref("aws_appautoscaling_target", "scaling_target", "arn")],
      });
      expect(g["sqs:SendMessage"]).toEqual({ resources: [ref("aws_sqs_queue", "target_setter_failures", "arn")] });
    });

    it("roles trust Lambda for this account only; no role anywhere may pass roles freely", () => {
      for (const id of ["producer", "target_setter"]) {
        expect(statements(json, `${id}_trust`)).toEqual([
          expect.objectContaining({
            principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
            condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [dataRef("aws_caller_identity", "account", "account_id")] }],
          }),
        ]);
      }
      const passRole = Object.keys(json.data!.aws_iam_policy_document).flatMap((doc) =>
        statements(json, doc).filter((st) => st.actions.includes("iam:PassRole")),
      );
      expect(passRole).toHaveLength(1);
      expect(passRole[0].resources).not.toContain("*");
      expect(passRole[0].condition).toEqual([{ test: "StringEquals", variable: "iam:PassedToService", values: ["ecs-tasks.amazonaws.com"] }]);
    });
  });

  describe("schedules", () => {
    it("producer SQSTestMessageProducer every minute, DISABLED; target setter ECSAutoscaleTargetBPIUpdate every 10 minutes (tuned; blueprint hourly), ENABLED", () => {
      expect(synthesized).toHaveResourceWithProperties(CloudwatchEventRule, {
        name: "SQSTestMessageProducer",
        schedule_expression: "rate(1 minute)",
        state: "DISABLED",
      });
      expect(synthesized).toHaveResourceWithProperties(CloudwatchEventRule, {
        name: "ECSAutoscaleTargetBPIUpdate",
        schedule_expression: "rate(10 minutes)",
        state: "ENABLED",
      });
    });

    it("each Lambda permission names its own rule", () => {
      const permissions = resources("aws_lambda_permission");
      for (const id of ["producer", "target_setter"]) {
        expect(permissions[`${id}_schedule_permission`]).toMatchObject({
          principal: "events.amazonaws.com",
          action: "lambda:InvokeFunction",
          function_name: ref("aws_lambda_function", `${id}_function`, "function_name"),
          source_arn: ref("aws_cloudwatch_event_rule", `${id}_schedule_rule`, "arn"),
        });
        expect(resources("aws_cloudwatch_event_target")[`${id}_schedule_target`].arn).toBe(ref("aws_lambda_function", `${id}_function`, "arn"));
      }
    });
  });

  describe("worker", () => {
    const taskDefinition = resources("aws_ecs_task_definition").worker_task_definition;
    const [container] = JSON.parse(taskDefinition.container_definitions) as Array<Record<string, any>>;
    const env = Object.fromEntries((container.environment as Array<{ name: string; value: string }>).map((e) => [e.name, e.value]));

    it("is a 256 CPU / 512 MiB Fargate task with the core-infra execution role and its own task role", () => {
      expect(taskDefinition).toMatchObject({
        family: "ecsdemo-queue",
        requires_compatibilities: ["FARGATE"],
        network_mode: "awsvpc",
        cpu: "256",
        memory: "512",
        execution_role_arn: dataRef("aws_iam_role", "core_infra_execution_role", "arn"),
        task_role_arn: ref("aws_iam_role", "worker_task_role", "arn"),
      });
    });

    it("runs the ECR image with an explicit tag, non-root, read-only root, 120 s to drain, awslogs", () => {
      expect(container.name).toBe("ecsdemo-queue");
      expect(container.image).toMatch(/^\$\{aws_ecr_repository\.worker_image_repository\.repository_url\}:src-[0-9a-f]{12}$/);
      expect(container).toMatchObject({ user: "1000:1000", readonlyRootFilesystem: true, stopTimeout: 120 });
      // Writable only: the scratch folder and the folders the ECS Exec agent writes, each a task volume.
      expect(container.mountPoints.map((m: { containerPath: string }) => m.containerPath)).toEqual([
        "/scratch",
        "/managed-agents",
        "/var/lib/amazon/ssm",
        "/var/log/amazon/ssm",
      ]);
      expect(taskDefinition.volume.map((v: { name: string }) => v.name)).toEqual(container.mountPoints.map((m: { sourceVolume: string }) => m.sourceVolume));
      expect(container.logConfiguration).toEqual({
        logDriver: "awslogs",
        options: {
          "awslogs-group": ref("aws_cloudwatch_log_group", "worker_logs", "name"),
          "awslogs-region": "us-west-2",
          "awslogs-stream-prefix": "worker",
        },
      });
      expect(resources("aws_cloudwatch_log_group").worker_logs).toMatchObject({ name: "/ecs/ecsdemo-queue", retention_in_days: 30 });
    });

    it("gets the queue, metric settings, region and drain time in its environment", () => {
      expect(env).toEqual({
        AWS_REGION: "us-west-2",
        QUEUE_URL: ref("aws_sqs_queue", "processing_queue", "url"),
        QUEUE_NAME: ref("aws_sqs_queue", "processing_queue", "name"),
        METRIC_NAMESPACE: "ECS-SQS-BPI",
        APP_METRIC_NAME: "MsgProcessingDuration",
        METRIC_TYPE: "Single-Queue",
        WORKER_CONCURRENCY: "1",
        MAX_DURATION_SECONDS: "60",
        STOP_TIMEOUT_SECONDS: "120",
        TMPDIR: "/scratch",
        HEARTBEAT_FILE: "/scratch/worker-heartbeat.json",
      });
    });

    it("can write its TMPDIR: the image makes /scratch the container user's and declares it a VOLUME, which Fargate copies into the mount", () => {
      // Fargate mounts an empty task volume owned by root (0755) unless the image has a VOLUME at the same path;
      // then the ECS data plane copies the image's directory, owner included (ECS developer guide, "Bind mounts").
      expect(env.TMPDIR).toBe(SCRATCH_DIR);
      expect(container.mountPoints).toContainEqual({ sourceVolume: "scratch", containerPath: SCRATCH_DIR, readOnly: false });
      const instructions = finalStage(readFileSync(path.join(__dirname, "../../app-code/worker/Dockerfile"), "utf8"));
      const volume = instructions.findIndex((i) => i.keyword === "VOLUME" && volumePaths(i.args).includes(SCRATCH_DIR));
      expect(volume).toBeGreaterThanOrEqual(0);
      // Made before the VOLUME (later build steps on a volume path are discarded) and before USER (chown needs root).
      const made = instructions.findIndex(
        (i) => i.keyword === "RUN" && i.args.includes(`mkdir ${SCRATCH_DIR}`) && i.args.includes(`chown ${container.user} ${SCRATCH_DIR}`),
      );
      expect(made).toBeGreaterThanOrEqual(0);
      expect(made).toBeLessThan(volume);
      const firstUser = instructions.findIndex((i) => i.keyword === "USER");
      expect(firstUser === -1 || made < firstUser).toBe(true);
    });

    it("has a health check that fails when the worker's heartbeat (on the writable scratch volume) is stale", () => {
      expect(container.healthCheck).toMatchObject({ interval: 30, timeout: 5, retries: 3, startPeriod: 60 });
      const [form, cmd, flag, script, file] = container.healthCheck.command as string[];
      expect([form, cmd, flag, file]).toEqual(["CMD", "node", "-e", env.HEARTBEAT_FILE]);
      expect(container.mountPoints.some((m: { containerPath: string; readOnly: boolean }) => file.startsWith(`${m.containerPath}/`) && !m.readOnly)).toBe(true);
      // The synthesized command itself, run against a fresh and a stale heartbeat.
      const dir = mkdtempSync(path.join(tmpdir(), "health-"));
      try {
        const run = (lastCallAt: number) => {
          writeFileSync(path.join(dir, "hb.json"), JSON.stringify({ lastCallAt, maxAgeSeconds: 60 }));
          return spawnSync(process.execPath, [flag, script, path.join(dir, "hb.json")]).status;
        };
        expect(run(Date.now() - 10_000)).toBe(0);
        expect(run(Date.now() - 120_000)).toBe(1);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("runs as service ecsdemo-queue in the private subnets with ECS Exec, desired count left to autoscaling", () => {
      expect(synthesized).toHaveResourceWithProperties(EcsService, {
        name: "ecsdemo-queue",
        desired_count: 1,
        enable_execute_command: true,
        cluster: dataRef("aws_ecs_cluster", "core_infra_cluster", "arn"),
        network_configuration: {
          subnets: dataRef("aws_subnets", "core_infra_private_subnets", "ids"),
          security_groups: [ref("aws_security_group", "worker_security_group", "id")],
          assign_public_ip: false,
        },
        lifecycle: { ignore_changes: ["desired_count"] },
        depends_on: ["docker_registry_image.worker_image_push"],
      });
    });

    it("task role: its queue, its namespace, its cluster's task protection, ECS Exec channels, nothing else", () => {
      const g = grants(json, "worker_task_permissions");
      const queueArn = ref("aws_sqs_queue", "processing_queue", "arn");
      expect(g).toEqual({
        "sqs:ChangeMessageVisibility": { resources: [queueArn] },
        "sqs:DeleteMessage": { resources: [queueArn] },
        "sqs:GetQueueAttributes": { resources: [queueArn] },
        "sqs:ReceiveMessage": { resources: [queueArn] },
        "cloudwatch:PutMetricData": { resources: ["*"], condition: namespaceCondition },
        "ecs:GetTaskProtection": { resources: [expect.stringMatching(/:task\/\$\{data\.aws_ecs_cluster\.core_infra_cluster\.cluster_name\}\/\*$/)] },
        "ecs:UpdateTaskProtection": { resources: [expect.stringMatching(/:task\/\$\{data\.aws_ecs_cluster\.core_infra_cluster\.cluster_name\}\/\*$/)] },
        "ssmmessages:CreateControlChannel": { resources: ["*"] },
        "ssmmessages:CreateDataChannel": { resources: ["*"] },
        "ssmmessages:OpenControlChannel": { resources: ["*"] },
        "ssmmessages:OpenDataChannel": { resources: ["*"] },
      });
      expect(resources("aws_iam_role_policy_attachment")).toEqual({});
    });
  });

  describe("worker image", () => {
    it("lives in an ECR repository with immutable tags, scan on push and force delete", () => {
      expect(synthesized).toHaveResourceWithProperties(EcrRepository, {
        name: "ecsdemo-queue",
        image_tag_mutability: "IMMUTABLE",
        image_scanning_configuration: { scan_on_push: true },
        force_delete: true,
      });
    });

    it("is built by `docker build` in a terraform_data, rebuilt only when the build context or the image name changes", () => {
      // Not docker_image: the docker provider reads that from the Docker engine on every refresh (README "The first
      // image"), so plan would need an engine. terraform_data has nothing to read.
      expect(resources("docker_image")).toEqual({});
      const image = JSON.parse(resources("aws_ecs_task_definition").worker_task_definition.container_definitions)[0].image;
      const build = resources("terraform_data").worker_image_build;
      expect(build.triggers_replace).toEqual({ image, source_hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(image).toBe(`${ref("aws_ecr_repository", "worker_image_repository", "repository_url")}:src-${build.triggers_replace.source_hash.slice(0, 12)}`);
      expect(build.provisioner).toEqual([
        {
          "local-exec": {
            command: `docker build --platform linux/amd64 --file worker/Dockerfile --tag ${image} .`,
            working_dir: "${path.module}/../../../app-code",
          },
        },
      ]);
    });

    it("is pushed by the docker provider after the build, and the service waits for the push", () => {
      const image = resources("terraform_data").worker_image_build.triggers_replace.image;
      expect(resources("docker_registry_image")).toEqual({
        worker_image_push: expect.objectContaining({
          name: image,
          keep_remotely: true,
          depends_on: ["terraform_data.worker_image_build"],
          triggers: { source_hash: resources("terraform_data").worker_image_build.triggers_replace.source_hash },
        }),
      });
      expect(resources("aws_ecs_service").worker_service.depends_on).toEqual(["docker_registry_image.worker_image_push"]);
      expect(json.provider?.docker).toEqual([
        {
          disable_docker_daemon_check: true,
          registry_auth: [
            {
              address: dataRef("aws_ecr_authorization_token", "worker_image_registry_token", "proxy_endpoint"),
              username: dataRef("aws_ecr_authorization_token", "worker_image_registry_token", "user_name"),
              password: dataRef("aws_ecr_authorization_token", "worker_image_registry_token", "password"),
            },
          ],
        },
      ]);
    });

    it("keeps the newest src- images apart from the pipeline's, so pushes cannot expire the one Terraform deployed", () => {
      const policy = JSON.parse(resources("aws_ecr_lifecycle_policy").worker_image_lifecycle.policy);
      expect(policy.rules.map((r: { rulePriority: number; selection: unknown }) => [r.rulePriority, r.selection])).toEqual([
        [1, { tagStatus: "tagged", tagPrefixList: ["src-"], countType: "imageCountMoreThan", countNumber: 5 }],
        [2, { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 30 }],
      ]);
    });
  });

  describe("CI/CD", () => {
    it("sources GitHub through a CodeStar connection, builds with CodeBuild, deploys to the ECS service", () => {
      expect(synthesized).toHaveResourceWithProperties(CodestarconnectionsConnection, { provider_type: "GitHub" });
      const stages = resources("aws_codepipeline").cicd_pipeline.stage as Array<Record<string, any>>;
      expect(stages.map((s) => [s.name, s.action[0].provider])).toEqual([
        ["Source", "CodeStarSourceConnection"],
        ["Build", "CodeBuild"],
        ["Deploy", "ECS"],
      ]);
      expect(stages[0].action[0].configuration).toEqual({
        ConnectionArn: ref("aws_codestarconnections_connection", "cicd_github_connection", "arn"),
        FullRepositoryId: "${var.repository_owner}/${var.repository_name}",
        BranchName: "${var.repository_branch}",
        DetectChanges: "true",
      });
      expect(stages[2].action[0].configuration).toEqual({
        ClusterName: dataRef("aws_ecs_cluster", "core_infra_cluster", "cluster_name"),
        ServiceName: ref("aws_ecs_service", "worker_service", "name"),
        FileName: "imagedefinitions.json",
      });
      expect(json.data?.aws_secretsmanager_secret_version).toBeUndefined();
    });

    it("builds privileged on a supported image with the buildspec and environment of app-code/worker", () => {
      expect(synthesized).toHaveResourceWithProperties(CodebuildProject, {
        source: expect.objectContaining({ type: "CODEPIPELINE", buildspec: "app-code/worker/buildspec.yml" }),
        environment: expect.objectContaining({
          image: "aws/codebuild/amazonlinux-x86_64-standard:5.0",
          privileged_mode: true,
          environment_variable: [
            { name: "REPO_URL", value: ref("aws_ecr_repository", "worker_image_repository", "repository_url"), type: "PLAINTEXT" },
            { name: "TASK_DEFINITION_FAMILY", value: ref("aws_ecs_task_definition", "worker_task_definition", "family"), type: "PLAINTEXT" },
            { name: "CONTAINER_NAME", value: "ecsdemo-queue", type: "PLAINTEXT" },
            { name: "FOLDER_PATH", value: "app-code", type: "PLAINTEXT" },
          ],
        }),
      });
    });

    it("tells the build the container name and task family the worker really has (imagedefinitions.json names it)", () => {
      const build = resources("aws_codebuild_project").cicd_build.environment.environment_variable as Array<{ name: string; value: string }>;
      const buildEnv = Object.fromEntries(build.map((v) => [v.name, v.value]));
      const taskDefinition = resources("aws_ecs_task_definition").worker_task_definition;
      expect(buildEnv.CONTAINER_NAME).toBe(JSON.parse(taskDefinition.container_definitions)[0].name);
      expect(grants(json, "cicd_pipeline_permissions")["ecs:TagResource"].resources).toEqual([
        expect.stringMatching(new RegExp(`:task-definition/${taskDefinition.family}:\\*$`)),
      ]);
    });

    it("keeps artifacts in a private, versioned, encrypted, TLS-only bucket", () => {
      expect(synthesized).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(resources("aws_s3_bucket_versioning").cicd_artifacts_versioning.versioning_configuration).toEqual({ status: "Enabled" });
      expect(resources("aws_s3_bucket_server_side_encryption_configuration").cicd_artifacts_encryption.rule[0]).toMatchObject({
        apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" },
      });
      const denies = statements(json, "cicd_artifacts_policy_document").map((st) => [st.effect, st.condition[0].variable]);
      expect(denies).toEqual([
        ["Deny", "aws:SecureTransport"],
        ["Deny", "s3:TlsVersion"],
      ]);
    });

    it("encrypts the artifacts with a rotated customer managed key: bucket default, artifact store and build output", () => {
      const key = ref("aws_kms_key", "cicd_artifacts_key", "arn");
      expect(resources("aws_kms_key").cicd_artifacts_key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 7 });
      expect(resources("aws_s3_bucket_server_side_encryption_configuration").cicd_artifacts_encryption.rule[0]).toEqual({
        apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: key },
        bucket_key_enabled: true,
      });
      expect(resources("aws_codepipeline").cicd_pipeline.artifact_store).toEqual([
        { type: "S3", location: ref("aws_s3_bucket", "cicd_artifacts", "bucket"), encryption_key: { id: key, type: "KMS" } },
      ]);
      expect(resources("aws_codebuild_project").cicd_build.encryption_key).toBe(key);
      // The account administers it through IAM (AWS's default key policy); the roles' own policies grant its use.
      expect(statements(json, "cicd_artifacts_key_policy")).toEqual([
        expect.objectContaining({ sid: "AccountAdministers", principals: [{ type: "AWS", identifiers: [expect.stringMatching(/:root$/)] }] }),
      ]);
    });

    it("notifies action success and failure on a topic with its own KMS key that CodeStar Notifications may use", () => {
      expect(synthesized).toHaveResourceWithProperties(CodestarnotificationsNotificationRule, {
        event_type_ids: ["codepipeline-pipeline-action-execution-succeeded", "codepipeline-pipeline-action-execution-failed"],
        target: [{ address: ref("aws_sns_topic", "cicd_notifications", "arn"), type: "SNS" }],
      });
      expect(resources("aws_sns_topic").cicd_notifications.kms_master_key_id).toBe(ref("aws_kms_key", "cicd_notifications_key", "arn"));
      const codestar = { type: "Service", identifiers: ["codestar-notifications.amazonaws.com"] };
      expect(statements(json, "cicd_notifications_key_policy")).toContainEqual(
        expect.objectContaining({ principals: [codestar], actions: ["kms:Decrypt", "kms:GenerateDataKey"] }),
      );
      expect(statements(json, "cicd_notifications_policy_document")).toEqual([
        expect.objectContaining({ principals: [codestar], actions: ["sns:Publish"] }),
      ]);
    });

    it("CodeBuild may push only to its repository; CodePipeline may start only its build and update only its service", () => {
      const build = grants(json, "cicd_build_permissions");
      const repoArn = ref("aws_ecr_repository", "worker_image_repository", "arn");
      const bucketArn = ref("aws_s3_bucket", "cicd_artifacts", "arn");
      const only = (resource: string) => ({ resources: [resource] });
      // The CodeBuild user guide's use of a project's customer managed key, on the artifact key only.
      const artifactKeyUse = Object.fromEntries(
        ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"].map((a) => [a, only(ref("aws_kms_key", "cicd_artifacts_key", "arn"))]),
      );
      expect(build).toEqual({
        "logs:CreateLogStream": only(`${ref("aws_cloudwatch_log_group", "cicd_build_logs", "arn")}:*`),
        "logs:PutLogEvents": only(`${ref("aws_cloudwatch_log_group", "cicd_build_logs", "arn")}:*`),
        "s3:GetObject": only(`${bucketArn}/*`),
        "s3:GetObjectVersion": only(`${bucketArn}/*`),
        "s3:PutObject": only(`${bucketArn}/*`),
        // The CodeBuild user guide's service role policy (S3GetObjectPolicy, S3PutObjectPolicy, S3BucketIdentity).
        "s3:GetBucketAcl": only(bucketArn),
        "s3:GetBucketLocation": only(bucketArn),
        "ecr:GetAuthorizationToken": only("*"),
        "ecr:BatchCheckLayerAvailability": only(repoArn),
        "ecr:BatchGetImage": only(repoArn),
        "ecr:CompleteLayerUpload": only(repoArn),
        "ecr:DescribeImages": only(repoArn), // the buildspec skips a rebuild when the commit's tag exists
        "ecr:GetDownloadUrlForLayer": only(repoArn),
        "ecr:InitiateLayerUpload": only(repoArn),
        "ecr:PutImage": only(repoArn),
        "ecr:UploadLayerPart": only(repoArn),
        ...artifactKeyUse,
      });
      const pipeline = grants(json, "cicd_pipeline_permissions");
      expect(Object.keys(pipeline).sort()).toEqual([
        "codebuild:BatchGetBuilds",
        "codebuild:StartBuild",
        "codeconnections:UseConnection",
        "codestar-connections:UseConnection",
        "ecs:DescribeServices",
        "ecs:DescribeTaskDefinition",
        "ecs:DescribeTasks",
        "ecs:ListTasks",
        "ecs:RegisterTaskDefinition",
        "ecs:TagResource",
        "ecs:UpdateService",
        "iam:PassRole",
        "kms:Decrypt",
        "kms:DescribeKey",
        "kms:Encrypt",
        "kms:GenerateDataKey*",
        "kms:ReEncrypt*",
        "s3:GetBucketAcl",
        "s3:GetBucketLocation",
        "s3:GetBucketVersioning",
        "s3:GetObject",
        "s3:GetObjectVersion",
        "s3:PutObject",
        "s3:PutObjectAcl",
      ]);
      // The CodePipeline user guide's service role policy for the artifact bucket; the CodeStar connection source
      // uploads with an ACL, which S3 authorizes as s3:PutObjectAcl (aws-cdk#13557).
      for (const action of ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:PutObjectAcl"]) {
        expect(pipeline[action]).toEqual(only(`${bucketArn}/*`));
      }
      for (const action of ["s3:GetBucketAcl", "s3:GetBucketLocation", "s3:GetBucketVersioning"]) expect(pipeline[action]).toEqual(only(bucketArn));
      // RegisterTaskDefinition takes the task-definition resource type (Service Authorization Reference);
      // DescribeTaskDefinition takes none.
      expect(pipeline["ecs:RegisterTaskDefinition"]).toEqual({
        resources: [expect.stringMatching(/^arn:\$\{data\.aws_partition\.partition\.partition\}:ecs:us-west-2:\$\{data\.aws_caller_identity\.account\.account_id\}:task-definition\/ecsdemo-queue:\*$/)],
      });
      expect(pipeline["ecs:DescribeTaskDefinition"]).toEqual(only("*"));
      for (const [action, grant] of Object.entries(artifactKeyUse)) expect(pipeline[action]).toEqual(grant);
      expect(pipeline["ecs:TagResource"].condition).toEqual([
        { test: "StringEquals", variable: "ecs:CreateAction", values: ["RegisterTaskDefinition"] },
      ]);
      expect(pipeline["codebuild:StartBuild"]).toEqual({ resources: [ref("aws_codebuild_project", "cicd_build", "arn")] });
      expect(pipeline["ecs:UpdateService"].resources).toEqual([
        expect.stringMatching(/:service\/\$\{data\.aws_ecs_cluster\.core_infra_cluster\.cluster_name\}\/\$\{aws_ecs_service\.worker_service\.name\}$/),
      ]);
      expect(pipeline["iam:PassRole"].resources).toEqual([
        dataRef("aws_iam_role", "core_infra_execution_role", "arn"),
        ref("aws_iam_role", "worker_task_role", "arn"),
      ]);
      expect(pipeline["ecs:ListTasks"].condition).toEqual([
        { test: "ArnEquals", variable: "ecs:cluster", values: [expect.stringMatching(/:cluster\/\$\{data\.aws_ecs_cluster\.core_infra_cluster\.cluster_name\}$/)] },
      ]);
      expect(pipeline["codestar-connections:UseConnection"]).toEqual({
        resources: [ref("aws_codestarconnections_connection", "cicd_github_connection", "arn")],
      });
    });
  });

  it("has the blueprint's outputs", () => {
    expect(Object.keys(json.output ?? {})).toEqual(
      expect.arrayContaining([
        "lambda_function_message_producer",
        "lambda_function_target_bpi_update",
        "sqs_message_producer_cw_event_rule_arn",
        "aws_sns_topic",
        "ecs_target",
        "ecs_target_min",
        "ecs_target_max",
        "ecs_sqs_app_scaling_policy_arn",
      ]),
    );
    expect(json.output?.ecs_target.value).toBe(ref("aws_appautoscaling_target", "scaling_target", "resource_id"));
  });

  it("synthesizes byte-identical JSON, asset hashes included, a second time", () => {
    expect(synth().synthesized).toBe(synthesized);
  });

  it("matches the snapshot (content hashes masked: they change with app-code)", () => {
    const masked = synthesized
      .replace(/assets\/(\w+)\/[0-9a-f]{32}\//g, "assets/$1/<hash>/")
      .replace(/"source_code_hash": "[^"]+"/g, '"source_code_hash": "<hash>"')
      .replace(/src-[0-9a-f]{12}/g, "src-<hash>")
      .replace(/"source_hash": "[0-9a-f]{64}"/g, '"source_hash": "<hash>"');
    expect(masked).toMatchSnapshot();
  });
});

describe("sqs-dynamic-target-tracking stack with other settings", () => {
  const { synthesized, json } = synth({
    producerEnabled: true,
    targetSetterEnabled: false,
    producerSchedule: "rate(5 minutes)",
    buildWorkerImage: false,
    pipelineSource: "github-oauth",
    minCapacity: 2,
    maxCapacity: 40,
    dlqMaxReceiveCount: 7,
    maxMessageDurationSeconds: 600,
    queueName: "jobs.fifo",
  });

  it("switches the rules by settings", () => {
    expect(synthesized).toHaveResourceWithProperties(CloudwatchEventRule, {
      name: "SQSTestMessageProducer",
      schedule_expression: "rate(5 minutes)",
      state: "ENABLED",
    });
    expect(synthesized).toHaveResourceWithProperties(CloudwatchEventRule, { name: "ECSAutoscaleTargetBPIUpdate", state: "DISABLED" });
  });

  it("takes capacity, redrive count, queue names and visibility timeout from the settings", () => {
    expect(synthesized).toHaveResourceWithProperties(AppautoscalingTarget, { min_capacity: 2, max_capacity: 40 });
    expect(synthesized).toHaveResourceWithProperties(SqsQueue, { name: "jobs.fifo", visibility_timeout_seconds: 930 });
    expect(synthesized).toHaveResourceWithProperties(SqsQueue, { name: "jobs-dlq.fifo" });
    expect(JSON.parse(resourcesOf(json, "aws_sqs_queue").processing_queue.redrive_policy).maxReceiveCount).toBe(7);
  });

  it("without the image build has no docker provider or resources and the service waits for nothing", () => {
    expect(json.provider?.docker).toBeUndefined();
    for (const type of ["docker_image", "docker_registry_image", "terraform_data"]) expect(resourcesOf(json, type)).toEqual({});
    expect(json.data?.aws_ecr_authorization_token).toBeUndefined();
    expect(resourcesOf(json, "aws_ecs_service").worker_service.depends_on).toBeUndefined();
  });

  it("the github-oauth source reads the token from Secrets Manager into the GitHub v1 action (documented: it lands in state)", () => {
    expect(json.data?.aws_secretsmanager_secret_version?.cicd_github_token.secret_id).toBe("${var.github_token_secret_name}");
    const source = resourcesOf(json, "aws_codepipeline").cicd_pipeline.stage[0].action[0];
    expect(source).toMatchObject({ owner: "ThirdParty", provider: "GitHub", version: "1" });
    expect(source.configuration.OAuthToken).toBe(dataRef("aws_secretsmanager_secret_version", "cicd_github_token", "secret_string"));
    expect(resourcesOf(json, "aws_codestarconnections_connection")).toEqual({});
  });
});
