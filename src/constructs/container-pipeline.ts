import { Construct } from "constructs";
import { CodebuildProject } from "@cdktf/provider-aws/lib/codebuild-project";
import { Codepipeline, CodepipelineStageAction } from "@cdktf/provider-aws/lib/codepipeline";
import { CodestarconnectionsConnection } from "@cdktf/provider-aws/lib/codestarconnections-connection";
import { CodestarnotificationsNotificationRule } from "@cdktf/provider-aws/lib/codestarnotifications-notification-rule";
import { DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsSecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { KEY_POLICY_REASON, serviceTrustPolicy } from "../iam";
import { serviceLogGroup } from "../log-group";
import { suppressRule } from "../suppress";

/** A CodeBuild image AWS currently supports (Amazon Linux 2023, x86_64); standard:4.0 of the blueprint is retired. */
export const CODEBUILD_IMAGE = "aws/codebuild/amazonlinux-x86_64-standard:5.0";

const KEY_ADMIN_ACTIONS = [
  "kms:CancelKeyDeletion",
  "kms:CreateAlias",
  "kms:CreateGrant",
  "kms:Decrypt",
  "kms:DeleteAlias",
  "kms:DescribeKey",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:EnableKey",
  "kms:EnableKeyRotation",
  "kms:Encrypt",
  "kms:GenerateDataKey*",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListAliases",
  "kms:ListGrants",
  "kms:ListKeyPolicies",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:ReEncrypt*",
  "kms:RetireGrant",
  "kms:RevokeGrant",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateAlias",
  "kms:UpdateKeyDescription",
];

/**
 * What the CodeBuild user guide has a project's service role do with the project's customer managed key
 * ("Encrypt build outputs using a customer managed key"); the pipeline role uses the artifact key the same way.
 */
const ARTIFACT_KEY_USE = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"];

export type PipelineSource = "codestar-connection" | "github-oauth";

export interface ContainerPipelineProps {
  /** Pipeline name; the project, roles, topic and connection get the names below. */
  readonly names: {
    readonly pipeline: string;
    readonly buildProject: string;
    readonly notificationTopic: string;
    readonly notificationRule: string;
    readonly connection: string;
  };
  readonly accountId: string;
  readonly partition: string;
  readonly region: string;
  /** GitHub repository: owner, name and branch (Terraform variable references in the stack). */
  readonly repository: { readonly owner: string; readonly name: string; readonly branch: string };
  /**
   * `codestar-connection`: a CodeStar connection (created PENDING, completed once in the console).
   * `github-oauth`: the blueprint's GitHub v1 action with a token read from Secrets Manager, which ends up in
   * the Terraform state and the pipeline definition. @default "codestar-connection"
   */
  readonly source?: PipelineSource;
  /** Secrets Manager secret with the GitHub token, for `github-oauth`. */
  readonly githubTokenSecretName?: string;
  /** Buildspec path inside the repository. */
  readonly buildspec: string;
  /** Environment of the build (REPO_URL, TASK_DEFINITION_FAMILY, CONTAINER_NAME, FOLDER_PATH). */
  readonly buildEnvironment: Record<string, string>;
  /** ECR repository the build pushes to. */
  readonly ecrRepositoryArn: string;
  /** ECS service the deploy stage updates. */
  readonly ecs: {
    readonly clusterName: string;
    readonly serviceName: string;
    readonly taskFamily: string;
    /** Roles of the task definition; the pipeline may pass exactly these, to ECS tasks only. */
    readonly passRoleArns: string[];
  };
  /** @default 30 */
  readonly logRetentionDays?: number;
}

/**
 * CI/CD of the worker image: GitHub -> CodeBuild (docker build and push, `imagedefinitions.json`) -> ECS deploy.
 *
 * - Artifacts: a customer managed KMS key (rotated) for the bucket's default encryption, the pipeline's artifact
 *   store and the build's output; the bucket versioned, public access blocked, bucket owner enforced, a policy
 *   that denies plain HTTP and TLS older than 1.2, artifacts expiring after 30 days, force destroy.
 * - Notifications: an SNS topic encrypted with its own KMS key (CodeStar Notifications cannot publish to a topic
 *   encrypted with the AWS-managed `alias/aws/sns` key), whose policies let codestar-notifications.amazonaws.com
 *   of this account publish; a rule for action succeeded/failed.
 * - Build: a privileged CodeBuild project (it builds Docker images) on a supported image, its own log group.
 * - Roles: CodeBuild may use the bucket and its key, push to the ECR repository and write its log group;
 *   CodePipeline may use the bucket and its key, the connection, start this build, and update this service,
 *   passing only the task's roles and only to ECS tasks.
 */
export class ContainerPipeline extends Construct {
  readonly bucket: S3Bucket;
  /** Encrypts the artifacts: bucket default, the pipeline's artifact store and the build's output. */
  readonly artifactKey: KmsKey;
  readonly topic: SnsTopic;
  readonly project: CodebuildProject;
  readonly pipeline: Codepipeline;
  readonly connection?: CodestarconnectionsConnection;
  readonly buildRole: IamRole;
  readonly pipelineRole: IamRole;

  constructor(scope: Construct, id: string, props: ContainerPipelineProps) {
    super(scope, id);
    const { names, accountId, partition, region } = props;
    const source = props.source ?? "codestar-connection";

    // The account's IAM policies decide who administers and uses a key (AWS's default key policy, with the
    // actions spelled out instead of kms:*).
    const accountAdministers: DataAwsIamPolicyDocumentStatement = {
      sid: "AccountAdministers",
      actions: KEY_ADMIN_ACTIONS,
      principals: [{ type: "AWS", identifiers: [`arn:${partition}:iam::${accountId}:root`] }],
      resources: ["*"],
    };

    // --- Artifact bucket and its key ---------------------------------------------------------------------------
    // A customer managed key for the artifacts (the bucket default, the pipeline's artifact store and the build's
    // output), so that only the two roles below can read them, and key use is in CloudTrail under its own key.
    this.artifactKey = new KmsKey(this, "artifacts_key", {
      description: `Encrypts the artifacts of the pipeline ${names.pipeline}`,
      enableKeyRotation: true,
      deletionWindowInDays: 7,
      policy: new DataAwsIamPolicyDocument(this, "artifacts_key_policy", { statement: [accountAdministers] }).json,
    });
    suppressRule(this.artifactKey, "QS-IAM-002", KEY_POLICY_REASON);
    new KmsAlias(this, "artifacts_key_alias", { name: `alias/${names.pipeline}-artifacts`, targetKeyId: this.artifactKey.keyId });
    const artifactKeyUse: DataAwsIamPolicyDocumentStatement = { sid: "ArtifactKey", actions: ARTIFACT_KEY_USE, resources: [this.artifactKey.arn] };

    this.bucket = new S3Bucket(this, "artifacts", { bucketPrefix: `${names.pipeline}-`.slice(0, 37), forceDestroy: true });
    // Artifacts are rebuilt from Git on every run, only the two roles below use them, and they expire after 30 days.
    suppressRule(
      this.bucket,
      "QS-S3-005",
      "This stack grants the bucket and its key to the pipeline's and the build's roles only, and its objects are rebuilt from Git on every run; access logs would need a log bucket of their own. Turn on CloudTrail S3 data events where object access must be audited.",
    );
    suppressRule(
      this.bucket,
      "QS-S3-006",
      "Artifacts are rebuilt from the Git repository on every pipeline run and expire after 30 days: a copy in another region would protect nothing that cannot be rebuilt.",
    );
    suppressRule(
      this.bucket,
      "QS-S3-007",
      "Nothing consumes the artifacts' object events: CodePipeline tracks its own artifacts, and the pipeline's results are published to the SNS topic.",
    );
    new S3BucketPublicAccessBlock(this, "artifacts_public_access", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "artifacts_ownership", {
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    new S3BucketVersioningA(this, "artifacts_versioning", {
      bucket: this.bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "artifacts_encryption", {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.artifactKey.arn }, bucketKeyEnabled: true }],
    });
    new S3BucketLifecycleConfiguration(this, "artifacts_lifecycle", {
      bucket: this.bucket.id,
      rule: [
        {
          id: "expire-artifacts",
          status: "Enabled",
          filter: [{ prefix: "" }],
          expiration: [{ days: 30 }],
          noncurrentVersionExpiration: [{ noncurrentDays: 7 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });
    const bucketObjects = `${this.bucket.arn}/*`;
    const bucketPolicy = new DataAwsIamPolicyDocument(this, "artifacts_policy_document", {
      statement: [
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          actions: ["s3:*"],
          principals: [{ type: "*", identifiers: ["*"] }],
          resources: [this.bucket.arn, bucketObjects],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
        {
          sid: "DenyOutdatedTLS",
          effect: "Deny",
          actions: ["s3:*"],
          principals: [{ type: "*", identifiers: ["*"] }],
          resources: [this.bucket.arn, bucketObjects],
          condition: [{ test: "NumericLessThan", variable: "s3:TlsVersion", values: ["1.2"] }],
        },
      ],
    });
    new S3BucketPolicy(this, "artifacts_policy", { bucket: this.bucket.id, policy: bucketPolicy.json });

    // --- Notifications -----------------------------------------------------------------------------------------
    const keyPolicy = new DataAwsIamPolicyDocument(this, "notifications_key_policy", {
      statement: [
        accountAdministers,
        {
          sid: "CodeStarNotificationsEncrypt",
          actions: ["kms:Decrypt", "kms:GenerateDataKey"],
          principals: [{ type: "Service", identifiers: ["codestar-notifications.amazonaws.com"] }],
          resources: ["*"],
          condition: [{ test: "StringEquals", variable: "kms:ViaService", values: [`sns.${region}.amazonaws.com`] }],
        },
      ],
    });
    const key = new KmsKey(this, "notifications_key", {
      description: `Encrypts the SNS topic ${names.notificationTopic}`,
      enableKeyRotation: true,
      deletionWindowInDays: 7,
      policy: keyPolicy.json,
    });
    suppressRule(key, "QS-IAM-002", KEY_POLICY_REASON);
    new KmsAlias(this, "notifications_key_alias", { name: `alias/${names.notificationTopic}-notifications`, targetKeyId: key.keyId });
    this.topic = new SnsTopic(this, "notifications", { name: names.notificationTopic, kmsMasterKeyId: key.arn });
    const topicPolicy = new DataAwsIamPolicyDocument(this, "notifications_policy_document", {
      statement: [
        {
          sid: "CodeStarNotificationsPublish",
          actions: ["sns:Publish"],
          principals: [{ type: "Service", identifiers: ["codestar-notifications.amazonaws.com"] }],
          resources: [this.topic.arn],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] }],
        },
      ],
    });
    new SnsTopicPolicy(this, "notifications_policy", { arn: this.topic.arn, policy: topicPolicy.json });

    // --- Build -------------------------------------------------------------------------------------------------
    const buildLogs = serviceLogGroup(this, "build_logs", {
      name: `/aws/codebuild/${names.buildProject}`,
      retentionInDays: props.logRetentionDays,
      contentsReason:
        "Output of docker build and push: build steps and image digests, no secrets (the ECR login token is piped, never printed); CloudWatch Logs encrypts it at rest with its own key.",
    });
    this.buildRole = new IamRole(this, "build_role", {
      name: `${names.buildProject}-role`,
      description: `Role of the CodeBuild project ${names.buildProject}`,
      assumeRolePolicy: serviceTrustPolicy(this, "build_trust", { service: "codebuild.amazonaws.com", accountId }).json,
    });
    const buildPermissions = new DataAwsIamPolicyDocument(this, "build_permissions", {
      statement: [
        { sid: "OwnLogGroup", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${buildLogs.arn}:*`] },
        // What the CodeBuild user guide's service role policy grants on the artifact bucket, scoped to this bucket.
        { sid: "PipelineArtifacts", actions: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"], resources: [bucketObjects] },
        { sid: "ArtifactBucket", actions: ["s3:GetBucketAcl", "s3:GetBucketLocation"], resources: [this.bucket.arn] },
        artifactKeyUse,
        // Registry login; the action accepts no resource.
        { sid: "EcrLogin", actions: ["ecr:GetAuthorizationToken"], resources: ["*"] },
        {
          sid: "PushWorkerImage",
          actions: [
            "ecr:BatchCheckLayerAvailability",
            "ecr:BatchGetImage",
            "ecr:CompleteLayerUpload",
            "ecr:DescribeImages",
            "ecr:GetDownloadUrlForLayer",
            "ecr:InitiateLayerUpload",
            "ecr:PutImage",
            "ecr:UploadLayerPart",
          ],
          resources: [props.ecrRepositoryArn],
        },
      ],
    });
    new IamRolePolicy(this, "build_policy", { name: "least-privilege", role: this.buildRole.id, policy: buildPermissions.json });
    this.project = new CodebuildProject(this, "build", {
      name: names.buildProject,
      description: "Builds the worker image and writes imagedefinitions.json",
      serviceRole: this.buildRole.arn,
      buildTimeout: 30,
      encryptionKey: this.artifactKey.arn,
      artifacts: { type: "CODEPIPELINE" },
      source: { type: "CODEPIPELINE", buildspec: props.buildspec },
      environment: {
        computeType: "BUILD_GENERAL1_SMALL",
        image: CODEBUILD_IMAGE,
        type: "LINUX_CONTAINER",
        imagePullCredentialsType: "CODEBUILD",
        // Docker-in-Docker needs a privileged build container; this project only builds images.
        privilegedMode: true,
        environmentVariable: Object.entries(props.buildEnvironment).map(([name, value]) => ({ name, value, type: "PLAINTEXT" })),
      },
      logsConfig: { cloudwatchLogs: { groupName: buildLogs.name, status: "ENABLED" } },
    });
    suppressRule(this.project, "QS-CB-001", "The project builds the worker's Docker image (docker build and push), which needs a privileged build container.");

    // --- Pipeline ----------------------------------------------------------------------------------------------
    let sourceAction: CodepipelineStageAction;
    const sourceStatements: DataAwsIamPolicyDocumentStatement[] = [];
    if (source === "codestar-connection") {
      this.connection = new CodestarconnectionsConnection(this, "github_connection", {
        name: names.connection,
        providerType: "GitHub",
      });
      sourceAction = {
        name: "Source",
        category: "Source",
        owner: "AWS",
        provider: "CodeStarSourceConnection",
        version: "1",
        outputArtifacts: ["SourceArtifact"],
        configuration: {
          ConnectionArn: this.connection.arn,
          FullRepositoryId: `${props.repository.owner}/${props.repository.name}`,
          BranchName: props.repository.branch,
          DetectChanges: "true",
        },
      };
      sourceStatements.push({
        sid: "UseConnection",
        actions: ["codeconnections:UseConnection", "codestar-connections:UseConnection"],
        resources: [this.connection.arn],
      });
    } else {
      if (!props.githubTokenSecretName) throw new Error("githubTokenSecretName is required for the github-oauth source");
      // The blueprint's way: the token is read at plan time and stored in the Terraform state.
      const token = new DataAwsSecretsmanagerSecretVersion(this, "github_token", { secretId: props.githubTokenSecretName });
      sourceAction = {
        name: "Source",
        category: "Source",
        owner: "ThirdParty",
        provider: "GitHub",
        version: "1",
        outputArtifacts: ["SourceArtifact"],
        configuration: {
          OAuthToken: token.secretString,
          Owner: props.repository.owner,
          Repo: props.repository.name,
          Branch: props.repository.branch,
          PollForSourceChanges: "true",
        },
      };
    }

    this.pipelineRole = new IamRole(this, "pipeline_role", {
      name: `${names.pipeline}-role`,
      description: `Role of the pipeline ${names.pipeline}`,
      assumeRolePolicy: serviceTrustPolicy(this, "pipeline_trust", { service: "codepipeline.amazonaws.com", accountId }).json,
    });
    const ecsPrefix = `arn:${partition}:ecs:${region}:${accountId}`;
    const pipelinePermissions = new DataAwsIamPolicyDocument(this, "pipeline_permissions", {
      statement: [
        ...sourceStatements,
        // The CodePipeline user guide's service role policy for the artifact bucket, scoped to this bucket. The
        // CodeStar connection source action uploads the source zip with an ACL (bucket-owner-full-control), and S3
        // authorizes a PutObject that sets an ACL as s3:PutObjectAcl too ("Upload to S3 failed ... Access Denied"
        // without it, aws-cdk#13557).
        {
          sid: "PipelineArtifacts",
          actions: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:PutObjectAcl"],
          resources: [bucketObjects],
        },
        { sid: "ArtifactBucket", actions: ["s3:GetBucketAcl", "s3:GetBucketLocation", "s3:GetBucketVersioning"], resources: [this.bucket.arn] },
        artifactKeyUse,
        { sid: "RunBuild", actions: ["codebuild:BatchGetBuilds", "codebuild:StartBuild"], resources: [this.project.arn] },
        {
          sid: "DeployService",
          actions: ["ecs:DescribeServices", "ecs:UpdateService"],
          resources: [`${ecsPrefix}:service/${props.ecs.clusterName}/${props.ecs.serviceName}`],
        },
        {
          // The deploy action watches the new tasks come up; scoped by the cluster condition.
          sid: "WatchDeployment",
          actions: ["ecs:DescribeTasks", "ecs:ListTasks"],
          resources: ["*"],
          condition: [{ test: "ArnEquals", variable: "ecs:cluster", values: [`${ecsPrefix}:cluster/${props.ecs.clusterName}`] }],
        },
        // The deploy action describes the service's task definition and registers a new revision of its family.
        // Service Authorization Reference (ECS): DescribeTaskDefinition has no resource type, so only "*";
        // RegisterTaskDefinition requires the task-definition type (task-definition/<family>:<revision>).
        { sid: "DescribeTaskDefinition", actions: ["ecs:DescribeTaskDefinition"], resources: ["*"] },
        {
          sid: "RegisterTaskDefinition",
          actions: ["ecs:RegisterTaskDefinition"],
          resources: [`${ecsPrefix}:task-definition/${props.ecs.taskFamily}:*`],
        },
        {
          sid: "TagNewTaskDefinition",
          actions: ["ecs:TagResource"],
          resources: [`${ecsPrefix}:task-definition/${props.ecs.taskFamily}:*`],
          condition: [{ test: "StringEquals", variable: "ecs:CreateAction", values: ["RegisterTaskDefinition"] }],
        },
        {
          sid: "PassTaskRoles",
          actions: ["iam:PassRole"],
          resources: props.ecs.passRoleArns,
          condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["ecs-tasks.amazonaws.com"] }],
        },
      ],
    });
    const pipelinePolicy = new IamRolePolicy(this, "pipeline_policy", {
      name: "least-privilege",
      role: this.pipelineRole.id,
      policy: pipelinePermissions.json,
    });

    this.pipeline = new Codepipeline(this, "pipeline", {
      name: names.pipeline,
      roleArn: this.pipelineRole.arn,
      // The GitHub v1 action belongs to V1 pipelines; CodeStar connections work with V2.
      pipelineType: source === "codestar-connection" ? "V2" : "V1",
      artifactStore: [{ type: "S3", location: this.bucket.bucket, encryptionKey: { id: this.artifactKey.arn, type: "KMS" } }],
      stage: [
        { name: "Source", action: [sourceAction] },
        {
          name: "Build",
          action: [
            {
              name: "Build_app",
              category: "Build",
              owner: "AWS",
              provider: "CodeBuild",
              version: "1",
              inputArtifacts: ["SourceArtifact"],
              outputArtifacts: ["BuildArtifact_app"],
              configuration: { ProjectName: this.project.name },
            },
          ],
        },
        {
          name: "Deploy",
          action: [
            {
              name: "Deploy_app",
              category: "Deploy",
              owner: "AWS",
              provider: "ECS",
              version: "1",
              inputArtifacts: ["BuildArtifact_app"],
              configuration: {
                ClusterName: props.ecs.clusterName,
                ServiceName: props.ecs.serviceName,
                FileName: "imagedefinitions.json",
              },
            },
          ],
        },
      ],
      dependsOn: [pipelinePolicy],
    });
    if (source === "github-oauth") {
      suppressRule(
        this.pipeline,
        "QS-SEC-001",
        "pipelineSource github-oauth is the opt-in blueprint mode; it puts the token into state by design and the README says so. The default (CodeStar connection) has no secret.",
      );
    }

    new CodestarnotificationsNotificationRule(this, "notification_rule", {
      name: names.notificationRule,
      resource: this.pipeline.arn,
      detailType: "BASIC",
      eventTypeIds: [
        "codepipeline-pipeline-action-execution-succeeded",
        "codepipeline-pipeline-action-execution-failed",
      ],
      target: [{ address: this.topic.arn, type: "SNS" }],
    });
  }
}
