import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Testing } from "cdktf";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DataAwsEcsCluster } from "@cdktf/provider-aws/lib/data-aws-ecs-cluster";
import { DataAwsIamRole } from "@cdktf/provider-aws/lib/data-aws-iam-role";
import { DataAwsVpc } from "@cdktf/provider-aws/lib/data-aws-vpc";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { PRODUCER_SERVICE_ENTRYPOINT, SqsQueueDepthTrackingStack } from "../../stacks/sqs-queue-depth-tracking-stack";
import { resourcesOf, testSettings, TerraformJson } from "../helpers";

const STACK = "sqs-queue-depth-tracking";

function synth(own: Record<string, unknown> = {}): { synthesized: string; json: TerraformJson } {
  const stack = new SqsQueueDepthTrackingStack(Testing.app(), STACK, { settings: testSettings(STACK, own) });
  const synthesized = Testing.synth(stack);
  return { synthesized, json: JSON.parse(synthesized) as TerraformJson };
}

const ref = (type: string, name: string, attr: string) => `\${${type}.${name}.${attr}}`;
const dataRef = (type: string, name: string, attr: string) => `\${data.${type}.${name}.${attr}}`;
const containerOf = (json: TerraformJson, service: string) =>
  JSON.parse(resourcesOf(json, "aws_ecs_task_definition")[`${service}_task_definition`].container_definitions)[0];
const envOf = (container: { environment: Array<{ name: string; value: string }> }) =>
  Object.fromEntries(container.environment.map((e) => [e.name, e.value]));
const statementsOf = (json: TerraformJson, doc: string) => json.data!.aws_iam_policy_document[doc].statement as Array<Record<string, any>>;

describe("sqs-queue-depth-tracking stack", () => {
  const { synthesized, json } = synth();
  const resources = (type: string) => resourcesOf(json, type);

  it("finds core-infra by name: VPC, private subnets, cluster, execution role, private route table", () => {
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsVpc, { filter: [{ name: "tag:Name", values: ["core-infra"] }] });
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsEcsCluster, { cluster_name: "core-infra" });
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsIamRole, { name: "core-infra-ecs-task-execution" });
    expect(json.data?.aws_route_tables?.core_infra_private_route_tables.filter).toEqual([{ name: "tag:Name", values: ["core-infra-private"] }]);
  });

  describe("scaling: the source's numbers", () => {
    it("target tracking on the queue's ApproximateNumberOfMessagesVisible (Average), target 3, 1..3 tasks, no role_arn", () => {
      expect(synthesized).toHaveResourceWithProperties(AppautoscalingTarget, {
        resource_id: `service/${dataRef("aws_ecs_cluster", "core_infra_cluster", "cluster_name")}/${ref("aws_ecs_service", "worker_service", "name")}`,
        scalable_dimension: "ecs:service:DesiredCount",
        min_capacity: 1,
        max_capacity: 3,
      });
      expect(resources("aws_appautoscaling_target").scaling_target.role_arn).toBeUndefined();
      expect(synthesized).toHaveResourceWithProperties(AppautoscalingPolicy, {
        name: "queue-depth-queue-depth-tracking",
        policy_type: "TargetTrackingScaling",
        target_tracking_scaling_policy_configuration: expect.objectContaining({
          target_value: 3,
          customized_metric_specification: {
            namespace: "AWS/SQS",
            metric_name: "ApproximateNumberOfMessagesVisible",
            dimensions: [{ name: "QueueName", value: ref("aws_sqs_queue", "work_queue", "name") }],
            statistic: "Average",
            unit: "Count",
          },
        }),
      });
    });

    it("damps with the cooldowns chosen with the simulator (out 60 s, in 3600 s) where the source has 0 s; its 0 s remain settable", () => {
      const config = resources("aws_appautoscaling_policy").scaling_policy.target_tracking_scaling_policy_configuration;
      expect(config).toMatchObject({ scale_out_cooldown: 60, scale_in_cooldown: 3600 });
      const source = synth({ scaleOutCooldownSeconds: 0, scaleInCooldownSeconds: 0 }).json;
      expect(resourcesOf(source, "aws_appautoscaling_policy").scaling_policy.target_tracking_scaling_policy_configuration).toMatchObject({
        scale_out_cooldown: 0,
        scale_in_cooldown: 0,
      });
    });

    it("scalingMetric backlog-per-task: e1 = visible / RunningTaskCount of this cluster and service", () => {
      const policy = resourcesOf(synth({ scalingMetric: "backlog-per-task", targetValue: 2 }).json, "aws_appautoscaling_policy").scaling_policy;
      const config = policy.target_tracking_scaling_policy_configuration;
      expect(config.target_value).toBe(2);
      const metrics = config.customized_metric_specification.metrics as Array<Record<string, any>>;
      expect(metrics.map((m) => m.id)).toEqual(["m1", "m2", "e1"]);
      expect(metrics[1].metric_stat.metric.dimensions).toEqual([
        { name: "ClusterName", value: dataRef("aws_ecs_cluster", "core_infra_cluster", "cluster_name") },
        { name: "ServiceName", value: ref("aws_ecs_service", "worker_service", "name") },
      ]);
    });
  });

  describe("queue (fixes: DLQ with an alarm, SSE)", () => {
    it("is standard with the source's 20 s long poll and 90 s visibility, SSE, redrive to a DLQ after 5 receives", () => {
      const queue = resources("aws_sqs_queue").work_queue;
      expect(queue).toMatchObject({ name: "queue-depth-queue", receive_wait_time_seconds: 20, visibility_timeout_seconds: 90, sqs_managed_sse_enabled: true });
      expect(queue.fifo_queue).toBeUndefined();
      expect(JSON.parse(queue.redrive_policy)).toEqual({ deadLetterTargetArn: ref("aws_sqs_queue", "work_dlq", "arn"), maxReceiveCount: 5 });
      expect(synthesized).toHaveResourceWithProperties(SqsQueue, { name: "queue-depth-dlq", message_retention_seconds: 1209600 });
      expect(synthesized).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
        alarm_name: "queue-depth-dlq-not-empty",
        dimensions: { QueueName: ref("aws_sqs_queue", "work_dlq", "name") },
        comparison_operator: "GreaterThanThreshold",
        threshold: 0,
      });
    });
  });

  describe("worker service", () => {
    const worker = containerOf(json, "worker");
    it("runs the unix-time-parity processor, 60 s a message, one at a time, with the region and nothing of the source's endpoint", () => {
      expect(envOf(worker)).toEqual({
        AWS_REGION: "us-west-2",
        QUEUE_URL: ref("aws_sqs_queue", "work_queue", "url"),
        QUEUE_NAME: ref("aws_sqs_queue", "work_queue", "name"),
        METRIC_NAMESPACE: "SQS-Queue-Depth",
        WORKER_PROCESSOR: "unix-time-parity",
        WORK_SECONDS: "60",
        MAX_DURATION_SECONDS: "90",
        WORKER_CONCURRENCY: "1",
        STOP_TIMEOUT_SECONDS: "120",
        TMPDIR: "/scratch",
        HEARTBEAT_FILE: "/scratch/worker-heartbeat.json",
      });
      // The shared worker's liveness check (QueueWorkerService), so ECS replaces a task whose poll loop is stuck.
      expect(worker.healthCheck).toMatchObject({ interval: 30, retries: 3, startPeriod: 60 });
    });

    it("is 512 CPU / 1024 MiB, pinned image tag, 120 s to drain after SIGTERM, 30 days of logs", () => {
      expect(resources("aws_ecs_task_definition").worker_task_definition).toMatchObject({ cpu: "512", memory: "1024" });
      expect(worker.image).toMatch(/^\$\{aws_ecr_repository\.image_repository\.repository_url\}:src-[0-9a-f]{12}$/);
      expect(worker).toMatchObject({ stopTimeout: 120, user: "1000:1000", readonlyRootFilesystem: true });
      expect(resources("aws_cloudwatch_log_group").worker_logs).toMatchObject({ name: "/ecs/queue-depth-worker", retention_in_days: 30 });
      expect(synthesized).toHaveResourceWithProperties(EcrRepository, { name: "queue-depth", image_tag_mutability: "IMMUTABLE" });
    });

    it("runs in every private subnet without a public address; its desired count belongs to autoscaling", () => {
      expect(resources("aws_ecs_service").worker_service).toMatchObject({
        desired_count: 1,
        network_configuration: { subnets: dataRef("aws_subnets", "core_infra_private_subnets", "ids"), assign_public_ip: false },
        lifecycle: { ignore_changes: ["desired_count"] },
      });
    });

    it("task role: consume its queue, its metric namespace, task scale-in protection of its cluster's tasks, ECS Exec", () => {
      const sids = statementsOf(json, "worker_task_permissions").map((st) => [st.sid, st.actions]);
      expect(sids).toEqual([
        ["ConsumeOwnQueue", ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]],
        ["PutOwnMetrics", ["cloudwatch:PutMetricData"]],
        ["ProtectOwnTasks", ["ecs:GetTaskProtection", "ecs:UpdateTaskProtection"]],
        ["EcsExec", expect.arrayContaining(["ssmmessages:OpenDataChannel"])],
      ]);
      expect(statementsOf(json, "worker_task_permissions")[0].resources).toEqual([ref("aws_sqs_queue", "work_queue", "arn")]);
    });
  });

  describe("producer service", () => {
    const producer = containerOf(json, "producer");
    it("runs the producer program of the same image with the source's 10-60 s gaps, and may only send to its queue", () => {
      expect(producer.image).toBe(containerOf(json, "worker").image);
      expect(producer.entryPoint).toEqual(PRODUCER_SERVICE_ENTRYPOINT);
      expect(envOf(producer)).toMatchObject({ QUEUE_URL: ref("aws_sqs_queue", "work_queue", "url"), GAP_MIN_SECONDS: "10", GAP_MAX_SECONDS: "60" });
      expect(statementsOf(json, "producer_task_permissions")).toEqual([
        expect.objectContaining({ sid: "SendToOwnQueue", actions: ["sqs:SendMessage"], resources: [ref("aws_sqs_queue", "work_queue", "arn")] }),
      ]);
    });

    it("is the program the image really contains (the Dockerfile bundles it under that name)", () => {
      const dockerfile = readFileSync(path.join(__dirname, "../../app-code/worker/Dockerfile"), "utf8");
      expect(dockerfile).toContain(`producer-service/main.ts`);
      expect(dockerfile).toContain(`--outfile=dist/${PRODUCER_SERVICE_ENTRYPOINT.at(-1)}`);
    });

    it("is one task that Terraform owns (no autoscaling, no ECS Exec); producerEnabled false sets it to 0", () => {
      const service = resources("aws_ecs_service").producer_service;
      expect(service).toMatchObject({ desired_count: 1, enable_execute_command: false });
      expect(service.lifecycle).toBeUndefined();
      expect(resourcesOf(synth({ producerEnabled: false }).json, "aws_ecs_service").producer_service.desired_count).toBe(0);
    });
  });

  describe("network", () => {
    it("interface endpoints with private DNS in every private subnet: sqs, ecr.api, ecr.dkr, logs, monitoring, ssmmessages", () => {
      const endpoints = Object.values(resources("aws_vpc_endpoint"));
      const interfaces = endpoints.filter((e) => e.vpc_endpoint_type === "Interface");
      expect(interfaces.map((e) => e.service_name.replace("com.amazonaws.us-west-2.", "")).sort()).toEqual(
        ["ecr.api", "ecr.dkr", "logs", "monitoring", "sqs", "ssmmessages"],
      );
      for (const e of interfaces) {
        expect(e).toMatchObject({ private_dns_enabled: true, subnet_ids: dataRef("aws_subnets", "core_infra_private_subnets", "ids") });
      }
      expect(endpoints.find((e) => e.vpc_endpoint_type === "Gateway")).toMatchObject({
        service_name: "com.amazonaws.us-west-2.s3",
        route_table_ids: dataRef("aws_route_tables", "core_infra_private_route_tables", "ids"),
      });
    });

    it("endpoints admit 443 from the two services only; the services have no ingress and only HTTPS egress", () => {
      const sgs = resources("aws_security_group");
      expect(sgs.endpoints_security_group.ingress).toBeUndefined();
      const rules = Object.values(resources("aws_vpc_security_group_ingress_rule"));
      expect(rules.map((r) => [r.security_group_id, r.ip_protocol, r.from_port, r.to_port, r.referenced_security_group_id])).toEqual([
        [ref("aws_security_group", "endpoints_security_group", "id"), "tcp", 443, 443, ref("aws_security_group", "producer_security_group", "id")],
        [ref("aws_security_group", "endpoints_security_group", "id"), "tcp", 443, 443, ref("aws_security_group", "worker_security_group", "id")],
      ]);
      for (const sg of [sgs.worker_security_group, sgs.producer_security_group]) {
        expect(sg.ingress).toEqual([]);
        expect(sg.egress).toEqual([expect.objectContaining({ protocol: "tcp", from_port: 443, to_port: 443 })]);
      }
    });

    it("services start after their endpoints exist", () => {
      for (const name of ["worker_service", "producer_service"]) {
        expect(resources("aws_ecs_service")[name].depends_on).toEqual(
          expect.arrayContaining(["aws_vpc_endpoint.endpoints_sqs", "aws_vpc_endpoint.endpoints_ecr_dkr", "aws_vpc_endpoint.endpoints_s3", "docker_registry_image.image_push"]),
        );
      }
    });

    it("vpcEndpoints false: no endpoint (core-infra's NAT); taskSubnets public: public subnets with a public address", () => {
      const { json: off } = synth({ vpcEndpoints: false, taskSubnets: "public" });
      expect(resourcesOf(off, "aws_vpc_endpoint")).toEqual({});
      expect(off.data?.aws_route_tables).toBeUndefined();
      expect(resourcesOf(off, "aws_ecs_service").worker_service.network_configuration).toEqual({
        subnets: dataRef("aws_subnets", "core_infra_public_subnets", "ids"),
        security_groups: [ref("aws_security_group", "worker_security_group", "id")],
        assign_public_ip: true,
      });
      expect(resourcesOf(off, "aws_ecs_service").worker_service.depends_on).toEqual(["docker_registry_image.image_push"]);
    });
  });

  it("takes capacity, target, task size and the image build from its settings", () => {
    const { json: other } = synth({ minCapacity: 2, maxCapacity: 8, targetValue: 5, cpu: 256, memory: 512, buildWorkerImage: false, name: "awstut" });
    expect(resourcesOf(other, "aws_appautoscaling_target").scaling_target).toMatchObject({ min_capacity: 2, max_capacity: 8 });
    expect(resourcesOf(other, "aws_appautoscaling_policy").scaling_policy.target_tracking_scaling_policy_configuration.target_value).toBe(5);
    expect(resourcesOf(other, "aws_ecs_task_definition").worker_task_definition).toMatchObject({ cpu: "256", memory: "512", family: "awstut-worker" });
    expect(resourcesOf(other, "aws_ecs_service").worker_service.desired_count).toBe(2);
    expect(resourcesOf(other, "docker_image")).toEqual({});
  });

  it("synthesizes byte-identical JSON a second time", () => {
    expect(synth().synthesized).toBe(synthesized);
  });

  it("matches the snapshot (content hashes masked: they change with app-code)", () => {
    expect(synthesized.replace(/src-[0-9a-f]{12}/g, "src-<hash>").replace(/"source_hash": "[0-9a-f]{64}"/g, '"source_hash": "<hash>"')).toMatchSnapshot();
  });
});
