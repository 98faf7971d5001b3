import { Construct } from "constructs";
import { scalingMetricMath } from "../app-code/shared/target-bpi";
import { TerraformOutput } from "cdktf";
import { BaseStack } from "../src/base-stack";
import { FargateService } from "../src/constructs/fargate-service";
import { QueueWorkerService } from "../src/constructs/queue-worker-service";
import { servicePlacement } from "../src/constructs/service-placement";
import { ServiceScalableTarget } from "../src/constructs/service-scalable-target";
import { TargetTrackingScalingPolicy } from "../src/constructs/target-tracking-policy";
import { BASE_INTERFACE_SERVICES, VpcEndpoints } from "../src/constructs/vpc-endpoints";
import { WorkerImage } from "../src/constructs/worker-image";
import { WorkQueue } from "../src/constructs/work-queue";
import { queueDepthTrackingNames } from "../src/naming";
import { queueDepthTrackingModel } from "../src/scaling/queue-depth-tracking";
import { StackSettings } from "../src/settings";

export interface SqsQueueDepthTrackingStackProps {
  /** The globals and this stack's own settings (src/settings/sqs-queue-depth-tracking.ts). */
  readonly settings: StackSettings<"sqs-queue-depth-tracking">;
}

/** The producer service's program in the worker image (app-code/worker/Dockerfile bundles it there). */
export const PRODUCER_SERVICE_ENTRYPOINT = ["node", "--enable-source-maps", "producer-service.js"];

/**
 * The awstut pattern (PATTERNS.md §1): a producer service sends the current UNIX time every 10-60 s to a standard
 * queue; a worker service takes 60 s per message and logs whether the time is even or odd, and scales with target
 * tracking on the queue's depth (target 3, 1..3 tasks). The tasks run in core-infra's private subnets and reach
 * AWS through VPC endpoints. Fixed against the source: a DLQ with its alarm, every private subnet, no
 * wrong-principal scaling role, task scale-in protection, SIGTERM drain and a visibility heartbeat, SDK default
 * region and endpoints, an immutable image tag, log retention, checked batch sends. Finds core-infra by name.
 */
export class SqsQueueDepthTrackingStack extends BaseStack {
  readonly queue: WorkQueue;
  readonly worker: QueueWorkerService;
  readonly producer: FargateService;
  readonly scalingTarget: ServiceScalableTarget;
  readonly scalingPolicy: TargetTrackingScalingPolicy;
  readonly endpoints?: VpcEndpoints;

  constructor(scope: Construct, id: string, props: SqsQueueDepthTrackingStackProps) {
    const { settings: s } = props;
    const names = queueDepthTrackingNames(s.name);
    const model = queueDepthTrackingModel(s);
    super(scope, id, { settings: s, blueprintTag: id });

    const { core, props: placement } = servicePlacement(this, s.coreInfraName, s.region);
    const { clusterName } = placement;
    const publicTasks = s.taskSubnets === "public";

    this.queue = new WorkQueue(this, "work", {
      name: names.queue,
      deadLetterQueueName: names.deadLetterQueue,
      visibilityTimeoutSeconds: model.worker.visibilityTimeoutSeconds,
      maxReceiveCount: model.worker.maxReceiveCount,
      deadLetterAlarm: { name: names.deadLetterAlarm },
    });
    const queue = this.queue.ref;

    const image = new WorkerImage(this, "image", {
      repositoryName: names.ecrRepository,
      pullRoleArn: placement.executionRoleArn,
      buildOnDeploy: s.buildWorkerImage,
    });

    // The endpoints come first: the services depend on them.
    this.endpoints = s.vpcEndpoints
      ? new VpcEndpoints(this, "endpoints", {
          name: names.endpoints,
          region: s.region,
          vpcId: core.vpc.id,
          subnetIds: core.privateSubnets.ids,
          routeTableIds: core.privateRouteTables().ids,
          // The worker publishes its processing-time metric (monitoring) and has ECS Exec (ssmmessages).
          interfaceServices: [...BASE_INTERFACE_SERVICES, "monitoring", "ssmmessages"],
        })
      : undefined;

    const waitFor = [...(image.push ? [image.push] : []), ...(this.endpoints?.endpoints ?? [])];
    const service = {
      ...placement,
      subnetIds: publicTasks ? core.publicSubnets().ids : placement.subnetIds,
      assignPublicIp: publicTasks,
      egress: "https" as const,
      image: image.imageUri,
      cpu: s.cpu,
      memory: s.memory,
      dependsOn: waitFor.length > 0 ? waitFor : undefined,
    };

    this.worker = new QueueWorkerService(this, "worker", {
      ...service,
      name: names.workerService,
      queue,
      metricNamespace: s.metricNamespace,
      desiredCount: model.minCapacity,
      environment: {
        WORKER_PROCESSOR: "unix-time-parity",
        WORK_SECONDS: String(model.worker.workSeconds),
        // The work takes exactly WORK_SECONDS; a message still in hand 30 s later has failed.
        MAX_DURATION_SECONDS: String(model.worker.workSeconds + 30),
        WORKER_CONCURRENCY: String(model.worker.concurrency),
      },
    });

    this.producer = new FargateService(this, "producer", {
      ...service,
      name: names.producerService,
      kind: "producer",
      entryPoint: PRODUCER_SERVICE_ENTRYPOINT,
      taskStatements: [{ sid: "SendToOwnQueue", actions: ["sqs:SendMessage"], resources: [queue.arn] }],
      enableExecuteCommand: false,
      // Not autoscaled: Terraform owns the count, so producerEnabled turns it on and off.
      autoscaled: false,
      desiredCount: model.producer ? 1 : 0,
      // At SIGTERM it only finishes the send in flight (requests time out after 5 s, the SDK tries 3 times).
      stopTimeoutSeconds: 30,
      environment: {
        QUEUE_URL: queue.url,
        GAP_MIN_SECONDS: String(s.producerGapMinSeconds),
        GAP_MAX_SECONDS: String(s.producerGapMaxSeconds),
      },
    });

    this.scalingTarget = new ServiceScalableTarget(this, "scaling_target", {
      clusterName,
      serviceName: this.worker.service.name,
      minCapacity: model.minCapacity,
      maxCapacity: model.maxCapacity,
    });
    this.scalingPolicy = new TargetTrackingScalingPolicy(this, "scaling_policy", {
      target: this.scalingTarget,
      policyName: names.scalingPolicy,
      metric:
        model.policy.metric === "queue-depth"
          ? { kind: "queue-depth", queueName: queue.name }
          : { kind: "metric-math", math: scalingMetricMath("backlog-per-task"), queueName: queue.name, clusterName, serviceName: this.worker.service.name },
      targetValue: model.policy.targetValue,
      scaleOutCooldownSeconds: model.policy.scaleOutCooldownSeconds,
      scaleInCooldownSeconds: model.policy.scaleInCooldownSeconds,
    });

    if (this.endpoints) {
      this.endpoints.allowFrom("worker", this.worker.securityGroup.id);
      this.endpoints.allowFrom("producer", this.producer.securityGroup.id);
    }

    const outputs: Record<string, { value: unknown; description: string }> = {
      queue_url: { value: queue.url, description: "URL of the work queue (send UNIX times to it)" },
      dead_letter_queue_url: { value: this.queue.deadLetterQueue.url, description: "URL of its dead-letter queue" },
      worker_service_name: { value: this.worker.service.name, description: "ECS service of the workers" },
      producer_service_name: { value: this.producer.service.name, description: "ECS service of the producer" },
      worker_log_group: { value: this.worker.logGroup.name, description: "Log group of the workers (the even/odd lines)" },
      ecs_target: { value: this.scalingTarget.resourceId, description: "Resource id of the scalable target" },
      scaling_policy_arn: { value: this.scalingPolicy.arn, description: "ARN of the target-tracking policy" },
      container_image_ecr_url: { value: image.repository.repositoryUrl, description: "URL of the image's ECR repository" },
      worker_image_uri: { value: image.imageUri, description: "Image both task definitions start with" },
    };
    for (const [name, output] of Object.entries(outputs)) new TerraformOutput(this, name, output);
  }
}
