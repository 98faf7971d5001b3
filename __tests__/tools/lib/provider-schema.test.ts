import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { argumentOf, camelCase, hasAttribute, loadProviderSchema, unknownAttributeIn } from "../../../tools/lib/provider-schema";

test("camelCase converts Terraform names the way cdktf names jsii properties", () => {
  expect(camelCase("cidr_block")).toBe("cidrBlock");
  expect(camelCase("ipv6_cidr_block")).toBe("ipv6CidrBlock");
  expect(camelCase("m2ts_settings")).toBe("m2TsSettings");
  expect(camelCase("address_line_1")).toBe("addressLine1");
  expect(camelCase("region")).toBe("region");
});

describe("schema cache", () => {
  let cacheDir: string;
  beforeEach(() => (cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "qs-schema-"))));
  afterEach(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  // The docker package's assembly is small (1.3 MB), so the extraction itself runs here; aws is the same code.
  test("extracts once from the jsii assembly, then reads the cache keyed by package and version", () => {
    const first = loadProviderSchema("@cdktf/provider-docker", { cacheDir });
    expect(first.cached).toBe(false);
    expect(path.basename(first.cacheFile)).toMatch(/^_cdktf_provider-docker-12\.0\.3-schema\d+\.json$/);
    expect(fs.readdirSync(cacheDir)).toEqual([path.basename(first.cacheFile)]); // no temp file left behind

    const second = loadProviderSchema("@cdktf/provider-docker", { cacheDir });
    expect(second.cached).toBe(true);
    expect(second.schema).toEqual(first.schema);

    const { schema } = second;
    expect(schema.source).toBe("registry.terraform.io/kreuzwerker/docker");
    expect(schema.providerVersion).toBe("3.6.2");
    const image = schema.resources.docker_image;
    const body = schema.blocks[image.block];
    expect(argumentOf(body, "name")).toEqual({ kind: "attribute", required: true, type: { kind: "string" } });
    expect(argumentOf(body, "build")).toMatchObject({ kind: "block", required: false, nesting: "single" });
    expect(hasAttribute(schema, image, "image_id")).toBe(true); // computed only: a getter, not an argument
    expect(hasAttribute(schema, image, "imageid")).toBe(false);
    expect(Object.keys(schema.dataSources)).toContain("docker_registry_image");
  });

  test("a corrupt or outdated cache file is replaced", () => {
    const { cacheFile } = loadProviderSchema("@cdktf/provider-docker", { cacheDir });
    fs.writeFileSync(cacheFile, "{ truncated");
    expect(loadProviderSchema("@cdktf/provider-docker", { cacheDir }).cached).toBe(false);
    fs.writeFileSync(cacheFile, JSON.stringify({ format: 0 }));
    expect(loadProviderSchema("@cdktf/provider-docker", { cacheDir }).cached).toBe(false);
    expect(loadProviderSchema("@cdktf/provider-docker", { cacheDir }).cached).toBe(true);
  });
});

test("the aws schema (from the shared cache) has the types, arguments and attributes this project uses", () => {
  const { schema } = loadProviderSchema("@cdktf/provider-aws");
  expect(schema.providerVersion).toBe("6.25.0");
  const policy = schema.resources.aws_appautoscaling_policy;
  const body = schema.blocks[policy.block];
  const tracking = argumentOf(body, "target_tracking_scaling_policy_configuration");
  expect(tracking).toMatchObject({ kind: "block", nesting: "single", required: false });
  if (tracking?.kind !== "block") throw new Error("not a block");
  expect(argumentOf(schema.blocks[tracking.block], "target_value")).toMatchObject({ required: true, type: { kind: "number" } });
  expect(argumentOf(body, "region")).toMatchObject({ required: false }); // documented by description, found by camel name
  expect(hasAttribute(schema, policy, "arn")).toBe(true);
  // Nested levels: blocks and computed lists of objects, through the provider's OutputReference classes.
  const service = schema.resources.aws_ecs_service;
  expect(unknownAttributeIn(schema, service, ["network_configuration", "subnets"])).toBeUndefined();
  expect(unknownAttributeIn(schema, service, ["network_configuration", "subnetz"])).toEqual({ name: "subnetz", at: "network_configuration" });
  expect(unknownAttributeIn(schema, schema.resources.aws_eks_cluster, ["certificate_authority", "data"])).toBeUndefined();
  expect(unknownAttributeIn(schema, service, ["tags", "any_key"])).toBeUndefined(); // map keys are free
  expect(schema.dataSources.aws_iam_policy_document).toBeDefined();
});
