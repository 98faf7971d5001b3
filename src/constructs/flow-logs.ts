import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KEY_POLICY_REASON, serviceTrustPolicy } from "../iam";
import { suppressRule } from "../suppress";

export interface VpcFlowLogsProps {
  /** ID of the VPC whose traffic is logged. */
  readonly vpcId: string;
  /** Name of the VPC, used in the log group, role and key alias names. */
  readonly name: string;
  /** Days CloudWatch keeps the flow log records. @default 90 */
  readonly retentionDays?: number;
  /**
   * Seconds over which a flow log record aggregates packets: 60 (finer, more records) or 600 (cheaper).
   * @default 600
   */
  readonly maxAggregationInterval?: 60 | 600;
}

/**
 * Flow logs of a VPC (accepted and rejected traffic) into a CloudWatch log group `/aws/vpc-flow-log/<name>` with
 * a retention period, encrypted with a customer managed KMS key of its own (rotated yearly; its key policy lets
 * CloudWatch Logs use it for this log group only), written by a role that the VPC Flow Logs service of this
 * account alone can assume and that may only write to this log group.
 */
export class VpcFlowLogs extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  readonly key: KmsKey;
  readonly role: IamRole;
  readonly flowLog: FlowLog;

  constructor(scope: Construct, id: string, props: VpcFlowLogsProps) {
    super(scope, id);
    const account = new DataAwsCallerIdentity(this, "account").accountId;
    const partition = new DataAwsPartition(this, "partition").partition;
    const region = new DataAwsRegion(this, "region").region;
    const logGroupName = `/aws/vpc-flow-log/${props.name}`;
    // Built from its parts: the key must exist before the log group, so its policy cannot refer to the group.
    const logGroupArn = `arn:${partition}:logs:${region}:${account}:log-group:${logGroupName}`;

    const keyPolicy = new DataAwsIamPolicyDocument(this, "key_policy", {
      statement: [
        {
          sid: "AccountAdministersTheKey",
          actions: ["kms:*"],
          resources: ["*"],
          principals: [{ type: "AWS", identifiers: [`arn:${partition}:iam::${account}:root`] }],
        },
        {
          sid: "CloudWatchLogsUsesTheKeyForTheFlowLogGroup",
          actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          resources: ["*"],
          principals: [{ type: "Service", identifiers: [`logs.${region}.amazonaws.com`] }],
          condition: [{ test: "ArnEquals", variable: "kms:EncryptionContext:aws:logs:arn", values: [logGroupArn] }],
        },
      ],
    });
    this.key = new KmsKey(this, "key", {
      description: `Encrypts the VPC flow logs of ${props.name}`,
      enableKeyRotation: true,
      deletionWindowInDays: 7,
      policy: keyPolicy.json,
    });
    suppressRule(this.key, "QS-IAM-002", KEY_POLICY_REASON);
    new KmsAlias(this, "key_alias", { name: `alias/${props.name}-vpc-flow-logs`, targetKeyId: this.key.keyId });

    this.logGroup = new CloudwatchLogGroup(this, "log_group", {
      name: logGroupName,
      retentionInDays: props.retentionDays ?? 90,
      kmsKeyId: this.key.arn,
    });
    if ((props.retentionDays ?? 90) < 365) {
      suppressRule(
        this.logGroup,
        "QS-LOG-003",
        "Flow log records are kept for troubleshooting and incident review (retentionDays, 90 by default); a year of records of all traffic would keep four times as much in storage. Raise retentionDays where an audit asks for a year.",
      );
    }

    // Only flow logs of this account may use the role.
    const trust = serviceTrustPolicy(this, "trust", {
      service: "vpc-flow-logs.amazonaws.com",
      accountId: account,
      sourceArnLike: `arn:${partition}:ec2:${region}:${account}:vpc-flow-log/*`,
    });
    const writeLogs = new DataAwsIamPolicyDocument(this, "write_logs", {
      statement: [
        {
          sid: "WriteFlowLogRecords",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          resources: [`${this.logGroup.arn}:*`],
        },
        {
          sid: "FindTheLogGroup",
          actions: ["logs:DescribeLogGroups"],
          resources: [`arn:${partition}:logs:${region}:${account}:log-group:*`],
        },
      ],
    });
    this.role = new IamRole(this, "role", {
      name: `${props.name}-vpc-flow-logs`,
      description: `Lets VPC Flow Logs write the flow logs of ${props.name} to CloudWatch Logs`,
      assumeRolePolicy: trust.json,
    });
    new IamRolePolicy(this, "role_policy", { name: "write-flow-logs", role: this.role.id, policy: writeLogs.json });

    this.flowLog = new FlowLog(this, "flow_log", {
      vpcId: props.vpcId,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: this.logGroup.arn,
      iamRoleArn: this.role.arn,
      maxAggregationInterval: props.maxAggregationInterval ?? 600,
      tags: { Name: props.name },
    });
  }
}
