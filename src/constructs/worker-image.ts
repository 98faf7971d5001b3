import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { Construct } from "constructs";
import { DataAwsEcrAuthorizationToken } from "@cdktf/provider-aws/lib/data-aws-ecr-authorization-token";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { EcrRepositoryPolicy } from "@cdktf/provider-aws/lib/ecr-repository-policy";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { Image } from "@cdktf/provider-docker/lib/image";
import { RegistryImage } from "@cdktf/provider-docker/lib/registry-image";
import { PROJECT_ROOT } from "./bundled-function";

export interface WorkerImageProps {
  /** ECR repository name. */
  readonly repositoryName: string;
  /** Docker build context relative to the project folder. @default "app-code" */
  readonly contextDir?: string;
  /** Dockerfile relative to the build context. @default "worker/Dockerfile" */
  readonly dockerfile?: string;
  /** Role that pulls the image (the ECS task execution role); gets read access in the repository policy. */
  readonly pullRoleArn: string;
  /**
   * Build the image with the docker provider and push it during apply, so the first deploy has an image.
   * Needs a Docker engine at apply time only. @default true
   */
  readonly buildOnDeploy?: boolean;
  /** Images the lifecycle policy keeps. @default 30 */
  readonly keepImages?: number;
}

/** Folders in the build context that are not sources (and must not change the tag). */
const NOT_SOURCES = new Set(["node_modules", "dist", "coverage", ".cache", ".git"]);

/**
 * The patterns of a `.dockerignore` as a predicate on context-relative posix paths, with Docker's rules: `*` and
 * `?` stay inside one path segment, `**` spans any number of them, a leading `/` is dropped, `!` re-includes what
 * an earlier pattern excluded (the last matching pattern wins), and a path is excluded when it or one of its
 * parent folders matches. Character classes (`[a-z]`) are not supported: such a pattern matches literally.
 */
export function dockerignoreFilter(text: string): (relPath: string) => boolean {
  const rules = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const include = line.startsWith("!");
      const glob = path.posix.normalize((include ? line.slice(1) : line).trim()).replace(/^\/+|\/+$/g, "");
      const source = glob
        .split(/(\*\*\/?|\*|\?)/)
        .map((part) =>
          part === "**/" ? "(?:.*/)?" : part === "**" ? ".*" : part === "*" ? "[^/]*" : part === "?" ? "[^/]" : part.replace(/[.+^${}()|[\]\\]/g, "\\$&"),
        )
        .join("");
      return { include, re: new RegExp(`^${source}$`) };
    });
  return (relPath) => {
    const segments = relPath.split("/");
    const candidates = segments.map((_, i) => segments.slice(0, i + 1).join("/"));
    let excluded = false;
    for (const rule of rules) {
      if (candidates.some((candidate) => rule.re.test(candidate))) excluded = !rule.include;
    }
    return excluded;
  };
}

/**
 * SHA-256 over the relative posix paths and contents of every file under `dir` that a Docker build with `dir`
 * as its context receives (its `.dockerignore` applied), in sorted order: the same sources give the same hash on
 * any machine, whatever the file times or the checkout folder, and a file the image is not built from (a Lambda
 * handler next to the worker) does not change it.
 */
export function hashTree(dir: string): string {
  const ignorePath = path.join(dir, ".dockerignore");
  const ignored = fs.existsSync(ignorePath) ? dockerignoreFilter(fs.readFileSync(ignorePath, "utf8")) : () => false;
  const hash = crypto.createHash("sha256");
  const walk = (rel: string) => {
    const entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!NOT_SOURCES.has(entry.name)) walk(child);
      } else if (entry.isFile() && !ignored(child)) {
        hash.update(child).update("\0").update(fs.readFileSync(path.join(dir, child))).update("\0");
      }
    }
  };
  walk("");
  return hash.digest("hex");
}

/**
 * The worker's ECR repository (immutable tags, scan on push, force delete, keeps the newest `keepImages`
 * images, pull access for the execution role) and, unless turned off, the first image: built from `app-code/`
 * by the docker provider and pushed with the tag `src-<hash of the build context>`, with registry
 * credentials from `aws_ecr_authorization_token` (they live in the provider configuration, not in a resource).
 * The pipeline later pushes commit-hash tags; immutable tags keep both meanings apart.
 *
 * The docker provider is configured with `disable_docker_daemon_check`, so `terraform plan` works on a machine
 * without a Docker engine; only the apply that builds the image needs one.
 */
export class WorkerImage extends Construct {
  readonly repository: EcrRepository;
  /** The tag of the image the task definition starts with. */
  readonly tag: string;
  /** `<repository url>:<tag>`. */
  readonly imageUri: string;
  /** The push, when `buildOnDeploy`; the service should depend on it. */
  readonly push?: RegistryImage;

  constructor(scope: Construct, id: string, props: WorkerImageProps) {
    super(scope, id);
    const contextDir = props.contextDir ?? "app-code";
    const contextHash = hashTree(path.join(PROJECT_ROOT, contextDir));
    this.tag = `src-${contextHash.slice(0, 12)}`;

    this.repository = new EcrRepository(this, "repository", {
      name: props.repositoryName,
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      forceDelete: true,
    });
    this.imageUri = `${this.repository.repositoryUrl}:${this.tag}`;
    new EcrLifecyclePolicy(this, "lifecycle", {
      repository: this.repository.name,
      policy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: `Keep the newest ${props.keepImages ?? 30} images`,
            selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: props.keepImages ?? 30 },
            action: { type: "expire" },
          },
        ],
      }),
    });
    const pull = new DataAwsIamPolicyDocument(this, "pull_policy", {
      statement: [
        {
          sid: "ExecutionRolePull",
          principals: [{ type: "AWS", identifiers: [props.pullRoleArn] }],
          actions: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        },
      ],
    });
    new EcrRepositoryPolicy(this, "repository_policy", { repository: this.repository.name, policy: pull.json });

    if (props.buildOnDeploy ?? true) {
      const token = new DataAwsEcrAuthorizationToken(this, "registry_token", { registryId: this.repository.registryId });
      const docker = new DockerProvider(this, "docker", {
        disableDockerDaemonCheck: true,
        registryAuth: [{ address: token.proxyEndpoint, username: token.userName, password: token.password }],
      });
      const image = new Image(this, "image", {
        provider: docker,
        name: this.imageUri,
        keepLocally: true,
        // Terraform runs in cdktf.out/stacks/<stack>; the build context is the project's app-code folder.
        buildAttribute: {
          context: `\${path.module}/../../../${contextDir}`,
          dockerfile: props.dockerfile ?? "worker/Dockerfile",
          platform: "linux/amd64",
        },
        triggers: { source_hash: contextHash },
      });
      this.push = new RegistryImage(this, "push", {
        provider: docker,
        name: image.name,
        keepRemotely: true,
        triggers: { source_hash: contextHash },
      });
    }
  }
}
