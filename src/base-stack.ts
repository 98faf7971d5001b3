import { Construct, Node } from "constructs";
import { LocalBackend, S3Backend, TerraformElement, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { GlobalSettings } from "./settings";

/**
 * The Terraform versions every stack accepts, declared as `required_version` so that Terraform checks it on the
 * machine that plans (not the one that synthesizes): 1.10 for the S3 backend's lock file, and the version
 * `.terraform-version` pins (1.11.4) is the one the project is checked with.
 */
export const REQUIRED_TERRAFORM_VERSION = ">= 1.10";

export interface BaseStackProps {
  /** The global settings (every stack's settings include them). */
  readonly settings: GlobalSettings;
  /** Value of the `Blueprint` default tag (the blueprint tags each stack with its own name). */
  readonly blueprintTag: string;
}

/**
 * What every stack of this app has: the Terraform version it needs, the AWS provider with the default tags, the
 * state backend, and readable Terraform addresses.
 *
 * Addresses: cdktf's default logical id appends a hash of the construct path (`network_vpc_2B4E8E58`). Here a
 * resource is named by its path inside the stack joined with `_` (`network_vpc`), so `terraform state list`,
 * plan output and findings read like hand-written Terraform. Two paths that would give the same name fail the
 * synth instead of silently sharing one.
 */
export abstract class BaseStack extends TerraformStack {
  private readonly allocatedIds = new Map<string, string>();

  constructor(scope: Construct, id: string, props: BaseStackProps) {
    super(scope, id);
    const { settings } = props;
    this.addOverride("terraform.required_version", REQUIRED_TERRAFORM_VERSION);

    new AwsProvider(this, "aws", {
      region: settings.region,
      defaultTags: [
        { tags: { Blueprint: props.blueprintTag, GithubRepo: settings.githubRepoTag, ...settings.extraTags } },
      ],
    });

    if (settings.stateBucket) {
      const backend = new S3Backend(this, {
        bucket: settings.stateBucket,
        key: `${settings.stateKeyPrefix}/${id}.tfstate`,
        region: settings.stateRegion ?? settings.region,
        encrypt: true,
      });
      // Terraform >= 1.10 locks with a lock object next to the state; cdktf 0.21's typed config predates it.
      backend.addOverride("use_lockfile", true);
    } else {
      // Terraform runs in cdktf.out/stacks/<stack>; this path is the project folder, with no absolute path in
      // the output (cdktf's default would write the machine's working directory into the JSON).
      new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });
    }
  }

  protected allocateLogicalId(tfElement: TerraformElement | Node): string {
    const node = TerraformElement.isTerraformElement(tfElement) ? tfElement.node : tfElement;
    const scopes = node.scopes;
    const components = scopes.slice(scopes.indexOf(this) + 1).map((c) => c.node.id);
    const logicalId = components.join("_").replace(/[^A-Za-z0-9_-]/g, "_");
    const path = node.path;
    const owner = this.allocatedIds.get(logicalId);
    if (owner !== undefined && owner !== path) {
      throw new Error(`Terraform name "${logicalId}" is claimed by both ${owner} and ${path}; rename one construct.`);
    }
    this.allocatedIds.set(logicalId, path);
    return logicalId;
  }
}
