// Types of cdktf's jest matchers (registered at run time by __tests__/setup.ts).
import type {} from "cdktf/lib/testing/adapters/jest";
import { TerraformStack, Testing } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcFlowLogs } from "../../../src/constructs/flow-logs";
import { KEY_POLICY_REASON } from "../../../src/iam";
import { suppressionsOf } from "../../../src/suppress";
import { TerraformJson } from "../../../tools/lib/synth";
import { checkStack, unsuppressed } from "../../../tools/check/engine";
import { RULES } from "../../../tools/check/rules";

function stackWith(props: Partial<ConstructorParameters<typeof VpcFlowLogs>[2]> = {}) {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "us-west-2" });
  const vpc = new Vpc(stack, "vpc", { cidrBlock: "10.0.0.0/16" });
  new VpcFlowLogs(stack, "flow_logs", { vpcId: vpc.id, name: "core", ...props });
  return stack;
}
const synth = (props: Partial<ConstructorParameters<typeof VpcFlowLogs>[2]> = {}) => Testing.synth(stackWith(props));
/** As `cdktf synth` writes it: with the `//` metadata (suppressions) that Testing.synth strips. */
const withMetadata = (props: Partial<ConstructorParameters<typeof VpcFlowLogs>[2]> = {}): TerraformJson =>
  JSON.parse(JSON.stringify(stackWith(props).toTerraform()));

describe("VpcFlowLogs", () => {
  const synthesized = synth();
  const json = JSON.parse(synthesized);
  const [flowLog] = Object.keys(json.resource.aws_flow_log);
  const [logGroup] = Object.keys(json.resource.aws_cloudwatch_log_group);
  const [key] = Object.keys(json.resource.aws_kms_key);

  it("logs all traffic of the VPC to its log group, through its role", () => {
    expect(synthesized).toHaveResourceWithProperties(FlowLog, {
      vpc_id: "${aws_vpc.vpc.id}",
      traffic_type: "ALL",
      log_destination_type: "cloud-watch-logs",
      log_destination: `\${aws_cloudwatch_log_group.${logGroup}.arn}`,
      iam_role_arn: expect.stringMatching(/^\$\{aws_iam_role\.[\w]+\.arn\}$/),
      max_aggregation_interval: 600,
    });
    expect(flowLog).toBeDefined();
  });

  it("keeps the records 90 days by default, encrypted with a rotated key of its own", () => {
    expect(synthesized).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: "/aws/vpc-flow-log/core",
      retention_in_days: 90,
      kms_key_id: `\${aws_kms_key.${key}.arn}`,
    });
    expect(synthesized).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true });
    expect(JSON.parse(synth({ retentionDays: 365 })).resource.aws_cloudwatch_log_group[logGroup].retention_in_days).toBe(365);
  });

  it("lets CloudWatch Logs use the key for this log group only", () => {
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: expect.arrayContaining([
        expect.objectContaining({
          principals: [{ type: "Service", identifiers: [expect.stringMatching(/^logs\.\$\{data\.aws_region\.\w+\.region\}\.amazonaws\.com$/)] }],
          condition: [
            expect.objectContaining({
              variable: "kms:EncryptionContext:aws:logs:arn",
              values: [expect.stringMatching(/:log-group:\/aws\/vpc-flow-log\/core$/)],
            }),
          ],
        }),
      ]),
    });
  });

  it("has a role only flow logs of this account can assume, allowed to write to this log group only", () => {
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [
        expect.objectContaining({
          principals: [{ type: "Service", identifiers: ["vpc-flow-logs.amazonaws.com"] }],
          condition: expect.arrayContaining([expect.objectContaining({ variable: "aws:SourceAccount" })]),
        }),
      ],
    });
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: expect.arrayContaining([
        expect.objectContaining({
          actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          resources: [`\${aws_cloudwatch_log_group.${logGroup}.arn}:*`],
        }),
      ]),
    });
  });

  it("makes the VPC pass the flow-log rule, and its own resources pass every rule", async () => {
    const findings = unsuppressed(await checkStack({ name: "test", json: withMetadata() }, RULES));
    // The bare test VPC still lacks its managed default security group (QS-VPC-002); that is Network's part.
    expect(findings.map((f) => `${f.address} ${f.rule}`)).toEqual(["aws_vpc.vpc QS-VPC-002"]);
  });

  it("accepts the key policy's \"*\" (the key itself), and a retention under a year only with a reason", () => {
    const json90 = withMetadata();
    expect(suppressionsOf(json90.resource!.aws_kms_key[key])).toEqual({ "QS-IAM-002": KEY_POLICY_REASON });
    expect(suppressionsOf(json90.resource!.aws_cloudwatch_log_group[logGroup])).toEqual({ "QS-LOG-003": expect.stringMatching(/retentionDays/) });
    expect(suppressionsOf(withMetadata({ retentionDays: 365 }).resource!.aws_cloudwatch_log_group[logGroup])).toEqual({});
  });
});
