import { Construct } from "constructs";
import { TerraformOutput, TerraformVariable } from "cdktf";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { BaseStack } from "../src/base-stack";
import { BacklogPerTaskScaling } from "../src/constructs/backlog-per-task-scaling";
import { BundledFunction } from "../src/constructs/bundled-function";
import { ContainerPipeline } from "../src/constructs/container-pipeline";
import { CoreInfraLookup } from "../src/constructs/core-infra-lookup";
import { QueueWorkerService } from "../src/constructs/queue-worker-service";
import { ScheduledInvocation } from "../src/constructs/scheduled-invocation";
import { WorkerImage } from "../src/constructs/worker-image";
import { WorkQueue } from "../src/constructs/work-queue";
import { blueprintNames } from "../src/naming";
import { projectScaling } from "../src/scaling/dynamic-target-tracking";
import { StackSettings } from "../src/settings";
import { suppressRule } from "../src/suppress";

export interface SqsDynamicTargetTrackingStackProps {
  readonly settings: StackSettings<"sqs-dynamic-target-tracking">;
}

/** Build context of the worker image and of the pipeline's build (the contract with app-code). */
export const WORKER_BUILD_CONTEXT = "app-code";
export const WORKER_BUILDSPEC = "app-code/worker/buildspec.yml";
export const PRODUCER_ENTRY = "app-code/message-producer/index.ts";
export const TARGET_SETTER_ENTRY = "app-code/target-setter/index.ts";

/** Why the producer and the target setter, short scheduled jobs that call AWS APIs only, pass these rules. */
const SCHEDULED_FUNCTION_EXCEPTIONS: Record<string, string> = {
  "QS-LMB-003":
    "Calls AWS APIs only (SQS, CloudWatch, Application Auto Scaling, ECS) through their public endpoints and reaches no private resource; in a VPC it would need a NAT gateway or interface endpoints for nothing gained.",
  "QS-LMB-004":
    "Runs on a schedule, one invocation at a time. A reservation is taken from the account's unreserved concurrency, which must keep at least 100 (PutFunctionConcurrency): on a new account with a lower limit any reservation fails the deploy.",
  "QS-LMB-005":
    "The zip is built at synth from this repository's sources and deployed by Terraform from cdktf.out with its SHA-256 (source_code_hash); code signing needs an AWS Signer profile and a signed upload through S3, which this path does not have.",
  "QS-LMB-006":
    "The variables hold names, URLs and numbers (queue URL, cluster, service and metric names, settings), no secret; Lambda encrypts them at rest with an AWS managed key.",
  "QS-LMB-007":
    "A short scheduled job that makes a few AWS calls; its JSON logs and metrics show what it did, and tracing would add X-Ray permissions and cost without a call graph worth reading.",
};

/**
 * The blueprint `sqs-dynamic-target-tracking`: ECS Fargate workers on a FIFO queue, scaled by target tracking on
 * a metric-math expression (`scalingMetric`: load per task, or the blueprint's backlog per task), whose target a
 * scheduled Lambda recomputes from the measured processing time, with burst and idle step policies; a test
 * producer Lambda; and a pipeline that builds and deploys the worker. Finds core-infra by name.
 */
export class SqsDynamicTargetTrackingStack extends BaseStack {
  readonly queue: WorkQueue;
  readonly worker: QueueWorkerService;
  readonly scaling: BacklogPerTaskScaling;
  readonly producer: BundledFunction;
  readonly targetSetter: BundledFunction;
  readonly pipeline: ContainerPipeline;

  constructor(scope: Construct, id: string, props: SqsDynamicTargetTrackingStackProps) {
    const { settings: s } = props;
    const names = blueprintNames(s.appName, s.queueName);
    super(scope, id, { settings: s, blueprintTag: id });

    // The blueprint's variables, so `terraform plan -var repository_owner=…` works on the output as it did.
    const repositoryOwner = new TerraformVariable(this, "repository_owner", {
      type: "string",
      description: "The name of the owner of the GitHub repository",
      validation: [
        {
          condition: "${length(trimspace(var.repository_owner)) > 0}",
          errorMessage: "repository_owner must not be empty: set it to the GitHub user or organization of the repository.",
        },
      ],
    });
    const repositoryName = new TerraformVariable(this, "repository_name", {
      type: "string",
      default: "ecs-blueprints",
      description: "The name of the GitHub repository",
    });
    const repositoryBranch = new TerraformVariable(this, "repository_branch", {
      type: "string",
      default: "main",
      description: "The branch of the GitHub repository that starts the pipeline",
    });
    const githubTokenSecretName = new TerraformVariable(this, "github_token_secret_name", {
      type: "string",
      default: "ecs-github-token",
      description: "Secrets Manager secret with the GitHub token (only for pipelineSource github-oauth)",
    });

    const account = new DataAwsCallerIdentity(this, "account");
    const partition = new DataAwsPartition(this, "partition");
    const core = new CoreInfraLookup(this, "core_infra", { coreInfraName: s.coreInfraName });
    const clusterName = core.cluster.clusterName;

    this.queue = new WorkQueue(this, "processing", {
      fifo: true,
      name: names.queue,
      deadLetterQueueName: names.deadLetterQueue,
      maxProcessingSeconds: s.maxMessageDurationSeconds,
      maxReceiveCount: s.dlqMaxReceiveCount,
    });
    const queue = { arn: this.queue.queue.arn, url: this.queue.queue.url, name: this.queue.queue.name };

    const image = new WorkerImage(this, "worker_image", {
      repositoryName: names.ecrRepository,
      contextDir: WORKER_BUILD_CONTEXT,
      pullRoleArn: core.executionRole.arn,
      buildOnDeploy: s.buildWorkerImage,
    });

    this.worker = new QueueWorkerService(this, "worker", {
      name: names.service,
      accountId: account.accountId,
      partition: partition.partition,
      region: s.region,
      clusterArn: core.cluster.arn,
      clusterName,
      vpcId: core.vpc.id,
      vpcCidr: core.vpc.cidrBlock,
      subnetIds: core.privateSubnets.ids,
      executionRoleArn: core.executionRole.arn,
      image: image.imageUri,
      queue,
      metricNamespace: s.metricNamespace,
      environment: {
        APP_METRIC_NAME: s.appMetricName,
        METRIC_TYPE: s.metricType,
        WORKER_CONCURRENCY: String(s.workerConcurrency),
        MAX_DURATION_SECONDS: String(s.maxMessageDurationSeconds),
      },
      dependsOn: image.push ? [image.push] : undefined,
    });

    // The formula (metric math, target, step thresholds) is app-code/shared/target-bpi.ts, as in the Lambda and the simulator.
    const scaling = projectScaling(s);
    this.scaling = new BacklogPerTaskScaling(this, "scaling", {
      clusterName,
      serviceName: this.worker.service.name,
      queueName: this.queue.queue.name,
      policyName: s.scalingPolicyName,
      scalingMetric: s.scalingMetric,
      desiredLatencySeconds: s.desiredLatencySeconds,
      initialTargetValue: scaling.initialTarget,
      minCapacity: s.minCapacity,
      maxCapacity: s.maxCapacity,
      scaleInCooldownSeconds: s.scaleInCooldownSeconds,
      scaleOutCooldownSeconds: s.scaleOutCooldownSeconds,
      stepScaling: s.stepScaling
        ? {
            utilisation: s.targetUtilisation,
            concurrency: s.workerConcurrency,
            appMetric: { namespace: s.metricNamespace, name: s.appMetricName, type: s.metricType },
          }
        : undefined,
    });

    this.producer = new BundledFunction(this, "producer", {
      functionName: names.producerFunction,
      description: "Sends test messages {id, duration} to the processing queue",
      accountId: account.accountId,
      entry: PRODUCER_ENTRY,
      timeout: 60,
      environment: {
        QUEUE_URL: queue.url,
        MESSAGES_PER_RUN: String(s.messagesPerProducerRun),
        DURATION_MIN_SECONDS: String(s.producerDurationMinSeconds),
        DURATION_MAX_SECONDS: String(s.producerDurationMaxSeconds),
        MESSAGE_GROUP_COUNT: String(s.messageGroupCount),
      },
      statements: [{ sid: "SendToOwnQueue", actions: ["sqs:SendMessage"], resources: [queue.arn] }],
    });
    const producerSchedule = new ScheduledInvocation(this, "producer_schedule", {
      ruleName: names.producerRule,
      description: "Sends test messages to the SQS queue (enable it to watch the service scale)",
      schedule: s.producerSchedule,
      enabled: s.producerEnabled,
      function: this.producer.function,
    });

    this.targetSetter = new BundledFunction(this, "target_setter", {
      functionName: names.targetSetterFunction,
      description: "Sets the scaling policy's target backlog per task from the measured processing time",
      accountId: account.accountId,
      entry: TARGET_SETTER_ENTRY,
      timeout: 60,
      environment: {
        CLUSTER_NAME: clusterName,
        SERVICE_NAME: this.worker.service.name,
        SCALING_POLICY_NAME: this.scaling.policy.name,
        QUEUE_NAME: queue.name,
        METRIC_NAMESPACE: s.metricNamespace,
        APP_METRIC_NAME: s.appMetricName,
        BPI_METRIC_NAME: s.bpiMetricName,
        METRIC_TYPE: s.metricType,
        DESIRED_LATENCY_SECONDS: String(s.desiredLatencySeconds),
        DEFAULT_DURATION_SECONDS: String(s.defaultMessageDurationSeconds),
        WORKER_CONCURRENCY: String(s.workerConcurrency),
        SCALING_METRIC: s.scalingMetric,
        TARGET_UTILISATION: String(s.targetUtilisation),
        LOOKBACK_MINUTES: String(s.targetSetterLookbackMinutes),
        UPDATE_THRESHOLD: String(s.targetUpdateThreshold),
      },
      statements: [
        // GetMetricData and DescribeScalingPolicies are reads that accept no resource.
        { sid: "ReadMetrics", actions: ["cloudwatch:GetMetricData"], resources: ["*"] },
        {
          sid: "PutOwnMetric",
          actions: ["cloudwatch:PutMetricData"],
          resources: ["*"],
          condition: [{ test: "StringEquals", variable: "cloudwatch:namespace", values: [s.metricNamespace] }],
        },
        { sid: "DescribePolicies", actions: ["application-autoscaling:DescribeScalingPolicies"], resources: ["*"] },
        {
          sid: "UpdateOwnPolicy",
          actions: ["application-autoscaling:PutScalingPolicy"],
          resources: [this.scaling.target.arn],
        },
        // What Application Auto Scaling asks of a PutScalingPolicy caller for an ECS service (its user guide,
        // "Permissions required for actions on target services and CloudWatch"): the service itself and the
        // target-tracking alarms, which it names TargetTracking-service/<cluster>/<service>-Alarm…
        {
          sid: "ScaledService",
          actions: ["ecs:DescribeServices", "ecs:UpdateService"],
          resources: [this.worker.service.arn],
        },
        {
          sid: "TargetTrackingAlarms",
          actions: ["cloudwatch:DescribeAlarms", "cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"],
          resources: [
            `arn:${partition.partition}:cloudwatch:${s.region}:${account.accountId}:alarm:TargetTracking-service/${clusterName}/${this.worker.service.name}-*`,
          ],
        },
      ],
    });
    // What the project's rules (and checkov) ask of a Lambda function that these two scheduled jobs do not need.
    for (const fn of [this.producer.function, this.targetSetter.function]) {
      for (const [rule, reason] of Object.entries(SCHEDULED_FUNCTION_EXCEPTIONS)) suppressRule(fn, rule, reason);
    }
    const targetSetterSchedule = new ScheduledInvocation(this, "target_setter_schedule", {
      ruleName: names.targetSetterRule,
      description: "Recomputes the target backlog per task of the ECS service's scaling policy",
      schedule: s.targetSetterSchedule,
      enabled: s.targetSetterEnabled,
      function: this.targetSetter.function,
    });

    this.pipeline = new ContainerPipeline(this, "cicd", {
      names,
      accountId: account.accountId,
      partition: partition.partition,
      region: s.region,
      repository: {
        owner: repositoryOwner.stringValue,
        name: repositoryName.stringValue,
        branch: repositoryBranch.stringValue,
      },
      source: s.pipelineSource,
      githubTokenSecretName: githubTokenSecretName.stringValue,
      buildspec: WORKER_BUILDSPEC,
      buildEnvironment: {
        REPO_URL: image.repository.repositoryUrl,
        TASK_DEFINITION_FAMILY: this.worker.taskDefinition.family,
        CONTAINER_NAME: this.worker.containerName,
        FOLDER_PATH: WORKER_BUILD_CONTEXT,
      },
      ecrRepositoryArn: image.repository.arn,
      ecs: {
        clusterName,
        serviceName: this.worker.service.name,
        taskFamily: this.worker.containerName,
        passRoleArns: [core.executionRole.arn, this.worker.taskRole.arn],
      },
    });

    const outputs: Record<string, { value: unknown; description: string }> = {
      lambda_function_message_producer: { value: this.producer.function.arn, description: "ARN of the test message producer Lambda" },
      lambda_function_target_bpi_update: { value: this.targetSetter.function.arn, description: "ARN of the target-setter Lambda" },
      sqs_message_producer_cw_event_rule_arn: { value: producerSchedule.rule.arn, description: "ARN of the producer's EventBridge rule" },
      fargate_scaling_cw_event_rule_arn: { value: targetSetterSchedule.rule.arn, description: "ARN of the target setter's EventBridge rule" },
      aws_sns_topic: { value: this.pipeline.topic.arn, description: "ARN of the pipeline notifications topic" },
      ecs_target: { value: this.scaling.target.resourceId, description: "Resource id of the scalable target" },
      ecs_target_min: { value: this.scaling.target.minCapacity, description: "Minimum task count" },
      ecs_target_max: { value: this.scaling.target.maxCapacity, description: "Maximum task count" },
      ecs_sqs_app_scaling_policy_arn: { value: this.scaling.policy.arn, description: "ARN of the target-tracking policy" },
      processing_queue_url: { value: queue.url, description: "URL of the FIFO processing queue" },
      dead_letter_queue_url: { value: this.queue.deadLetterQueue.url, description: "URL of its dead-letter queue" },
      container_image_ecr_url: { value: image.repository.repositoryUrl, description: "URL of the worker's ECR repository" },
      worker_image_uri: { value: image.imageUri, description: "Image the task definition starts with" },
    };
    if (this.pipeline.connection) {
      outputs.codestar_connection_arn = {
        value: this.pipeline.connection.arn,
        description: "CodeStar connection to GitHub; complete it once in the console (Developer Tools > Connections)",
      };
    }
    for (const [name, output] of Object.entries(outputs)) new TerraformOutput(this, name, output);
  }
}
