import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";

export interface ScheduledInvocationProps {
  /** EventBridge rule name. */
  readonly ruleName: string;
  readonly description: string;
  /** `rate(...)` or `cron(...)`. */
  readonly schedule: string;
  /** Whether the rule starts ENABLED. */
  readonly enabled: boolean;
  /** Function the rule invokes. */
  readonly function: LambdaFunction;
}

/**
 * An EventBridge schedule that invokes one Lambda function: the rule (ENABLED or DISABLED), its target, and a
 * Lambda permission for events.amazonaws.com limited to this rule's ARN (so no other rule can invoke it).
 */
export class ScheduledInvocation extends Construct {
  readonly rule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: ScheduledInvocationProps) {
    super(scope, id);
    this.rule = new CloudwatchEventRule(this, "rule", {
      name: props.ruleName,
      description: props.description,
      scheduleExpression: props.schedule,
      state: props.enabled ? "ENABLED" : "DISABLED",
    });
    new CloudwatchEventTarget(this, "target", {
      rule: this.rule.name,
      targetId: "lambda",
      arn: props.function.arn,
    });
    new LambdaPermission(this, "permission", {
      statementId: "AllowEventBridgeRule",
      action: "lambda:InvokeFunction",
      functionName: props.function.functionName,
      principal: "events.amazonaws.com",
      sourceArn: this.rule.arn,
    });
  }
}
