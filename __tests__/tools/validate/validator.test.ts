import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DataResource, DataTerraformRemoteStateLocal, Fn, TerraformIterator, TerraformLocal, TerraformOutput, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { Image } from "@cdktf/provider-docker/lib/image";
import { synthesizeApp, TerraformJson } from "../../../tools/lib/synth";
import { Finding, formatFinding, Schemas, validateStack, validateStacks } from "../../../tools/validate/validator";
import { runValidate } from "../../../tools/validate/cli";

const schemas = Schemas.load();

/**
 * A valid stack written the way users write cdktf, with the escape hatches the validator must understand:
 * addOverride (top level and nested), raw expressions and Fn calls, variables, locals, outputs, count, a dynamic
 * block from an iterator, a for expression, an escaped `$${`, a data source, depends_on, ignore_changes, and the
 * docker provider next to aws.
 */
function escapeHatchStack(): TerraformJson {
  const stack = new TerraformStack(Testing.app(), "fixture");
  new AwsProvider(stack, "aws", { region: "us-west-2" });
  new DockerProvider(stack, "docker", {});
  const cidr = new TerraformVariable(stack, "cidr", {
    type: "string",
    default: "10.0.0.0/16",
    validation: [{ condition: "${can(cidrhost(var.cidr, 0))}", errorMessage: "cidr must be a CIDR block." }],
  });
  const ports = new TerraformVariable(stack, "ports", { type: "list(number)", default: [80, 443] });
  const region = new DataAwsRegion(stack, "region");
  const vpc = new Vpc(stack, "main", { cidrBlock: cidr.stringValue, tags: { Name: `core-${region.region}` } });
  vpc.addOverride("lifecycle.ignore_changes", ["tags"]);
  const prefix = new TerraformLocal(stack, "prefix", Fn.lower(`Core-${region.region}`));
  const subnet = new Subnet(stack, "subnet", {
    vpcId: vpc.id,
    cidrBlock: Fn.cidrsubnet(vpc.cidrBlock, 8, 0),
    tags: { Name: `${prefix.asString}-a`, Literal: "$${not_a_reference}" },
    dependsOn: [vpc],
  });
  subnet.addOverride("count", 2);
  subnet.addOverride("cidr_block", "${cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)}");
  const portIterator = TerraformIterator.fromList(ports.listValue);
  new SecurityGroup(stack, "sg", {
    vpcId: vpc.id,
    ingress: portIterator.dynamic({ from_port: portIterator.value, to_port: portIterator.value, protocol: "tcp", cidr_blocks: [vpc.cidrBlock] }),
  });
  const actions = new TerraformVariable(stack, "actions", { type: "list(string)", default: ["s3:GetObject"] });
  new TerraformVariable(stack, "settings", { type: 'map(object({ size = number, name = optional(string, "x"), tags = tuple([bool, any]) }))', default: {} });
  const actionIterator = TerraformIterator.fromList(actions.listValue);
  new DataAwsIamPolicyDocument(stack, "read", {
    statement: actionIterator.dynamic({ actions: [actionIterator.value], resources: ["*"] }),
  });
  // A dynamic block written by hand: its iterator is the block name unless `iterator` says otherwise.
  const write = new DataAwsIamPolicyDocument(stack, "write", {});
  write.addOverride("dynamic.statement", { for_each: actions.listValue, content: { actions: ["${statement.value}"], resources: ["*"] } });
  const trust = new DataAwsIamPolicyDocument(stack, "trust", {
    statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ecs-tasks.amazonaws.com"] }] }],
  });
  new IamRole(stack, "role", { name: "fixture", assumeRolePolicy: trust.json });
  const policy = new AppautoscalingPolicy(stack, "policy", {
    name: "p",
    resourceId: "service/c/s",
    scalableDimension: "ecs:service:DesiredCount",
    serviceNamespace: "ecs",
    policyType: "TargetTrackingScaling",
    targetTrackingScalingPolicyConfiguration: { targetValue: 12, predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" } },
  });
  policy.addOverride("lifecycle.ignore_changes", ["target_tracking_scaling_policy_configuration[0].target_value"]);
  policy.addOverride("lifecycle.replace_triggered_by", ["aws_vpc.main.id"]);
  policy.addOverride("target_tracking_scaling_policy_configuration.scale_in_cooldown", 240);
  new Image(stack, "image", { name: "worker:latest", keepLocally: true });
  // Terraform's built-in provider: terraform_data and terraform_remote_state need no required_providers entry.
  const core = new DataTerraformRemoteStateLocal(stack, "core", { path: "../core/terraform.tfstate" });
  new DataResource(stack, "marker", { input: { vpc: core.getString("vpc_id") } });
  new TerraformOutput(stack, "subnet_ids", { value: "${[for s in aws_subnet.subnet : s.id]}" });
  new TerraformOutput(stack, "first_subnet", { value: "${aws_subnet.subnet[0].id}" });
  new TerraformOutput(stack, "target", { value: "${aws_appautoscaling_policy.policy.target_tracking_scaling_policy_configuration[0].target_value}" });
  new TerraformOutput(stack, "principals", { value: "${data.aws_iam_policy_document.trust.statement[0].principals[0].identifiers}" });
  new TerraformOutput(stack, "vpc_arn_account", { value: "${provider::aws::arn_parse(aws_vpc.main.arn).account_id}" });
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

const fixture = escapeHatchStack();

/** A deep copy of the fixture with one deliberate error planted by `plant`. */
function broken(plant: (json: any) => void): TerraformJson {
  const json = structuredClone(fixture) as any;
  plant(json);
  return json;
}

const findingsOf = async (json: TerraformJson): Promise<Omit<Finding, "stack">[]> =>
  (await validateStack("fixture", json, schemas)).findings.map(({ stack, ...rest }) => {
    expect(stack).toBe("fixture");
    return rest;
  });

describe("validate: the app's stacks", () => {
  test("every stack the app synthesizes passes the offline check", async () => {
    const { outdir, stacks } = synthesizeApp();
    try {
      expect(stacks.length).toBeGreaterThanOrEqual(1);
      const reports = await validateStacks(stacks, schemas);
      for (const report of reports) {
        expect(report.blocks).toBeGreaterThan(0);
        expect({ stack: report.stack, findings: report.findings.map(formatFinding) }).toEqual({ stack: report.stack, findings: [] });
      }
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe("validate: escape hatches", () => {
  test("accepts a valid stack using addOverride, raw expressions, dynamic blocks, count and two providers", async () => {
    expect(fixture.data?.aws_iam_policy_document.read.dynamic).toBeDefined(); // an iterator on a block: dynamic block
    expect(fixture.data?.aws_iam_policy_document.write.dynamic).toEqual({ statement: expect.objectContaining({ content: { actions: ["${statement.value}"], resources: ["*"] } }) });
    expect(fixture.resource?.aws_security_group.sg.ingress).toMatch(/^\$\{\[ for key, val in/); // on an attribute: for expression
    expect(fixture.resource?.aws_subnet.subnet.count).toBe(2);
    expect(Object.keys(fixture.resource ?? {})).toContain("terraform_data");
    expect(Object.keys(fixture.data ?? {})).toContain("terraform_remote_state");
    const report = await validateStack("fixture", fixture, schemas);
    expect(report.findings.map(formatFinding)).toEqual([]);
    expect(report.expressions).toBeGreaterThan(10);
  });
});

describe("validate: planted errors", () => {
  test.each<[string, (json: any) => void, Omit<Finding, "stack"> | Omit<Finding, "stack">[]]>([
    [
      "unknown resource type",
      (j) => (j.resource.aws_vpcc = { x: { cidr_block: "10.0.0.0/16" } }),
      { address: "aws_vpcc.x", attribute: "", rule: "unknown-type", message: 'registry.terraform.io/hashicorp/aws 6.25.0 has no resource type "aws_vpcc"; did you mean "aws_vpc"?' },
    ],
    [
      "unknown data source",
      (j) => (j.data.aws_regoin = { r: {} }),
      { address: "data.aws_regoin.r", attribute: "", rule: "unknown-type", message: 'registry.terraform.io/hashicorp/aws 6.25.0 has no data source "aws_regoin"; did you mean "aws_region"?' },
    ],
    [
      "unknown argument",
      (j) => (j.resource.aws_vpc.main.cidr_blok = "10.1.0.0/16"),
      { address: "aws_vpc.main", attribute: "cidr_blok", rule: "unknown-argument", message: 'unknown argument "cidr_blok"; did you mean "cidr_block"?' },
    ],
    [
      "unknown argument in a nested block",
      (j) => (j.resource.aws_appautoscaling_policy.policy.target_tracking_scaling_policy_configuration.scale_in_cooldwn = 1),
      { address: "aws_appautoscaling_policy.policy", attribute: "target_tracking_scaling_policy_configuration.scale_in_cooldwn", rule: "unknown-argument", message: 'unknown argument "scale_in_cooldwn"; did you mean "scale_in_cooldown"?' },
    ],
    [
      "unknown argument in the provider block",
      (j) => (j.provider.aws[0].regoin = "eu-west-1"),
      { address: "provider.aws", attribute: "regoin", rule: "unknown-argument", message: 'unknown argument "regoin"; did you mean "region"?' },
    ],
    [
      "missing required argument",
      (j) => delete j.resource.aws_subnet.subnet.vpc_id,
      { address: "aws_subnet.subnet", attribute: "vpc_id", rule: "missing-argument", message: 'required argument "vpc_id" is missing' },
    ],
    [
      "missing required argument in a nested block",
      (j) => delete j.resource.aws_appautoscaling_policy.policy.target_tracking_scaling_policy_configuration.target_value,
      { address: "aws_appautoscaling_policy.policy", attribute: "target_tracking_scaling_policy_configuration.target_value", rule: "missing-argument", message: 'required argument "target_value" is missing' },
    ],
    [
      "missing required argument in a list block",
      (j) => delete j.data.aws_iam_policy_document.trust.statement[0].principals[0].type,
      { address: "data.aws_iam_policy_document.trust", attribute: "statement[0].principals[0].type", rule: "missing-argument", message: 'required argument "type" is missing' },
    ],
    [
      "two blocks where at most one is allowed",
      (j) => {
        const block = j.resource.aws_appautoscaling_policy.policy.target_tracking_scaling_policy_configuration;
        j.resource.aws_appautoscaling_policy.policy.target_tracking_scaling_policy_configuration = [block, block];
      },
      { address: "aws_appautoscaling_policy.policy", attribute: "target_tracking_scaling_policy_configuration", rule: "block-shape", message: "allows at most one block, got 2" },
    ],
    [
      "a block set from an expression",
      (j) => (j.data.aws_iam_policy_document.trust.statement = "${var.ports}"),
      { address: "data.aws_iam_policy_document.trust", attribute: "statement", rule: "block-shape", message: "is a block: it cannot be set from an expression or string; use a dynamic block" },
    ],
    [
      "a list attribute given a plain string",
      (j) => (j.data.aws_iam_policy_document.trust.statement[0].actions = "sts:AssumeRole"),
      { address: "data.aws_iam_policy_document.trust", attribute: "statement[0].actions", rule: "value-type", message: "expects a list, got a string" },
    ],
    [
      "a string attribute given an object",
      (j) => (j.resource.aws_vpc.main.cidr_block = { value: "10.0.0.0/16" }),
      { address: "aws_vpc.main", attribute: "cidr_block", rule: "value-type", message: "expects a string, got an object" },
    ],
    [
      "a number attribute given a word",
      (j) => (j.resource.aws_appautoscaling_policy.policy.target_tracking_scaling_policy_configuration.scale_out_cooldown = "four minutes"),
      { address: "aws_appautoscaling_policy.policy", attribute: "target_tracking_scaling_policy_configuration.scale_out_cooldown", rule: "value-type", message: 'expects a number, got a string ("four minutes")' },
    ],
    [
      "a bool attribute given a word",
      (j) => (j.resource.aws_vpc.main.enable_dns_support = "yes"),
      { address: "aws_vpc.main", attribute: "enable_dns_support", rule: "value-type", message: 'expects a bool, got a string ("yes")' },
    ],
    [
      "an expression that does not parse",
      (j) => (j.resource.aws_subnet.subnet.vpc_id = "${aws_vpc.main.id"),
      { address: "aws_subnet.subnet", attribute: "vpc_id", rule: "invalid-expression", message: expect.stringContaining("does not parse: Extra characters after interpolation expression") },
    ],
    [
      "an operator without operand",
      (j) => (j.output.first_subnet.value = "${1 +}"),
      { address: "output.first_subnet", attribute: "value", rule: "invalid-expression", message: expect.stringContaining("does not parse: Invalid expression") },
    ],
    [
      "a function Terraform does not have",
      (j) => (j.output.first_subnet.value = '${jsonencod({a = 1})}'),
      { address: "output.first_subnet", attribute: "value", rule: "unknown-function", message: 'jsonencod() is not a Terraform function; did you mean "jsonencode"?' },
    ],
    [
      "a provider function of an undeclared provider",
      (j) => (j.output.first_subnet.value = "${provider::time::rfc3339_parse(var.cidr)}"),
      { address: "output.first_subnet", attribute: "value", rule: "unknown-function", message: 'provider::time::rfc3339_parse(): provider "time" is not in terraform.required_providers' },
    ],
    [
      "reference to an undeclared resource",
      (j) => (j.resource.aws_subnet.subnet.vpc_id = "${aws_vpc.other.id}"),
      { address: "aws_subnet.subnet", attribute: "vpc_id", rule: "undeclared-reference", message: '"aws_vpc.other.id" refers to aws_vpc.other, which is not declared in this stack' },
    ],
    [
      "reference to an undeclared data source",
      (j) => (j.resource.aws_vpc.main.tags.Name = "core-${data.aws_region.other.region}"),
      { address: "aws_vpc.main", attribute: "tags.Name", rule: "undeclared-reference", message: '"data.aws_region.other.region" refers to data.aws_region.other, which is not declared in this stack' },
    ],
    [
      "reference to an undeclared variable",
      (j) => (j.resource.aws_vpc.main.cidr_block = "${var.cidr_block}"),
      { address: "aws_vpc.main", attribute: "cidr_block", rule: "undeclared-reference", message: '"var.cidr_block" refers to var.cidr_block, which is not declared in this stack' },
    ],
    [
      "reference to an undeclared local",
      (j) => (j.output.first_subnet.value = "${local.prefx}"),
      { address: "output.first_subnet", attribute: "value", rule: "undeclared-reference", message: '"local.prefx" refers to local.prefx, which is not declared in this stack' },
    ],
    [
      "reference to a module in a module-free stack",
      (j) => (j.output.first_subnet.value = "${module.network.vpc_id}"),
      { address: "output.first_subnet", attribute: "value", rule: "undeclared-reference", message: '"module.network.vpc_id" refers to module.network, which is not declared in this stack' },
    ],
    [
      "depends_on an undeclared resource",
      (j) => (j.resource.aws_subnet.subnet.depends_on = ["aws_internet_gateway.igw"]),
      { address: "aws_subnet.subnet", attribute: "depends_on[0]", rule: "undeclared-reference", message: '"aws_internet_gateway.igw" is not declared in this stack' },
    ],
    [
      "depends_on an undeclared data source, through one of its attributes",
      (j) => (j.resource.aws_subnet.subnet.depends_on = ["data.aws_region.regoin.name"]),
      { address: "aws_subnet.subnet", attribute: "depends_on[0]", rule: "undeclared-reference", message: '"data.aws_region.regoin" is not declared in this stack' },
    ],
    [
      "depends_on something that names no block",
      (j) => (j.resource.aws_subnet.subnet.depends_on = ["count.index"]),
      { address: "aws_subnet.subnet", attribute: "depends_on[0]", rule: "invalid-expression", message: 'expects a reference like aws_vpc.main, got "count.index"' },
    ],
    [
      "reference to an attribute the type does not have",
      (j) => (j.resource.aws_subnet.subnet.vpc_id = "${aws_vpc.main.vpc_id}"),
      { address: "aws_subnet.subnet", attribute: "vpc_id", rule: "unknown-attribute", message: '"aws_vpc.main.vpc_id": aws_vpc has no attribute "vpc_id"' },
    ],
    [
      "attribute of a counted instance that the type does not have",
      (j) => (j.output.first_subnet.value = "${aws_subnet.subnet[0].subnet_id}"),
      { address: "output.first_subnet", attribute: "value", rule: "unknown-attribute", message: '"aws_subnet.subnet[0].subnet_id": aws_subnet has no attribute "subnet_id"' },
    ],
    [
      "two resources that refer to each other",
      (j) => (j.resource.aws_vpc.main.tags.Subnet = "${aws_subnet.subnet[0].id}"),
      { address: "aws_subnet.subnet", attribute: "", rule: "reference-cycle", message: "cycle between aws_subnet.subnet, aws_vpc.main: Terraform cannot order them" },
    ],
    [
      "a resource that refers to itself",
      (j) => (j.resource.aws_vpc.main.tags.Self = "${aws_vpc.main.arn}"),
      { address: "aws_vpc.main", attribute: "", rule: "reference-cycle", message: 'aws_vpc.main refers to itself (use "self" only where Terraform allows it)' },
    ],
    [
      "attribute of a nested block that the block does not have",
      (j) => (j.output.target.value = "${aws_appautoscaling_policy.policy.target_tracking_scaling_policy_configuration[0].target_valu}"),
      { address: "output.target", attribute: "value", rule: "unknown-attribute", message: '"aws_appautoscaling_policy.policy.target_tracking_scaling_policy_configuration[0].target_valu": aws_appautoscaling_policy has no attribute "target_valu" in target_tracking_scaling_policy_configuration' },
    ],
    [
      "ignore_changes naming an argument the type does not have",
      (j) => (j.resource.aws_vpc.main.lifecycle.ignore_changes = ["tag"]),
      { address: "aws_vpc.main", attribute: "lifecycle.ignore_changes[0]", rule: "unknown-attribute", message: 'ignore_changes names "tag", but "tag" is not an argument; did you mean "tags"?' },
    ],
    [
      "a resource name Terraform does not accept",
      (j) => (j.resource.aws_vpc["1st"] = j.resource.aws_vpc.main),
      { address: "aws_vpc.1st", attribute: "", rule: "invalid-name", message: '"1st" is not a valid Terraform name: it must start with a letter or underscore and contain only letters, digits, underscores and dashes' },
    ],
    [
      "count and for_each together",
      (j) => (j.resource.aws_subnet.subnet.for_each = "${toset(var.ports)}"),
      { address: "aws_subnet.subnet", attribute: "for_each", rule: "meta-argument", message: '"count" and "for_each" cannot be used together' },
    ],
    [
      "a postcondition without error_message",
      (j) => (j.data.aws_region.region.lifecycle = { postcondition: [{ condition: "${self.region != \"\"}" }] }),
      { address: "data.aws_region.region", attribute: "lifecycle.postcondition[0]", rule: "meta-argument", message: 'postcondition needs "condition" and "error_message"; "error_message" is missing' },
    ],
    [
      "a variable type that is not a type",
      (j) => (j.variable.ports.type = "lsit(number)"),
      { address: "var.ports", attribute: "type", rule: "invalid-expression", message: expect.stringMatching(/^type constraint "lsit\(number\)": "lsit" is not a type constructor/) },
    ],
    [
      "a provider missing from required_providers",
      (j) => delete j.terraform.required_providers.docker,
      [
        { address: "provider.docker", attribute: "", rule: "unknown-provider", message: 'provider "docker" is configured but not in terraform.required_providers' },
        { address: "docker_image.image", attribute: "", rule: "unknown-provider", message: 'provider "docker" is not in terraform.required_providers: terraform init would look for hashicorp/docker' },
      ],
    ],
    [
      "a top-level block Terraform does not know",
      (j) => (j.resources = {}),
      { address: "resources", attribute: "", rule: "unknown-block", message: '"resources" is not a Terraform top-level block type' },
    ],
    [
      "a dynamic block without for_each",
      (j) => delete j.data.aws_iam_policy_document.write.dynamic.statement.for_each,
      { address: "data.aws_iam_policy_document.write", attribute: "dynamic.statement", rule: "missing-argument", message: 'dynamic block "statement" has no "for_each"' },
    ],
    [
      "an unknown lifecycle argument",
      (j) => (j.resource.aws_vpc.main.lifecycle.prevent_destory = true),
      { address: "aws_vpc.main", attribute: "lifecycle.prevent_destory", rule: "unknown-argument", message: 'unknown lifecycle argument "prevent_destory"; did you mean "prevent_destroy"?' },
    ],
    [
      "ignore_changes that is neither a list nor all",
      (j) => (j.resource.aws_vpc.main.lifecycle.ignore_changes = "tags"),
      { address: "aws_vpc.main", attribute: "lifecycle.ignore_changes", rule: "value-type", message: 'expects a list of attribute names or "all", got a string ("tags")' },
    ],
    [
      "an output without value",
      (j) => delete j.output.first_subnet.value,
      { address: "output.first_subnet", attribute: "", rule: "missing-argument", message: 'output "first_subnet" has no "value"' },
    ],
    [
      "a provider configuration that is not declared",
      (j) => (j.resource.aws_vpc.main.provider = "aws.east"),
      { address: "aws_vpc.main", attribute: "provider", rule: "undeclared-reference", message: 'provider configuration "aws.east" is not declared' },
    ],
    [
      "a map attribute with an element of the wrong type",
      (j) => (j.resource.aws_vpc.main.tags.Nested = { a: "b" }),
      { address: "aws_vpc.main", attribute: "tags.Nested", rule: "value-type", message: "expects a string, got an object" },
    ],
    [
      "a provider version pinned to another release than the installed package's",
      (j) => (j.terraform.required_providers.aws.version = "6.0.0"),
      { address: "terraform.required_providers.aws", attribute: "version", rule: "unknown-provider", message: "pins aws 6.0.0 but the installed @cdktf/provider-aws 21.22.1 is 6.25.0; the check would use the wrong schema" },
    ],
  ])("rejects %s", async (_kind, plant, expected) => {
    // Exactly the planted error: nothing missed, nothing else reported.
    expect(await findingsOf(broken(plant))).toEqual([expected].flat());
  });

  test("every finding names stack, address and attribute in one line", async () => {
    const [finding] = (await validateStack("fixture", broken((j) => (j.resource.aws_vpc.main.cidr_blok = "x")), schemas)).findings;
    expect(formatFinding(finding)).toBe('fixture: aws_vpc.main: cidr_blok: unknown argument "cidr_blok"; did you mean "cidr_block"? [unknown-argument]');
  });
});

describe("validate: command", () => {
  test("prints per-stack results and the elapsed time, and exits 1 on findings", async () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "qs-validate-"));
    try {
      const stackDir = path.join(outdir, "stacks", "fixture");
      fs.mkdirSync(stackDir, { recursive: true });
      fs.writeFileSync(path.join(stackDir, "cdk.tf.json"), JSON.stringify(broken((j) => delete j.resource.aws_subnet.subnet.vpc_id)));
      fs.writeFileSync(path.join(outdir, "manifest.json"), JSON.stringify({ stacks: { fixture: { name: "fixture", synthesizedStackPath: "stacks/fixture/cdk.tf.json" } } }));
      const lines: string[] = [];
      expect(await runValidate([outdir], (l) => lines.push(l))).toBe(1);
      expect(lines[0]).toMatch(/^FAIL fixture: \d+ resource\/data blocks, \d+ expressions, 1 finding\(s\)$/);
      expect(lines[1]).toContain('fixture: aws_subnet.subnet: vpc_id: required argument "vpc_id" is missing');
      expect(lines.at(-1)).toMatch(/^elapsed \d+ ms/);

      fs.writeFileSync(path.join(stackDir, "cdk.tf.json"), JSON.stringify(fixture));
      lines.length = 0;
      expect(await runValidate([outdir], (l) => lines.push(l))).toBe(0);
      expect(lines[0]).toMatch(/^ok {3}fixture: .* 0 finding\(s\)$/);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
