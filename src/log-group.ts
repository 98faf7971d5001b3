import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { suppressRule } from "./suppress";

/** What the Lambda and worker log groups hold, and why CloudWatch's own encryption is enough for it. */
export const LOG_GROUP_KMS_REASON =
  "Holds message ids, durations and errors, no payload or secret; CloudWatch Logs encrypts it at rest with its own key.";

/** Why a service's own log group keeps its logs less than a year (the reason of its QS-LOG-003 suppression). */
export const LOG_GROUP_RETENTION_REASON =
  "Operational output of the service, read to debug it, not an audit trail (CloudTrail records the API activity): 30 days by default, the blueprint's retention; a year would multiply storage for nothing read. The construct's logRetentionDays raises it.";

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
  /**
   * Why a retention under a year is enough (recorded as the reason of the QS-LOG-003 suppression, checkov
   * CKV_AWS_338); no suppression when the retention is 0 (forever) or a year or more. @default LOG_GROUP_RETENTION_REASON
   */
  readonly retentionReason?: string;
}

/**
 * The log group of a service's own output (a Lambda function, the worker, the build): retention set, encrypted
 * at rest by CloudWatch Logs with its own key rather than a customer managed one, and those choices recorded next
 * to the resource as reasoned suppressions of QS-LOG-002 and (under a year) QS-LOG-003. Created in `scope` under `id`, so its Terraform
 * name is the caller's. (The VPC flow logs hold traffic records and get a key of their own: see VpcFlowLogs.)
 */
export function serviceLogGroup(scope: Construct, id: string, options: ServiceLogGroupOptions): CloudwatchLogGroup {
  const retentionInDays = options.retentionInDays ?? 30;
  const logGroup = new CloudwatchLogGroup(scope, id, { name: options.name, retentionInDays });
  suppressRule(logGroup, "QS-LOG-002", options.contentsReason ?? LOG_GROUP_KMS_REASON);
  if (retentionInDays !== 0 && retentionInDays < 365) suppressRule(logGroup, "QS-LOG-003", options.retentionReason ?? LOG_GROUP_RETENTION_REASON);
  return logGroup;
}
