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
import { RegistryImage } from "@cdktf/provider-docker/lib/registry-image";
import { suppressRule } from "../suppress";
import { PROJECT_ROOT } from "./bundled-function";
import { TerraformData } from "./terraform-data";

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
   * Build the image (`docker build`) and push it (docker provider) during apply, so the first deploy has an image.
   * Needs a Docker engine only for an apply that builds, i.e. when the build context changed. @default true
   */
  readonly buildOnDeploy?: boolean;
  /** Images the lifecycle policy keeps besides the newest KEEP_SOURCE_IMAGES `src-` images. @default 30 */
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

/** What the build context and Dockerfile paths may contain (they go into a shell command line). */
const SAFE_PATH = /^(?!\/)[\w.\/-]+$/;

/** Tag prefix of the images `terraform apply` builds; the pipeline's commit tags never start with it. */
export const SOURCE_TAG_PREFIX = "src-";

/** `src-` images the lifecycle policy keeps, newest first: the one the task definition names is the newest. */
export const KEEP_SOURCE_IMAGES = 5;

/**
 * The worker's ECR repository (immutable tags, scan on push, force delete, pull access for the execution role, a
 * lifecycle policy) and, unless turned off, the first image: built from `app-code/` and pushed with the tag
 * `src-<hash of the build context>`. The pipeline later pushes commit-hash tags; immutable tags keep both apart.
 *
 * How the image gets there, and why not with `docker_image`: the kreuzwerker/docker provider (3.6.2) reads a
 * `docker_image` on every refresh from the Docker engine's image list (resourceDockerImageRead calls ImageList and
 * ImageInspect), so once one is in state every `terraform plan` needs a running engine, and on a machine without
 * the local image it plans a rebuild. `docker_registry_image` is read from the registry over HTTPS
 * (resourceDockerRegistryImageRead asks the registry for the tag's digest) and needs no engine. So the build is a
 * `terraform_data` whose local-exec runs `docker build`, replaced only when the build context's hash (or the
 * image name) changes, and the push stays with the docker provider's `docker_registry_image`, which pushes the
 * locally built image when it is created. A plan without a code change reads only the registry; an apply that
 * builds a changed `app-code/` needs a Docker engine.
 *
 * The docker provider gets its registry credentials from `aws_ecr_authorization_token` without a registry id:
 * the account's default registry, where this repository lives. A provider configuration may only use values
 * known at plan time, and a registry id taken from the repository resource is unknown until the repository
 * exists (the provider then falls back to ~/.docker/config.json and fails where that file is missing).
 */
export class WorkerImage extends Construct {
  readonly repository: EcrRepository;
  /** The tag of the image the task definition starts with. */
  readonly tag: string;
  /** `<repository url>:<tag>`. */
  readonly imageUri: string;
  /** The `docker build` at apply time, when `buildOnDeploy`. */
  readonly build?: TerraformData;
  /** The push, when `buildOnDeploy`; the service should depend on it. */
  readonly push?: RegistryImage;

  constructor(scope: Construct, id: string, props: WorkerImageProps) {
    super(scope, id);
    const contextDir = props.contextDir ?? "app-code";
    const dockerfile = props.dockerfile ?? "worker/Dockerfile";
    const keepImages = props.keepImages ?? 30;
    // Both go into the build's command line as they are: no character a shell would read, and they must exist.
    for (const [name, value] of [["contextDir", contextDir], ["dockerfile", dockerfile]]) {
      if (!SAFE_PATH.test(value)) {
        throw new Error(`WorkerImage ${name} "${value}" is not allowed: use a relative path of letters, digits and _ . / - only.`);
      }
    }
    if (!fs.existsSync(path.join(PROJECT_ROOT, contextDir, dockerfile))) {
      throw new Error(`WorkerImage dockerfile "${dockerfile}" does not exist in the build context "${contextDir}" (project folder).`);
    }
    const contextHash = hashTree(path.join(PROJECT_ROOT, contextDir));
    this.tag = `${SOURCE_TAG_PREFIX}${contextHash.slice(0, 12)}`;

    this.repository = new EcrRepository(this, "repository", {
      name: props.repositoryName,
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      forceDelete: true,
    });
    suppressRule(
      this.repository,
      "QS-ECR-003",
      "The images hold the worker's code, built from this repository, and no data or secret; ECR encrypts them at rest with AES-256. A KMS key would add a key and a KMS request per layer pulled for nothing that needs a key of its own.",
    );
    this.imageUri = `${this.repository.repositoryUrl}:${this.tag}`;
    new EcrLifecyclePolicy(this, "lifecycle", {
      repository: this.repository.name,
      policy: JSON.stringify({
        rules: [
          {
            // An image a higher-priority rule selects is never expired by a lower one (ECR's lifecycle rules), so
            // pipeline pushes cannot expire the image the Terraform state and the task definition point at.
            rulePriority: 1,
            description: `Keep the newest ${KEEP_SOURCE_IMAGES} images built by terraform apply`,
            selection: { tagStatus: "tagged", tagPrefixList: [SOURCE_TAG_PREFIX], countType: "imageCountMoreThan", countNumber: KEEP_SOURCE_IMAGES },
            action: { type: "expire" },
          },
          {
            rulePriority: 2,
            description: `Keep the newest ${keepImages} other images`,
            selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keepImages },
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
      // No registry_id: the account's default registry, known at plan time (see the class comment).
      const token = new DataAwsEcrAuthorizationToken(this, "registry_token", {});
      const docker = new DockerProvider(this, "docker", {
        // The provider pings the engine when it is configured unless told not to: plan needs no engine.
        disableDockerDaemonCheck: true,
        registryAuth: [{ address: token.proxyEndpoint, username: token.userName, password: token.password }],
      });
      this.build = new TerraformData(this, "build", {
        // Replaced (and so rebuilt) only when what the image is built from, or its name, changes.
        triggersReplace: { image: this.imageUri, source_hash: contextHash },
        provisioners: [
          {
            type: "local-exec",
            // Terraform runs in cdktf.out/stacks/<stack>; the build context is the project's app-code folder.
            workingDir: `\${path.module}/../../../${contextDir}`,
            // The paths are checked above and an ECR repository URL has no shell metacharacters, so one
            // command line works in sh and in cmd.exe.
            command: `docker build --platform linux/amd64 --file ${dockerfile} --tag ${this.imageUri} .`,
          },
        ],
      });
      this.push = new RegistryImage(this, "push", {
        provider: docker,
        name: this.imageUri,
        keepRemotely: true,
        triggers: { source_hash: contextHash },
        dependsOn: [this.build],
      });
    }
  }
}
