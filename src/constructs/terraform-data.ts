import { Construct } from "constructs";
import { anyToHclTerraform, anyToTerraform, hashMapper, hashMapperHcl, TerraformMetaArguments, TerraformResource } from "cdktf";

/** The arguments of `terraform_data` plus Terraform's meta-arguments (provisioners, depends_on, lifecycle …). */
export interface TerraformDataProps extends TerraformMetaArguments {
  /** Stored in the state; a change replaces the resource (and re-runs its provisioners). @default none */
  readonly triggersReplace?: Record<string, string>;
  /** Stored in the state and reflected in `output`. @default none */
  readonly input?: Record<string, string>;
}

/**
 * Terraform's built-in `terraform_data` resource (Terraform >= 1.4, no provider), synthesized exactly as cdktf's
 * `DataResource`. That class also attaches a synth-time validation that runs `terraform version` on the machine
 * that synthesizes: once per resource and synth (a process spawn each, most of a whole-app synth's time here), and
 * a failed synth where no Terraform is installed, although synth needs none. The version belongs to the machine
 * that plans: `BaseStack` declares `required_version`, which Terraform itself enforces there.
 */
export class TerraformData extends TerraformResource {
  static readonly tfResourceType = "terraform_data";

  private readonly triggersReplaceValue?: Record<string, string>;
  private readonly inputValue?: Record<string, string>;

  constructor(scope: Construct, id: string, props: TerraformDataProps = {}) {
    const { triggersReplace, input, ...meta } = props;
    super(scope, id, { ...meta, terraformResourceType: TerraformData.tfResourceType, terraformGeneratorMetadata: { providerName: "terraform" } });
    this.triggersReplaceValue = triggersReplace;
    this.inputValue = input;
  }

  get id(): string {
    return this.getStringAttribute("id");
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return {
      input: hashMapper(anyToTerraform)(this.inputValue),
      triggers_replace: hashMapper(anyToTerraform)(this.triggersReplaceValue),
    };
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    return {
      input: hashMapperHcl(anyToHclTerraform)(this.inputValue),
      triggers_replace: hashMapperHcl(anyToHclTerraform)(this.triggersReplaceValue),
    };
  }
}
