// The module object itself (a namespace import would be a copy that the spy cannot reach).
import childProcess from "node:child_process";
import * as fs from "node:fs";
import { StackView } from "../../tools/check/engine";
import { synthesizeApp, SynthesizedStack, TerraformJson } from "../../tools/lib/synth";

/**
 * The rule: Terraform configures a provider before it plans anything that uses it, and a provider configuration
 * "can only reference values that are known before the configuration is applied" (Terraform's provider
 * configuration docs). So a provider block may use literals, `path.*`, input variables, locals built from those,
 * and data sources that Terraform reads during the plan. Terraform defers reading a data source to the apply when
 * an argument of it is unknown at plan time (it refers, directly or through locals or other data sources, to an
 * attribute of a managed resource) or when it has `depends_on` (it then waits for that dependency's changes). So
 * the check is: everything a provider block refers to, followed through locals and data-source arguments
 * (`count`, `for_each` and lifecycle included), reaches no `resource` and no `module`, and no data source on the
 * way has a `depends_on`. With a resource there, the first plan has an unknown provider configuration (the
 * kreuzwerker/docker provider then falls back to ~/.docker/config.json and fails where it is missing).
 */
async function planTimeUnknowns(stack: Pick<SynthesizedStack, "name" | "json">): Promise<string[]> {
  const view = await StackView.load(stack.name, stack.json);
  const locals = (stack.json.locals ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  for (const [provider, configs] of Object.entries(stack.json.provider ?? {})) {
    configs.forEach((config: Record<string, unknown>, i: number) => {
      const where = `${stack.name}: provider "${provider}"${configs.length > 1 ? ` #${i}` : ""}`;
      const seen = new Set<string>();
      const visit = (value: unknown, via: string[]): void => {
        for (const target of view.targetsIn(value)) {
          const chain = [...via, target.attribute ? `${target.address}.${target.attribute}` : target.address];
          if (seen.has(target.address)) continue;
          seen.add(target.address);
          if (target.kind === "resource" || target.kind === "module") {
            problems.push(`${where} depends on ${target.kind} ${target.address}, unknown until apply (${chain.join(" -> ")})`);
          } else if (target.kind === "local") {
            visit(locals[target.name], chain);
          } else if (target.kind === "data") {
            const { "//": _metadata, depends_on: dependsOn, ...body } = view.block(target.address)?.body ?? {};
            if (Array.isArray(dependsOn) && dependsOn.length > 0) {
              problems.push(`${where} reads ${target.address}, which has depends_on and is read at apply (${chain.join(" -> ")})`);
            }
            visit(body, chain);
          }
        }
      };
      const { alias: _alias, ...settings } = config;
      visit(settings, []);
    });
  }
  return problems;
}

describe("provider configurations of every stack of the app", () => {
  let app: { outdir: string; stacks: SynthesizedStack[] };
  let shellCommands: unknown[][];
  beforeAll(() => {
    const execSync = jest.spyOn(childProcess, "execSync");
    app = synthesizeApp();
    shellCommands = execSync.mock.calls;
    execSync.mockRestore();
  });

  it("are synthesized without running Terraform (it checks required_version where it plans)", () => {
    expect(shellCommands).toEqual([]);
    for (const stack of app.stacks) expect({ stack: stack.name, version: stack.json.terraform?.required_version }).toEqual({ stack: stack.name, version: ">= 1.10" });
  });
  afterAll(() => fs.rmSync(app.outdir, { recursive: true, force: true }));

  it("depend only on values known at plan time", async () => {
    expect(app.stacks.map((s) => s.name)).toContain("sqs-dynamic-target-tracking");
    const problems = (await Promise.all(app.stacks.map(planTimeUnknowns))).flat();
    expect(problems).toEqual([]);
  });

  it("the docker provider's registry login reads the default registry's token, which has no arguments", () => {
    const stack = app.stacks.find((s) => s.name === "sqs-dynamic-target-tracking")!;
    const [docker] = stack.json.provider?.docker ?? [];
    expect(docker.registry_auth[0].password).toBe("${data.aws_ecr_authorization_token.worker_image_registry_token.password}");
    const { "//": _metadata, ...token } = stack.json.data?.aws_ecr_authorization_token?.worker_image_registry_token ?? {};
    expect(token).toEqual({});
  });
});

describe("planTimeUnknowns (the check above)", () => {
  const token = (body: Record<string, unknown>) => ({ aws_ecr_authorization_token: { t: body } });
  const dockerProvider = { docker: [{ registry_auth: [{ address: "x", password: "${data.aws_ecr_authorization_token.t.password}" }] }] };
  const stack = (json: TerraformJson) => ({ name: "planted", json });

  it("passes literals, variables, path.module, and data sources that depend on nothing unknown", async () => {
    const json: TerraformJson = {
      variable: { region: { type: "string" } },
      locals: { region: "${var.region}" },
      data: { ...token({ registry_id: "${data.aws_caller_identity.me.account_id}" }), aws_caller_identity: { me: {} } },
      provider: { aws: [{ region: "${local.region}", shared_config_files: ["${path.module}/config"] }], ...dockerProvider },
    };
    expect(await planTimeUnknowns(stack(json))).toEqual([]);
  });

  it("finds a resource reached directly, through a local, or through a data source's argument", async () => {
    const repository = { aws_ecr_repository: { repo: { name: "r" } } };
    expect(
      await planTimeUnknowns(stack({ resource: repository, provider: { aws: [{ region: "${aws_ecr_repository.repo.name}" }] } })),
    ).toEqual([expect.stringMatching(/provider "aws" depends on resource aws_ecr_repository\.repo/)]);
    expect(
      await planTimeUnknowns(
        stack({ resource: repository, locals: { id: "${aws_ecr_repository.repo.registry_id}" }, data: token({ registry_id: "${local.id}" }), provider: dockerProvider }),
      ),
    ).toEqual([
      expect.stringContaining(
        "depends on resource aws_ecr_repository.repo, unknown until apply (data.aws_ecr_authorization_token.t.password -> local.id -> aws_ecr_repository.repo.registry_id)",
      ),
    ]);
  });

  it("finds a data source that waits for depends_on, and a module output", async () => {
    const json: TerraformJson = {
      data: token({ depends_on: ["aws_ecr_repository.repo"] }),
      provider: { ...dockerProvider, aws: [{ region: "${module.net.region}" }] },
    };
    expect((await planTimeUnknowns(stack(json))).sort()).toEqual([
      expect.stringMatching(/provider "aws" depends on module module\.net/),
      expect.stringMatching(/provider "docker" reads data\.aws_ecr_authorization_token\.t, which has depends_on/),
    ]);
  });
});
