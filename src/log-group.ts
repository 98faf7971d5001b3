import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { suppressRule } from "./suppress";

/** What the Lambda and worker log groups hold, and why CloudWatch's own encryption is enough for it. */
export const LOG_GROUP_KMS_REASON =
  "Holds message ids, durations and errors, no payload or secret; CloudWatch Logs encrypts it at rest with its own key.";

export interface ServiceLogGroupOptions {
  /** Log group name, e.g. `/aws/lambda/<function>`. */
  readonly name: string;
  /** Days of retention. @default 30 */
  readonly retentionInDays?: number;
  /**
   * What the group holds that makes CloudWatch Logs' own encryption enough (recorded as the reason of the
   * QS-LOG-002 suppression). @default LOG_GROUP_KMS_REASON
   */
  readonly contentsReason?: string;
}

/**
 * The log group of a service's own output (a Lambda function, the worker, the build): retention set, encrypted
 * at rest by CloudWatch Logs with its own key rather than a customer managed one, and that choice recorded next
 * to the resource as a reasoned suppression of QS-LOG-002. Created in `scope` under `id`, so its Terraform
 * name is the caller's. (The VPC flow logs hold traffic records and get a key of their own: see VpcFlowLogs.)
 */
export function serviceLogGroup(scope: Construct, id: string, options: ServiceLogGroupOptions): CloudwatchLogGroup {
  const logGroup = new CloudwatchLogGroup(scope, id, {
    name: options.name,
    retentionInDays: options.retentionInDays ?? 30,
  });
  suppressRule(logGroup, "QS-LOG-002", options.contentsReason ?? LOG_GROUP_KMS_REASON);
  return logGroup;
}
