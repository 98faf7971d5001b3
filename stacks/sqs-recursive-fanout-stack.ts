import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { BACKLOG_METRIC_NAME } from "../app-code/shared/backlog-per-task";
import { BaseStack } from "../src/base-stack";
import { BundledFunction } from "../src/constructs/bundled-function";
import { FanoutTable } from "../src/constructs/fanout-table";
import { MissingDataAlarm } from "../src/constructs/missing-data-alarm";
import { QueueWorkerService } from "../src/constructs/queue-worker-service";
import { ScheduledInvocation } from "../src/constructs/scheduled-invocation";
import { servicePlacement } from "../src/constructs/service-placement";
import { ServiceScalableTarget } from "../src/constructs/service-scalable-target";
import { TargetTrackingScalingPolicy } from "../src/constructs/target-tracking-policy";
import { WorkerImage } from "../src/constructs/worker-image";
import { WorkQueue } from "../src/constructs/work-queue";
import { recursiveFanoutNames } from "../src/naming";
import { StackSettings } from "../src/settings";
import { suppressRule } from "../src/suppress";

export interface SqsRecursiveFanoutStackProps {
  /** The globals and this stack's own settings (src/settings/sqs-recursive-fanout.ts). */
  readonly settings: StackSettings<"sqs-recursive-fanout">;
}

export const PUBLISHER_ENTRY = "app-code/recursive-fanout/publisher/index.ts";

/** Why the publisher, a scheduled job that calls AWS APIs only, passes these rules. */
const PUBLISHER_EXCEPTIONS: Record<string, string> = {
  "QS-LMB-003":
    "Calls AWS APIs only (SQS, ECS, CloudWatch) through their public endpoints and reaches no private resource; in a VPC it would need a NAT gateway or interface endpoints for nothing gained.",
  "QS-LMB-004":
    "Runs on a schedule, one invocation a minute. A reservation is taken from the account's unreserved concurrency, which must keep at least 100: on a new account with a lower limit any reservation fails the deploy.",
  "QS-LMB-005":
    "The zip is built at synth from this repository's sources and deployed by Terraform from cdktf.out with its SHA-256 (source_code_hash); code signing needs an AWS Signer profile and a signed upload through S3, which this path does not have.",
  "QS-LMB-006":
    "The variables hold names, a queue URL and a flag, no secret; Lambda encrypts them at rest with an AWS managed key.",
  "QS-LMB-007":
    "Three AWS calls a minute; its JSON log line says what it published, and tracing would add X-Ray permissions and cost without a call graph worth reading.",
};

/**
 * Recursive fan-out (PATTERNS.md §4): a worker service whose tasks process one node per message and post one message
 * per child to the same queue (the shared worker with WORKER_PROCESSOR=recursive-fanout); a DynamoDB run table
 * (claims, leases, counters; on-demand, TTL); a Lambda that publishes backlog per task every minute; target
 * tracking on it from 1 task to maxParallelNodes; an alarm on missing datapoints; a DLQ with an alarm. Finds
 * core-infra by name.
 */
export class SqsRecursiveFanoutStack extends BaseStack {
  readonly queue: WorkQueue;
  readonly table: FanoutTable;
  readonly worker: QueueWorkerService;
  readonly scalingTarget: ServiceScalableTarget;
  readonly scaling: TargetTrackingScalingPolicy;
  readonly publisher: BundledFunction;
  readonly missingData: MissingDataAlarm;

  constructor(scope: Construct, id: string, props: SqsRecursiveFanoutStackProps) {
    const { settings: s } = props;
    const names = recursiveFanoutNames(s.name);
    super(scope, id, { settings: s, blueprintTag: id });

    const { props: placement } = servicePlacement(this, s.coreInfraName, s.region);
    const { clusterName } = placement;

    this.queue = new WorkQueue(this, "nodes", {
      name: names.queue,
      deadLetterQueueName: names.deadLetterQueue,
      // Also the node's lease: the worker extends the visibility of a node in hand, the lease keeps duplicates away.
      visibilityTimeoutSeconds: s.visibilityTimeoutSeconds,
      maxReceiveCount: s.dlqMaxReceiveCount,
      deadLetterAlarm: { name: names.deadLetterAlarm },
    });
    const queue = this.queue.ref;
    this.table = new FanoutTable(this, "runs", { name: names.table });

    const image = new WorkerImage(this, "image", {
      repositoryName: names.ecrRepository,
      pullRoleArn: placement.executionRoleArn,
      buildOnDeploy: s.buildWorkerImage,
    });

    this.worker = new QueueWorkerService(this, "worker", {
      ...placement,
      name: names.service,
      egress: "https",
      image: image.imageUri,
      cpu: s.cpu,
      memory: s.memory,
      queue,
      metricNamespace: s.metricNamespace,
      environment: {
        WORKER_PROCESSOR: "recursive-fanout",
        // One node at a time per task: the task count is the number of nodes in progress.
        WORKER_CONCURRENCY: "1",
        // A node still running when its lease runs out is aborted and retried.
        MAX_DURATION_SECONDS: String(s.visibilityTimeoutSeconds),
        TABLE_NAME: this.table.table.name,
        MAX_DEPTH: String(s.maxDepth),
        MAX_RECEIVE_COUNT: String(s.dlqMaxReceiveCount),
        LEASE_SECONDS: String(s.visibilityTimeoutSeconds),
        RUN_TTL_DAYS: String(s.runTtlDays),
        TREE_BRANCHING: String(s.treeBranching),
        TREE_DEPTH: String(s.treeDepth),
        TREE_EXTRA_EDGE_RATE: String(s.treeExtraEdgeRate),
        NODE_TIME_MIN_SECONDS: String(s.nodeTimeMinSeconds),
        NODE_TIME_MAX_SECONDS: String(s.nodeTimeMaxSeconds),
      },
      additionalTaskStatements: [
        { sid: "PostChildren", actions: ["sqs:SendMessage"], resources: [queue.arn] },
        {
          sid: "RunRecords",
          actions: ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
          resources: [this.table.table.arn],
        },
      ],
      dependsOn: image.push ? [image.push] : undefined,
    });
    const serviceName = this.worker.service.name;

    this.scalingTarget = new ServiceScalableTarget(this, "scaling_target", {
      clusterName,
      serviceName,
      // Not 0: backlog ÷ 0 tasks is undefined, and target tracking's scale-out from 0 is not documented.
      minCapacity: 1,
      maxCapacity: s.maxParallelNodes,
    });
    const metric = { namespace: s.metricNamespace, metricName: BACKLOG_METRIC_NAME, queueName: queue.name, serviceName };
    this.scaling = new TargetTrackingScalingPolicy(this, "backlog_tracking", {
      target: this.scalingTarget,
      policyName: names.scalingPolicy,
      metric: { kind: "published-backlog-per-task", ...metric },
      targetValue: s.targetBacklogPerTask,
      scaleOutCooldownSeconds: s.scaleOutCooldownSeconds,
      scaleInCooldownSeconds: s.scaleInCooldownSeconds,
    });

    this.publisher = new BundledFunction(this, "publisher", {
      functionName: names.publisherFunction,
      description: "Publishes backlog per task (visible + in-flight messages ÷ running tasks) for the worker's scaling policy",
      accountId: placement.accountId,
      entry: PUBLISHER_ENTRY,
      timeout: 20,
      environment: {
        QUEUE_URL: queue.url,
        QUEUE_NAME: queue.name,
        CLUSTER_NAME: clusterName,
        SERVICE_NAME: serviceName,
        METRIC_NAMESPACE: s.metricNamespace,
        METRIC_NAME: BACKLOG_METRIC_NAME,
        COUNT_IN_FLIGHT: String(s.countInFlight),
      },
      statements: [
        { sid: "QueueCounts", actions: ["sqs:GetQueueAttributes"], resources: [queue.arn] },
        { sid: "RunningTasks", actions: ["ecs:DescribeServices"], resources: [this.worker.service.arn] },
        {
          sid: "PutOwnMetric",
          actions: ["cloudwatch:PutMetricData"],
          resources: ["*"],
          condition: [{ test: "StringEquals", variable: "cloudwatch:namespace", values: [s.metricNamespace] }],
        },
      ],
    });
    for (const [rule, reason] of Object.entries(PUBLISHER_EXCEPTIONS)) suppressRule(this.publisher.function, rule, reason);
    new ScheduledInvocation(this, "publisher_schedule", {
      ruleName: names.publisherRule,
      description: "Publishes the worker's backlog per task for its target-tracking policy",
      schedule: s.publisherSchedule,
      enabled: true,
      function: this.publisher.function,
    });
    this.missingData = new MissingDataAlarm(this, "backlog_missing", {
      alarmName: names.missingDataAlarm,
      description: `No ${BACKLOG_METRIC_NAME} datapoint for ${s.missingDataMinutes} minutes: the publisher ${names.publisherFunction} is failing, and target tracking will not scale ${serviceName} in until it is back.`,
      namespace: s.metricNamespace,
      metricName: BACKLOG_METRIC_NAME,
      dimensions: { QueueName: queue.name, ServiceName: serviceName },
      minutes: s.missingDataMinutes,
    });

    const outputs: Record<string, { value: unknown; description: string }> = {
      queue_url: { value: queue.url, description: "URL of the node queue (QUEUE_URL of npm run fanout)" },
      dead_letter_queue_url: { value: this.queue.deadLetterQueue.url, description: "Node messages that failed dlqMaxReceiveCount times, and those that name no node" },
      table_name: { value: this.table.table.name, description: "The run table (TABLE_NAME of npm run fanout)" },
      worker_service_name: { value: serviceName, description: "ECS service of the workers" },
      worker_log_group: { value: this.worker.logGroup.name, description: "Log group of the workers" },
      publisher_function_name: { value: this.publisher.function.functionName, description: "The backlog-per-task publisher" },
      ecs_target: { value: this.scalingTarget.resourceId, description: "Resource id of the scalable target" },
      container_image_ecr_url: { value: image.repository.repositoryUrl, description: "URL of the image's ECR repository" },
    };
    for (const [name, output] of Object.entries(outputs)) new TerraformOutput(this, name, output);
  }
}
