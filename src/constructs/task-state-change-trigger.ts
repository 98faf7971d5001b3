import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";

export interface TaskStateChangeTriggerProps {
  /** EventBridge rule name. */
  readonly ruleName: string;
  readonly description: string;
  /** Tasks of this cluster only. */
  readonly clusterArn: string;
  /** Tasks of this task definition family only (their `group` is `family:<family>`). */
  readonly family: string;
  /** The function the events go to. */
  readonly function: LambdaFunction;
  /**
   * Where EventBridge puts an event it could not deliver to the function after its retries (24 h, 185 attempts):
   * gets a queue policy that lets this rule send to it.
   */
  readonly undeliveredQueue: SqsQueue;
}

/**
 * The failure path's trigger: an EventBridge rule on `ECS Task State Change` events with `lastStatus` STOPPED for
 * one task family in one cluster, invoking one Lambda function (permission limited to this rule), with retries and
 * a dead-letter queue for events that cannot be delivered, so a stopped job's event is never dropped on the way.
 */
export class TaskStateChangeTrigger extends Construct {
  readonly rule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: TaskStateChangeTriggerProps) {
    super(scope, id);
    this.rule = new CloudwatchEventRule(this, "rule", {
      name: props.ruleName,
      description: props.description,
      eventPattern: JSON.stringify({
        source: ["aws.ecs"],
        "detail-type": ["ECS Task State Change"],
        detail: { clusterArn: [props.clusterArn], group: [`family:${props.family}`], lastStatus: ["STOPPED"] },
      }),
      state: "ENABLED",
    });
    new CloudwatchEventTarget(this, "target", {
      rule: this.rule.name,
      targetId: "lambda",
      arn: props.function.arn,
      retryPolicy: { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 },
      deadLetterConfig: { arn: props.undeliveredQueue.arn },
    });
    new LambdaPermission(this, "permission", {
      statementId: "AllowTaskStateChangeRule",
      action: "lambda:InvokeFunction",
      functionName: props.function.functionName,
      principal: "events.amazonaws.com",
      sourceArn: this.rule.arn,
    });
    const queuePolicy = new DataAwsIamPolicyDocument(this, "undelivered_policy_document", {
      statement: [
        {
          sid: "UndeliveredTaskEvents",
          actions: ["sqs:SendMessage"],
          principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
          resources: [props.undeliveredQueue.arn],
          condition: [{ test: "ArnEquals", variable: "aws:SourceArn", values: [this.rule.arn] }],
        },
      ],
    });
    new SqsQueuePolicy(this, "undelivered_policy", { queueUrl: props.undeliveredQueue.url, policy: queuePolicy.json });
  }
}
