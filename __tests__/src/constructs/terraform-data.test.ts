// The module object itself (a namespace import would be a copy that the spy cannot reach).
import childProcess from "node:child_process";
import { DataResource, TerraformOutput, TerraformStack, Testing } from "cdktf";
import { TerraformData, TerraformDataProps } from "../../../src/constructs/terraform-data";

const props: TerraformDataProps = {
  triggersReplace: { image: "repo:tag", source_hash: "abc" },
  input: { note: "kept in the state" },
  provisioners: [{ type: "local-exec", command: "docker build .", workingDir: "${path.module}/app" }],
};

describe("TerraformData", () => {
  it("synthesizes the same terraform_data block as cdktf's DataResource", () => {
    const ours = new TerraformStack(Testing.app(), "ours");
    new TerraformData(ours, "build", props);
    const theirs = new TerraformStack(Testing.app(), "theirs");
    new DataResource(theirs, "build", props);
    const block = (stack: TerraformStack) => JSON.parse(Testing.synth(stack)).resource.terraform_data.build;
    expect(block(ours)).toEqual(block(theirs));
    expect(block(ours)).toMatchObject({ triggers_replace: props.triggersReplace, input: props.input });
  });

  it("refers to its id as terraform_data.<name>.id", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    new TerraformOutput(stack, "marker_id", { value: new TerraformData(stack, "marker").id });
    expect(JSON.parse(Testing.synth(stack)).output.marker_id.value).toBe("${terraform_data.marker.id}");
  });

  it("runs no command when validated, so synth needs no Terraform (DataResource's validation runs `terraform version`)", () => {
    const execSync = jest.spyOn(childProcess, "execSync").mockImplementation(() => {
      throw new Error("spawn terraform ENOENT");
    });
    try {
      const stack = new TerraformStack(Testing.app(), "s");
      const ours = new TerraformData(stack, "ours", props);
      const theirs = new DataResource(stack, "theirs", props);
      expect(ours.node.validate()).toEqual([]);
      expect(execSync).not.toHaveBeenCalled();
      expect(theirs.node.validate()).toEqual([expect.stringContaining("Could not determine version of terraform")]);
      expect(execSync).toHaveBeenCalledWith("terraform version", expect.anything());
    } finally {
      execSync.mockRestore();
    }
  });
});
