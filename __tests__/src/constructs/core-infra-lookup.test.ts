import { Testing } from "cdktf";
import { CoreInfraLookup } from "../../../src/constructs/core-infra-lookup";
import { constructStack, TerraformJson } from "../../helpers";

describe("CoreInfraLookup", () => {
  it("looks up public subnets and private route tables only when asked, once each", () => {
    const stack = constructStack();
    const core = new CoreInfraLookup(stack, "core", { coreInfraName: "core-infra" });
    const before = JSON.parse(Testing.synth(stack)) as TerraformJson;
    expect(Object.keys(before.data ?? {}).sort()).toEqual(["aws_ecs_cluster", "aws_iam_role", "aws_subnets", "aws_vpc"]);
    expect(core.publicSubnets()).toBe(core.publicSubnets());
    expect(core.privateRouteTables()).toBe(core.privateRouteTables());
    const after = JSON.parse(Testing.synth(stack)) as TerraformJson;
    expect(after.data?.aws_subnets?.core_public_subnets.filter).toEqual([
      { name: "vpc-id", values: ["${data.aws_vpc.core_vpc.id}"] },
      { name: "tag:Name", values: ["core-infra-public-*"] },
    ]);
    expect(after.data?.aws_route_tables?.core_private_route_tables).toMatchObject({
      vpc_id: "${data.aws_vpc.core_vpc.id}",
      filter: [{ name: "tag:Name", values: ["core-infra-private"] }],
    });
  });
});
