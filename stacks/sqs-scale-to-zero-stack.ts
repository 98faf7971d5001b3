import { Construct } from "constructs";
import { scalingMetricMath } from "../app-code/shared/target-bpi";
import { TerraformOutput } from "cdktf";
import { BaseStack } from "../src/base-stack";
import { QueueWorkerService } from "../src/constructs/queue-worker-service";
import { servicePlacement } from "../src/constructs/service-placement";
import { ServiceScalableTarget } from "../src/constructs/service-scalable-target";
import { AlarmMetric, StepScalingPolicyWithAlarm } from "../src/constructs/step-scaling-alarm";
import { TargetTrackingScalingPolicy } from "../src/constructs/target-tracking-policy";
import { WorkerImage } from "../src/constructs/worker-image";
import { WorkQueue } from "../src/constructs/work-queue";
import { scaleToZeroNames } from "../src/naming";
import { IdleMetric, ScaleOutMetric, scaleToZeroPlan } from "../src/scaling/scale-to-zero";
import { StackSettings } from "../src/settings";

export interface SqsScaleToZeroStackProps {
  /** The globals and this stack's own settings (src/settings/sqs-scale-to-zero.ts). */
  readonly settings: StackSettings<"sqs-scale-to-zero">;
}

/** An SQS metric of one queue. */
const sqsMetric = (metricName: string, queueName: string) => ({ namespace: "AWS/SQS", metricName, dimensions: { QueueName: queueName } });

/**
 * The aws-cdk blog's scale-to-zero worker (PATTERNS.md §2): an ECS service at 0 tasks while its queue is empty. A
 * step policy adds a task when a message is visible (1-minute alarm), and a step policy sets exactly 0 tasks once
 * the queue has had nothing visible and nothing in flight for N minutes (or, selectable, the source's CPU idle
 * alarm). With a maximum above 1, target tracking on backlog per task scales from 1 task up and the step policy
 * only starts the first task. The worker protects its task while busy, extends the visibility timeout and
 * drains on SIGTERM; the queue has a DLQ. One `terraform apply`, no second stage. Finds core-infra by name.
 */
export class SqsScaleToZeroStack extends BaseStack {
  readonly queue: WorkQueue;
  readonly worker: QueueWorkerService;
  readonly scalingTarget: ServiceScalableTarget;
  readonly scaleOut: StepScalingPolicyWithAlarm;
  readonly scaleToZero: StepScalingPolicyWithAlarm;
  readonly backlogTracking?: TargetTrackingScalingPolicy;

  constructor(scope: Construct, id: string, props: SqsScaleToZeroStackProps) {
    const { settings: s } = props;
    const fifo = s.queueType === "fifo";
    const names = scaleToZeroNames(s.name, fifo);
    const plan = scaleToZeroPlan(s);
    super(scope, id, { settings: s, blueprintTag: id });

    const { props: placement } = servicePlacement(this, s.coreInfraName, s.region);
    const { clusterName } = placement;

    this.queue = new WorkQueue(this, "work", {
      fifo,
      name: names.queue,
      deadLetterQueueName: names.deadLetterQueue,
      visibilityTimeoutSeconds: plan.worker.visibilityTimeoutSeconds,
      maxReceiveCount: plan.worker.maxReceiveCount,
      deadLetterAlarm: { name: names.deadLetterAlarm },
    });
    const queue = this.queue.ref;

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
      // Created at the minimum (0 by default): nothing runs until a message arrives.
      desiredCount: plan.minCapacity,
      queue,
      metricNamespace: s.metricNamespace,
      environment: { WORKER_PROCESSOR: "sleep", MAX_DURATION_SECONDS: String(s.maxJobSeconds), WORKER_CONCURRENCY: "1" },
      dependsOn: image.push ? [image.push] : undefined,
    });
    const serviceName = this.worker.service.name;

    this.scalingTarget = new ServiceScalableTarget(this, "scaling_target", {
      clusterName,
      serviceName,
      minCapacity: plan.minCapacity,
      maxCapacity: plan.maxCapacity,
    });

    const metrics: Record<ScaleOutMetric | IdleMetric, AlarmMetric> = {
      visible: sqsMetric("ApproximateNumberOfMessagesVisible", queue.name),
      "visible-while-no-task": {
        // FILL: Container Insights has no datapoint for a service without tasks; that gap means 0 running.
        expression: "IF(FILL(m2, 0) < 1, m1, 0)",
        label: "Visible messages while no task runs",
        metrics: {
          m1: sqsMetric("ApproximateNumberOfMessagesVisible", queue.name),
          m2: {
            namespace: "ECS/ContainerInsights",
            metricName: "RunningTaskCount",
            dimensions: { ClusterName: clusterName, ServiceName: serviceName },
            stat: "Maximum",
          },
        },
      },
      "queue-empty": {
        expression: "m1 + m2",
        label: "Visible + in-flight messages",
        metrics: {
          m1: sqsMetric("ApproximateNumberOfMessagesVisible", queue.name),
          m2: sqsMetric("ApproximateNumberOfMessagesNotVisible", queue.name),
        },
      },
      cpu: { namespace: "AWS/ECS", metricName: "CPUUtilization", dimensions: { ClusterName: clusterName, ServiceName: serviceName } },
    };

    this.scaleOut = new StepScalingPolicyWithAlarm(this, "scale_out", {
      target: this.scalingTarget,
      policyName: names.scaleOutPolicy,
      alarmName: names.scaleOutAlarm,
      alarmDescription:
        plan.scaleOut.metric === "visible"
          ? `A message is visible in ${names.queue}: add a task (up to ${plan.maxCapacity}).`
          : `A message is visible in ${names.queue} and no task runs: start the first one (target tracking takes over from 1).`,
      metric: metrics[plan.scaleOut.metric],
      rule: plan.scaleOut.alarm,
      adjustmentType: plan.scaleOut.adjustmentType,
      steps: plan.scaleOut.steps,
      cooldownSeconds: plan.scaleOut.cooldownSeconds,
    });

    this.scaleToZero = new StepScalingPolicyWithAlarm(this, "scale_to_zero", {
      target: this.scalingTarget,
      policyName: names.idlePolicy,
      alarmName: names.idleAlarm,
      alarmDescription:
        plan.idle.metric === "queue-empty"
          ? `Nothing visible or in flight in ${names.queue} for ${plan.idle.alarm.evaluationPeriods} minutes: set the service to 0 tasks.`
          : `The source's idle signal: CPU of ${names.service} at most ${plan.idle.alarm.threshold} % over ${plan.idle.alarm.periodSeconds} s: set it to 0 tasks.`,
      metric: metrics[plan.idle.metric],
      rule: plan.idle.alarm,
      adjustmentType: plan.idle.adjustmentType,
      steps: plan.idle.steps,
      cooldownSeconds: plan.idle.cooldownSeconds,
    });

    if (plan.backlogTracking) {
      this.backlogTracking = new TargetTrackingScalingPolicy(this, "backlog_tracking", {
        target: this.scalingTarget,
        policyName: names.backlogPolicy,
        metric: { kind: "metric-math", math: scalingMetricMath("backlog-per-task"), queueName: queue.name, clusterName, serviceName },
        targetValue: plan.backlogTracking.targetValue,
        scaleOutCooldownSeconds: plan.backlogTracking.scaleOutCooldownSeconds,
        scaleInCooldownSeconds: plan.backlogTracking.scaleInCooldownSeconds,
      });
    }

    const outputs: Record<string, { value: unknown; description: string }> = {
      queue_url: { value: queue.url, description: "URL of the work queue (send {\"id\", \"duration\"} bodies to it)" },
      dead_letter_queue_url: { value: this.queue.deadLetterQueue.url, description: "URL of its dead-letter queue" },
      worker_service_name: { value: serviceName, description: "ECS service of the worker (0 tasks while idle)" },
      worker_log_group: { value: this.worker.logGroup.name, description: "Log group of the worker" },
      ecs_target: { value: this.scalingTarget.resourceId, description: "Resource id of the scalable target" },
      scale_out_alarm_name: { value: this.scaleOut.alarm.alarmName, description: "Alarm that starts a task" },
      idle_alarm_name: { value: this.scaleToZero.alarm.alarmName, description: "Alarm that sets the service to 0 tasks" },
      container_image_ecr_url: { value: image.repository.repositoryUrl, description: "URL of the image's ECR repository" },
      worker_image_uri: { value: image.imageUri, description: "Image the task definition starts with" },
    };
    for (const [name, output] of Object.entries(outputs)) new TerraformOutput(this, name, output);
  }
}
