import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Construct } from "constructs";
import { AssetType, TerraformAsset } from "cdktf";
import { BuildOptions, buildSync, version as esbuildVersion } from "esbuild";
import { zipSync } from "fflate";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { BuildCache } from "../build-cache";
import { serviceTrustPolicy } from "../iam";
import { serviceLogGroup } from "../log-group";

/** The project folder (where `cdktf.json` and `app-code/` are); bundle paths are relative to it. */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

/** Lambda runtime: Node.js 24 is supported by AWS until 2028 (nodejs22.x only until April 2027). */
export const LAMBDA_RUNTIME = "nodejs24.x";

export interface BundleOptions {
  /** Handler source, relative to the project folder, e.g. `app-code/target-setter/index.ts`. */
  readonly entry: string;
  /**
   * Bundle the AWS SDK v3 into the zip instead of using the copy the Lambda runtime ships. Bundling pins the
   * version the tests ran with, at the cost of a bigger zip and a slower synth. @default false
   */
  readonly bundleAwsSdk?: boolean;
}

export interface Bundle {
  /** The deterministic zip: one `index.js`, fixed timestamps and permissions. */
  readonly zip: Uint8Array;
  /** Base64 SHA-256 of the zip, as Lambda's `source_code_hash` wants it. */
  readonly sha256: string;
  /** Taken from the build cache (no esbuild run): every file the last build read is unchanged. */
  readonly fromCache: boolean;
}

/**
 * The default build cache of the handler zips, in node_modules (never committed, gone with a fresh install).
 * Delete the folder to force a rebuild.
 */
export const BUNDLE_CACHE = new BuildCache(path.join(PROJECT_ROOT, "node_modules", ".cache", "qs-lambda-bundles"), PROJECT_ROOT);

/**
 * Files a bundle depends on besides the modules esbuild reports reading: the dependency versions (a package's
 * package.json decides which of its files is loaded) and the project's compiler options.
 */
const BUNDLE_CONFIG_INPUTS = ["package-lock.json", "package.json", "tsconfig.json"];

/** Part of the cache key: changes whenever the zip's layout changes here. */
const ZIP_LAYOUT = "index.js, 1980-01-01, 0644, deflate 9";

/** A fixed local time for every zip entry: zip stores local wall-clock fields, so this is the same in any zone. */
const ZIP_MTIME = new Date(1980, 0, 1, 0, 0, 0);

/**
 * Bundles a TypeScript handler with esbuild (no type-checking: `npm test` runs tsc once for the project)
 * into a zip whose bytes depend only on the sources: paths in the bundle are relative to the project folder,
 * and the zip entry has a fixed time and mode, so the same input gives the same hash on any machine.
 *
 * The zip comes from `cache` when no file the last build read has changed since (a synth, and each test file
 * that synthesizes, would otherwise start esbuild for every handler); `null` builds without a cache.
 */
export function bundleHandler(options: BundleOptions, cache: BuildCache | null = BUNDLE_CACHE): Bundle {
  const entry = path.join(PROJECT_ROOT, options.entry);
  if (!fs.existsSync(entry)) {
    throw new Error(`Lambda entry ${options.entry} does not exist (looked in ${path.relative(process.cwd(), entry) || "."}).`);
  }
  const buildOptions: BuildOptions = {
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [options.entry],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    outfile: "index.js",
    write: false,
    minify: true,
    keepNames: true,
    sourcemap: false,
    legalComments: "none",
    logLevel: "silent",
    // The Node.js Lambda runtimes include the AWS SDK for JavaScript v3.
    external: options.bundleAwsSdk ? [] : ["@aws-sdk/*", "@smithy/*"],
  };
  const key = JSON.stringify({ esbuild: esbuildVersion, zip: ZIP_LAYOUT, buildOptions });
  const sha256 = (zip: Uint8Array) => crypto.createHash("sha256").update(zip).digest("base64");
  const cached = cache?.get(key);
  if (cached) return { zip: cached, sha256: sha256(cached), fromCache: true };

  const result = buildSync({ ...buildOptions, metafile: true });
  const code = result.outputFiles?.[0]?.contents;
  if (!code) throw new Error(`esbuild wrote no output for ${options.entry}`);
  const zip = zipSync({ "index.js": [code, { mtime: ZIP_MTIME, os: 3, attrs: 0o644 << 16, level: 9 }] });
  cache?.set(key, [...Object.keys(result.metafile.inputs), ...BUNDLE_CONFIG_INPUTS], zip);
  return { zip, sha256: sha256(zip), fromCache: false };
}

export interface BundledFunctionProps {
  /** Lambda function name; also names its role (`<name>-role`), log group and failure queue. */
  readonly functionName: string;
  readonly description: string;
  /** This account's id: the role trusts Lambda only on behalf of it (confused-deputy guard). */
  readonly accountId: string;
  /** Handler source relative to the project folder; it must export `handler`. */
  readonly entry: string;
  /** Environment variables. @default none */
  readonly environment?: Record<string, string>;
  /** IAM statements of the function's own role, besides logging and its failure queue. */
  readonly statements: DataAwsIamPolicyDocumentStatement[];
  /** @default 256 */
  readonly memorySize?: number;
  /** Seconds. @default 60 */
  readonly timeout?: number;
  /** Days of log retention. @default 30 */
  readonly logRetentionDays?: number;
  /** @default false, see `BundleOptions.bundleAwsSdk` */
  readonly bundleAwsSdk?: boolean;
}

/**
 * A Lambda function from a TypeScript handler in `app-code/`, bundled at synth time into a deterministic zip
 * (a cdktf asset in `cdktf.out`), on Node.js 24, with:
 *  - its own role trusted by lambda.amazonaws.com from this account, allowed only `statements` plus writing to
 *    its own log group and sending to its own failure queue (no shared role, no managed policy);
 *  - its own log group `/aws/lambda/<name>` with retention, created before the function so Lambda does not
 *    create one without retention;
 *  - an encrypted SQS dead-letter queue `<name>-failures` for asynchronous invocations (EventBridge) that fail
 *    after Lambda's retries.
 */
export class BundledFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly failureQueue: SqsQueue;
  readonly asset: TerraformAsset;

  constructor(scope: Construct, id: string, props: BundledFunctionProps) {
    super(scope, id);
    const bundle = bundleHandler({ entry: props.entry, bundleAwsSdk: props.bundleAwsSdk });
    // The asset copies this file into cdktf.out; its folder name is the content hash, so it never goes stale.
    const hashHex = Buffer.from(bundle.sha256, "base64").toString("hex");
    const stagingDir = path.join(os.tmpdir(), "qs-lambda-bundles", hashHex);
    const zipPath = path.join(stagingDir, "function.zip");
    if (!fs.existsSync(zipPath)) {
      fs.mkdirSync(stagingDir, { recursive: true });
      fs.writeFileSync(`${zipPath}.${process.pid}`, bundle.zip);
      fs.renameSync(`${zipPath}.${process.pid}`, zipPath);
    }
    this.asset = new TerraformAsset(this, "bundle", { path: zipPath, type: AssetType.FILE, assetHash: hashHex.slice(0, 32) });

    this.logGroup = serviceLogGroup(this, "logs", {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays,
    });
    this.failureQueue = new SqsQueue(this, "failures", {
      name: `${props.functionName}-failures`,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 1_209_600,
    });

    const trust = serviceTrustPolicy(this, "trust", { service: "lambda.amazonaws.com", accountId: props.accountId });
    this.role = new IamRole(this, "role", {
      name: `${props.functionName}-role`,
      description: `Role of the Lambda function ${props.functionName}`,
      assumeRolePolicy: trust.json,
    });
    const permissions = new DataAwsIamPolicyDocument(this, "permissions", {
      statement: [
        ...props.statements,
        {
          sid: "OwnLogGroup",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${this.logGroup.arn}:*`],
        },
        { sid: "OwnFailureQueue", actions: ["sqs:SendMessage"], resources: [this.failureQueue.arn] },
      ],
    });
    const policy = new IamRolePolicy(this, "policy", { name: "least-privilege", role: this.role.id, policy: permissions.json });

    this.function = new LambdaFunction(this, "function", {
      functionName: props.functionName,
      description: props.description,
      role: this.role.arn,
      runtime: LAMBDA_RUNTIME,
      architectures: ["arm64"],
      handler: "index.handler",
      filename: this.asset.path,
      sourceCodeHash: bundle.sha256,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? 60,
      environment: props.environment ? { variables: props.environment } : undefined,
      loggingConfig: { logFormat: "JSON", logGroup: this.logGroup.name },
      deadLetterConfig: { targetArn: this.failureQueue.arn },
      dependsOn: [this.logGroup, policy],
    });
  }
}
