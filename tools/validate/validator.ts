import { Block, blocksOf, SynthesizedStack, TerraformJson } from "../lib/synth";
import {
  ArgumentSchema,
  argumentNames,
  argumentOf,
  BlockSchema,
  camelCase,
  installedProviderPackages,
  loadProviderSchema,
  NestedBlockSchema,
  ProviderSchema,
  TypeSchema,
  unknownAttributeIn,
  ValueType,
} from "../lib/provider-schema";
import {
  childPath,
  dynamicIteratorsOn,
  functionsIn,
  hasTemplateSyntax,
  isTemplatePath,
  NON_BLOCK_ROOTS,
  parseBareReference,
  ParsedTemplate,
  parseExpression,
  parseTemplates,
  Reference,
  referencesIn,
  stringsIn,
  targetOf,
  TERRAFORM_FUNCTIONS,
} from "../lib/expressions";

/**
 * Offline check of a synthesized stack (`cdk.tf.json`) against the schemas of the installed provider packages:
 * what `terraform validate` would reject, without `terraform init` (which needs the network).
 */

export type Rule =
  | "unknown-block" // a top-level key Terraform does not know
  | "unknown-provider" // a provider with no installed schema, or missing from required_providers
  | "unknown-type" // resource or data-source type the provider does not have
  | "unknown-argument"
  | "missing-argument"
  | "block-shape" // a block given as a scalar or expression, or more blocks than allowed
  | "value-type" // a list where a string is expected, an object where a list is expected…
  | "invalid-expression" // the HCL parser rejects the template
  | "unknown-function" // a function Terraform does not have, or a provider function of an undeclared provider
  | "undeclared-reference" // reference to a resource, data source, variable, local or module not declared
  | "unknown-attribute" // reference to an attribute the type does not have
  | "reference-cycle" // blocks that depend on each other (or on themselves): Terraform cannot order them
  | "invalid-name" // a block name Terraform does not accept (must start with a letter or underscore)
  | "meta-argument"; // count and for_each together, conditions without condition or error_message

export interface Finding {
  readonly stack: string;
  /** Terraform address: `aws_vpc.main`, `data.aws_region.r`, `output.vpc_id`, `provider.aws`, `local.x`. */
  readonly address: string;
  /** Path inside the block: `statement[0].condition[0].values[0]`; empty for the block itself. */
  readonly attribute: string;
  readonly rule: Rule;
  readonly message: string;
}

export interface StackReport {
  readonly stack: string;
  readonly blocks: number;
  readonly expressions: number;
  readonly findings: Finding[];
}

/** One line per finding: `stack: address: attribute: message [rule]`. */
export function formatFinding(f: Finding): string {
  return `${f.stack}: ${f.address}${f.attribute ? `: ${f.attribute}` : ""}: ${f.message} [${f.rule}]`;
}

/** The provider schemas to check against, looked up by provider source. */
export class Schemas {
  /** Schemas of every `@cdktf/provider-*` package this project depends on (cached after the first extraction). */
  static load(): Schemas {
    return new Schemas(installedProviderPackages().map((pkg) => loadProviderSchema(pkg).schema));
  }

  constructor(readonly providers: readonly ProviderSchema[]) {}

  /** The schema whose provider is `source` as written in `required_providers` (`aws`, `kreuzwerker/docker`). */
  forSource(source: string): ProviderSchema | undefined {
    const normalized = normalizeSource(source);
    return this.providers.find((p) => normalizeSource(p.source) === normalized);
  }
}

/** `aws` -> `registry.terraform.io/hashicorp/aws`, `kreuzwerker/docker` -> `registry.terraform.io/kreuzwerker/docker`. */
function normalizeSource(source: string): string {
  const parts = source.toLowerCase().split("/");
  if (parts.length === 1) return `registry.terraform.io/hashicorp/${parts[0]}`;
  if (parts.length === 2) return `registry.terraform.io/${parts[0]}/${parts[1]}`;
  return parts.join("/");
}

const TOP_LEVEL_KEYS = new Set(["//", "terraform", "provider", "resource", "data", "output", "variable", "locals", "module", "moved", "import", "removed", "check"]);
const RESOURCE_META = new Set(["count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection"]);
const DATA_META = new Set(["count", "for_each", "depends_on", "provider", "lifecycle"]);
const LIFECYCLE_KEYS = new Set(["create_before_destroy", "prevent_destroy", "ignore_changes", "replace_triggered_by", "precondition", "postcondition"]);
// Terraform's type constraint language (variable "type").
const PRIMITIVE_TYPES = new Set(["string", "number", "bool", "any"]);
const TYPE_CONSTRUCTORS = new Set(["list", "set", "map", "object", "tuple", "optional"]);
// Types of Terraform's built-in provider (terraform_data, data.terraform_remote_state): no package, no schema here.
const BUILTIN_PROVIDER = "terraform";

/** Validates every stack; findings are in document order per stack. */
export async function validateStacks(stacks: readonly SynthesizedStack[], schemas: Schemas = Schemas.load()): Promise<StackReport[]> {
  const reports: StackReport[] = [];
  for (const stack of stacks) reports.push(await validateStack(stack.name, stack.json, schemas));
  return reports;
}

/** Validates one stack's Terraform JSON. */
export async function validateStack(stackName: string, json: TerraformJson, schemas: Schemas = Schemas.load()): Promise<StackReport> {
  return new StackValidator(stackName, json, schemas).run();
}

class StackValidator {
  private readonly findings: Finding[] = [];
  private expressions = 0;
  private readonly blocks: readonly Block[];
  private readonly declared = new Set<string>();
  private readonly requiredProviders: Record<string, { source?: string; version?: string }>;
  private readonly providerConfigs = new Set<string>();
  /** Dependency edges between declared blocks (from references, depends_on, replace_triggered_by). */
  private readonly dependencies = new Map<string, Set<string>>();
  /** Every template string of the stack, parsed up front in one call into the parser (see parseTemplates). */
  private templates: ReadonlyMap<string, ParsedTemplate> = new Map();

  constructor(
    private readonly stack: string,
    private readonly json: TerraformJson,
    private readonly schemas: Schemas,
  ) {
    this.requiredProviders = (json.terraform?.required_providers ?? {}) as Record<string, { source?: string; version?: string }>;
    this.blocks = blocksOf(json);
    for (const b of this.blocks) this.declared.add(b.address);
    for (const name of Object.keys(json.variable ?? {})) this.declared.add(`var.${name}`);
    for (const name of Object.keys((json.locals ?? {}) as object)) this.declared.add(`local.${name}`);
    for (const name of Object.keys((json.module ?? {}) as object)) this.declared.add(`module.${name}`);
    for (const [name, configs] of Object.entries(json.provider ?? {})) {
      for (const config of [configs].flat() as Record<string, unknown>[]) {
        this.providerConfigs.add(typeof config?.alias === "string" ? `${name}.${config.alias}` : name);
      }
    }
  }

  private report(address: string, attribute: string, rule: Rule, message: string): void {
    this.findings.push({ stack: this.stack, address, attribute, rule, message });
  }

  async run(): Promise<StackReport> {
    this.templates = await parseTemplates([...stringsIn(this.json)].map((s) => s.value).filter(hasTemplateSyntax));
    for (const key of Object.keys(this.json)) {
      if (!TOP_LEVEL_KEYS.has(key)) this.report(key, "", "unknown-block", `"${key}" is not a Terraform top-level block type`);
    }
    this.checkNames();
    this.checkRequiredProviders();
    this.checkProviderBlocks();
    for (const block of this.blocks) {
      const providerName = this.providerOf(block.address, block.type, block.body.provider);
      const schema = providerName === undefined ? undefined : this.schemaOf(providerName);
      const types = block.kind === "resource" ? schema?.resources : schema?.dataSources;
      const typeSchema = types?.[block.type];
      if (schema && !typeSchema) {
        const what = block.kind === "resource" ? "resource type" : "data source";
        this.report(block.address, "", "unknown-type", `${schema.source} ${schema.providerVersion} has no ${what} "${block.type}"${suggest(block.type, Object.keys(types ?? {}))}`);
      }
      const meta = block.kind === "resource" ? RESOURCE_META : DATA_META;
      if (schema && typeSchema) this.checkBody(schema, schema.blocks[typeSchema.block], block.body, block.address, "", meta);
      this.checkMeta(block.address, block.body, schema && typeSchema ? { schema, type: typeSchema } : undefined);
      this.checkExpressions(block.address, block.body);
    }
    for (const [name, body] of Object.entries(this.json.output ?? {})) {
      const address = `output.${name}`;
      if (!("value" in body)) this.report(address, "", "missing-argument", `output "${name}" has no "value"`);
      this.checkDependsOn(address, body.depends_on);
      this.checkExpressions(address, body);
    }
    for (const [name, value] of Object.entries((this.json.locals ?? {}) as Record<string, unknown>)) {
      this.checkExpressions(`local.${name}`, value);
    }
    for (const [name, body] of Object.entries(this.json.variable ?? {})) {
      // A variable's default is a literal, not a template; only its validation rules hold expressions.
      this.checkExpressions(`var.${name}`, { validation: (body as Record<string, unknown>).validation });
      const type = (body as Record<string, unknown>).type;
      if (typeof type === "string") await this.checkTypeConstraint(`var.${name}`, type);
    }
    this.checkCycles();
    return { stack: this.stack, blocks: this.blocks.length, expressions: this.expressions, findings: this.findings };
  }

  /** Terraform identifiers: a letter or underscore, then letters, digits, underscores and dashes. */
  private checkNames(): void {
    const named: [string, string][] = [
      ...this.blocks.map((b): [string, string] => [b.address, b.name]),
      ...Object.keys(this.json.variable ?? {}).map((n): [string, string] => [`var.${n}`, n]),
      ...Object.keys((this.json.locals ?? {}) as object).map((n): [string, string] => [`local.${n}`, n]),
      ...Object.keys(this.json.output ?? {}).map((n): [string, string] => [`output.${n}`, n]),
    ];
    for (const [address, name] of named) {
      if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) {
        this.report(address, "", "invalid-name", `"${name}" is not a valid Terraform name: it must start with a letter or underscore and contain only letters, digits, underscores and dashes`);
      }
    }
  }

  private dependOn(from: string, to: string): void {
    if (from.startsWith("var.")) return; // a variable's validation refers to the variable itself, by design
    if (!this.dependencies.has(from)) this.dependencies.set(from, new Set());
    this.dependencies.get(from)!.add(to);
  }

  /** Strongly connected components of the dependency graph (Tarjan); each with more than one block, or a self-loop, is a cycle. */
  private checkCycles(): void {
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const onStack = new Set<string>();
    const stack: string[] = [];
    let next = 0;
    const visit = (node: string) => {
      index.set(node, next);
      low.set(node, next++);
      stack.push(node);
      onStack.add(node);
      for (const to of this.dependencies.get(node) ?? []) {
        if (!index.has(to)) {
          visit(to);
          low.set(node, Math.min(low.get(node)!, low.get(to)!));
        } else if (onStack.has(to)) {
          low.set(node, Math.min(low.get(node)!, index.get(to)!));
        }
      }
      if (low.get(node) === index.get(node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== node);
        if (component.length > 1 || this.dependencies.get(node)?.has(node)) {
          const members = component.sort();
          const message = members.length === 1 ? `${members[0]} refers to itself (use "self" only where Terraform allows it)` : `cycle between ${members.join(", ")}: Terraform cannot order them`;
          this.report(members[0], "", "reference-cycle", message);
        }
      }
    };
    for (const node of [...this.dependencies.keys()].sort()) if (!index.has(node)) visit(node);
  }

  private checkRequiredProviders(): void {
    for (const [name, req] of Object.entries(this.requiredProviders)) {
      const source = req.source ?? name;
      const schema = this.schemas.forSource(source);
      const address = `terraform.required_providers.${name}`;
      if (!schema) {
        const installed = this.schemas.providers.map((p) => `${p.package} (${p.source})`).join(", ");
        this.report(address, "source", "unknown-provider", `no installed provider package for "${source}"; installed: ${installed || "none"}`);
        continue;
      }
      const exact = /^=?\s*(\d+\.\d+\.\d+)$/.exec(req.version ?? "");
      if (exact && exact[1] !== schema.providerVersion) {
        this.report(address, "version", "unknown-provider", `pins ${source} ${exact[1]} but the installed ${schema.package} ${schema.packageVersion} is ${schema.providerVersion}; the check would use the wrong schema`);
      }
    }
  }

  private schemaOf(providerName: string): ProviderSchema | undefined {
    const req = this.requiredProviders[providerName];
    return req ? this.schemas.forSource(req.source ?? providerName) : undefined;
  }

  /** Local provider name of a block (`aws` for `aws_vpc` or `provider = "aws.east"`); reports what is undeclared. */
  private providerOf(address: string, type: string, providerMeta: unknown): string | undefined {
    let name = type.split("_")[0];
    if (name === BUILTIN_PROVIDER) return undefined;
    if (typeof providerMeta === "string") {
      name = providerMeta.split(".")[0];
      if (!this.providerConfigs.has(providerMeta) && !(providerMeta === name && this.requiredProviders[name])) {
        this.report(address, "provider", "undeclared-reference", `provider configuration "${providerMeta}" is not declared`);
      }
    }
    if (!this.requiredProviders[name]) {
      this.report(address, "", "unknown-provider", `provider "${name}" is not in terraform.required_providers: terraform init would look for hashicorp/${name}`);
      return undefined;
    }
    return name;
  }

  private checkProviderBlocks(): void {
    for (const [name, configs] of Object.entries(this.json.provider ?? {})) {
      const schema = this.schemaOf(name);
      if (!this.requiredProviders[name]) {
        this.report(`provider.${name}`, "", "unknown-provider", `provider "${name}" is configured but not in terraform.required_providers`);
      }
      if (!schema) continue;
      for (const config of [configs].flat() as Record<string, unknown>[]) {
        const address = typeof config.alias === "string" ? `provider.${name}.${config.alias}` : `provider.${name}`;
        this.checkBody(schema, schema.blocks[schema.provider], config, address, "", new Set(["alias", "version"]));
      }
    }
  }

  /** Unknown and missing arguments, block shapes and value types of one block body, recursively. */
  private checkBody(schema: ProviderSchema, block: BlockSchema, body: unknown, address: string, path: string, meta: ReadonlySet<string> = new Set()): void {
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      this.report(address, path, "block-shape", `expects a block (a JSON object), got ${describe(body)}`);
      return;
    }
    const present = new Set<string>();
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      if (key === "//" || meta.has(key)) continue;
      const at = childPath(path, key);
      if (key === "dynamic") {
        this.checkDynamic(schema, block, value, address, at, present);
        continue;
      }
      const argument = argumentOf(block, key);
      if (!argument) {
        this.report(address, at, "unknown-argument", `unknown argument "${key}"${suggest(key, argumentNames(block))}`);
        continue;
      }
      if (value !== null) present.add(camelCase(key));
      if (argument.kind === "block") this.checkNestedBlock(schema, argument, value, address, at);
      else this.checkValue(schema, argument.type, value, address, at);
    }
    const missing = (name: string, argument: ArgumentSchema, camel: string) => {
      if (argument.required && !present.has(camel)) {
        const what = argument.kind === "block" ? "block" : "argument";
        this.report(address, childPath(path, name), "missing-argument", `required ${what} "${name}" is missing`);
      }
    };
    for (const [name, argument] of Object.entries(block.arguments)) missing(name, argument, camelCase(name));
    for (const [camel, argument] of Object.entries(block.argumentsByCamelName)) missing(camel.replace(/([A-Z])/g, "_$1").toLowerCase(), argument, camel);
  }

  private checkNestedBlock(schema: ProviderSchema, argument: NestedBlockSchema, value: unknown, address: string, path: string): void {
    const nested = schema.blocks[argument.block];
    if (value === null) return;
    if (typeof value === "string") {
      this.report(address, path, "block-shape", `is a block: it cannot be set from an expression or string; use a dynamic block`);
    } else if (Array.isArray(value)) {
      if (argument.nesting === "single" && value.length > 1) {
        this.report(address, path, "block-shape", `allows at most one block, got ${value.length}`);
      }
      value.forEach((element, i) => this.checkBody(schema, nested, element, address, childPath(path, i)));
    } else {
      this.checkBody(schema, nested, value, address, path);
    }
  }

  private checkDynamic(schema: ProviderSchema, block: BlockSchema, value: unknown, address: string, path: string, present: Set<string>): void {
    for (const [name, spec] of Object.entries((value ?? {}) as Record<string, Record<string, unknown>>)) {
      const at = childPath(path, name);
      const argument = argumentOf(block, name);
      if (!argument || argument.kind !== "block") {
        this.report(address, at, "unknown-argument", argument ? `"${name}" is an argument, not a block: dynamic blocks generate blocks only` : `unknown block "${name}"${suggest(name, argumentNames(block))}`);
        continue;
      }
      present.add(camelCase(name));
      for (const specs of [spec].flat()) {
        if (!specs || !("for_each" in specs)) this.report(address, at, "missing-argument", `dynamic block "${name}" has no "for_each"`);
        if (!specs || !("content" in specs)) this.report(address, at, "missing-argument", `dynamic block "${name}" has no "content"`);
        else this.checkBody(schema, schema.blocks[argument.block], specs.content, address, childPath(at, "content"));
      }
    }
  }

  private checkValue(schema: ProviderSchema, type: ValueType, value: unknown, address: string, path: string): void {
    if (value === null || type.kind === "any") return;
    if (typeof value === "string") {
      // A template ("${var.list}") may yield any type; only literals are checked, as Terraform converts them.
      if (hasTemplateSyntax(value)) return;
      if (type.kind === "list" || type.kind === "map" || type.kind === "object") {
        this.report(address, path, "value-type", `expects ${article(type)}, got a string`);
      } else if (type.kind === "number" && (value.trim() === "" || !Number.isFinite(Number(value)))) {
        this.report(address, path, "value-type", `expects a number, got ${describe(value)}`);
      } else if (type.kind === "bool" && value !== "true" && value !== "false") {
        this.report(address, path, "value-type", `expects a bool, got ${describe(value)}`);
      }
      return;
    }
    if (typeof value === "number" || typeof value === "boolean") {
      if (type.kind === "list" || type.kind === "map" || type.kind === "object") this.report(address, path, "value-type", `expects ${article(type)}, got ${describe(value)}`);
      return;
    }
    if (Array.isArray(value)) {
      if (type.kind !== "list") this.report(address, path, "value-type", `expects ${article(type)}, got a list`);
      else value.forEach((element, i) => this.checkValue(schema, type.element, element, address, childPath(path, i)));
      return;
    }
    if (type.kind === "map") {
      for (const [key, element] of Object.entries(value as Record<string, unknown>)) this.checkValue(schema, type.element, element, address, childPath(path, key));
    } else if (type.kind === "object") {
      this.checkBody(schema, schema.blocks[type.block], value, address, path);
    } else {
      this.report(address, path, "value-type", `expects ${article(type)}, got an object`);
    }
  }

  /** depends_on, provider, lifecycle (ignore_changes names, known keys). */
  private checkMeta(address: string, body: Record<string, unknown>, typed: { schema: ProviderSchema; type: TypeSchema } | undefined): void {
    this.checkDependsOn(address, body.depends_on);
    if (body.count !== undefined && body.for_each !== undefined) {
      this.report(address, "for_each", "meta-argument", `"count" and "for_each" cannot be used together`);
    }
    const lifecycle = body.lifecycle as Record<string, unknown> | undefined;
    if (!lifecycle || typeof lifecycle !== "object") return;
    for (const key of Object.keys(lifecycle)) {
      if (key !== "//" && !LIFECYCLE_KEYS.has(key)) this.report(address, `lifecycle.${key}`, "unknown-argument", `unknown lifecycle argument "${key}"${suggest(key, [...LIFECYCLE_KEYS])}`);
    }
    for (const kind of ["precondition", "postcondition"] as const) {
      [lifecycle[kind] ?? []].flat().forEach((rule, i) => {
        for (const key of ["condition", "error_message"]) {
          if (rule === null || typeof rule !== "object" || !(key in rule)) {
            this.report(address, `lifecycle.${kind}[${i}]`, "meta-argument", `${kind} needs "condition" and "error_message"; "${key}" is missing`);
          }
        }
      });
    }
    const ignore = lifecycle.ignore_changes;
    if (typed && Array.isArray(ignore)) {
      ignore.forEach((entry, i) => {
        if (typeof entry !== "string") return;
        const problem = this.checkAttributePath(typed.schema, typed.schema.blocks[typed.type.block], entry);
        if (problem) this.report(address, `lifecycle.ignore_changes[${i}]`, "unknown-attribute", problem);
      });
    } else if (ignore !== undefined && ignore !== "all" && !Array.isArray(ignore)) {
      this.report(address, "lifecycle.ignore_changes", "value-type", `expects a list of attribute names or "all", got ${describe(ignore)}`);
    }
    const triggers = lifecycle.replace_triggered_by;
    if (Array.isArray(triggers)) {
      triggers.forEach((entry, i) => {
        this.checkBareReference(address, `lifecycle.replace_triggered_by[${i}]`, entry);
      });
    }
  }

  /** An ignore_changes path (`tags`, `target_tracking_scaling_policy_configuration[0].target_value`) against the arguments. */
  private checkAttributePath(schema: ProviderSchema, block: BlockSchema, entry: string): string | undefined {
    const names = entry.replace(/\[[^\]]*\]/g, "").split(".").filter((n) => n);
    let current: BlockSchema | undefined = block;
    for (const name of names) {
      if (!current) return undefined; // inside a map or list of primitives: keys are free
      const argument = argumentOf(current, name);
      if (!argument) return `ignore_changes names "${entry}", but "${name}" is not an argument${suggest(name, argumentNames(current))}`;
      current = argument.kind === "block" ? schema.blocks[argument.block] : argument.type.kind === "object" ? schema.blocks[argument.type.block] : undefined;
    }
    return undefined;
  }

  private checkDependsOn(address: string, dependsOn: unknown): void {
    if (dependsOn === undefined) return;
    if (!Array.isArray(dependsOn)) {
      this.report(address, "depends_on", "value-type", `expects a list of references, got ${describe(dependsOn)}`);
      return;
    }
    dependsOn.forEach((entry, i) => this.checkBareReference(address, `depends_on[${i}]`, entry));
  }

  private checkBareReference(address: string, path: string, entry: unknown): void {
    const parts = typeof entry === "string" ? parseBareReference(entry) : undefined;
    const target = parts && targetOf({ parts, indexed: false, afterIndex: [], text: String(entry) });
    if (!target) {
      this.report(address, path, "invalid-expression", `expects a reference like aws_vpc.main, got ${JSON.stringify(entry)}`);
      return;
    }
    if (!this.declared.has(target.address)) this.report(address, path, "undeclared-reference", `"${target.address}" is not declared in this stack`);
    else this.dependOn(address, target.address);
  }

  /** Checks every template string of a block: that it parses, and what each reference points to. */
  private checkExpressions(address: string, body: unknown): void {
    for (const { path, value } of stringsIn(body)) {
      if (!isTemplatePath(path) || !hasTemplateSyntax(value)) continue;
      this.expressions++;
      const parsed = this.templates.get(value)!;
      if (!parsed.ok) {
        this.report(address, path, "invalid-expression", `does not parse: ${parsed.error}`);
        continue;
      }
      const bound = path.includes("dynamic.") ? dynamicIteratorsOn(body, path) : [];
      for (const reference of referencesIn(parsed.ast, bound)) this.checkReference(address, path, reference);
      for (const name of functionsIn(parsed.ast)) this.checkFunction(address, path, name);
    }
  }

  /** A variable's `type`: primitive type keywords and type constructors only (`list(object({a = string}))`). */
  private async checkTypeConstraint(address: string, type: string): Promise<void> {
    const parsed = await parseExpression(type);
    if (!parsed.ok) {
      this.report(address, "type", "invalid-expression", `type constraint "${type}" does not parse: ${parsed.error}`);
      return;
    }
    const problems: string[] = [];
    const visit = (node: NonNullable<typeof parsed.ast>) => {
      if (node.type === "function" && !TYPE_CONSTRUCTORS.has((node.meta as { name: string }).name)) {
        problems.push(`"${(node.meta as { name: string }).name}" is not a type constructor`);
      } else if (node.type === "scopeTraversal" && !PRIMITIVE_TYPES.has((node.meta as { value: string }).value)) {
        problems.push(`"${(node.meta as { value: string }).value}" is not a type`);
      }
      for (const child of node.children ?? []) visit(child);
    };
    if (parsed.ast) visit(parsed.ast);
    for (const problem of problems) {
      this.report(address, "type", "invalid-expression", `type constraint "${type}": ${problem} (types: ${[...PRIMITIVE_TYPES].join(", ")}; constructors: ${[...TYPE_CONSTRUCTORS].join(", ")})`);
    }
  }

  private checkFunction(address: string, path: string, name: string): void {
    const provider = /^provider::([^:]+)::/.exec(name)?.[1];
    if (provider) {
      if (!this.requiredProviders[provider]) this.report(address, path, "unknown-function", `${name}(): provider "${provider}" is not in terraform.required_providers`);
    } else if (!TERRAFORM_FUNCTIONS.has(name)) {
      this.report(address, path, "unknown-function", `${name}() is not a Terraform function${suggest(name, [...TERRAFORM_FUNCTIONS])}`);
    }
  }

  private checkReference(address: string, path: string, ref: Reference): void {
    if (NON_BLOCK_ROOTS.has(ref.parts[0])) return;
    const target = targetOf(ref);
    if (!target) {
      this.report(address, path, "undeclared-reference", `"${ref.text}" is not a valid reference (resource references are <type>.<name>)`);
      return;
    }
    if (!this.declared.has(target.address)) {
      this.report(address, path, "undeclared-reference", `"${ref.text}" refers to ${target.address}, which is not declared in this stack`);
      return;
    }
    this.dependOn(address, target.address);
    if (target.kind !== "resource" && target.kind !== "data") return;
    const { type } = target;
    // Indexes are left out: `aws_subnet.a[0].id` (a count instance) and `x.y.block[0].name` read names in order.
    const names = [...ref.parts.slice(target.kind === "data" ? 3 : 2), ...ref.afterIndex];
    if (names.length === 0) return;
    const schema = this.schemaOf(type.split("_")[0]);
    const typeSchema = target.kind === "data" ? schema?.dataSources[type] : schema?.resources[type];
    const unknown = schema && typeSchema ? unknownAttributeIn(schema, typeSchema, names) : undefined;
    if (unknown) {
      const where = unknown.at ? ` in ${unknown.at}` : "";
      this.report(address, path, "unknown-attribute", `"${ref.text}": ${type} has no attribute "${unknown.name}"${where}`);
    }
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return `${typeof value === "string" ? "a string" : typeof value === "number" ? "a number" : "a bool"} (${JSON.stringify(value)})`;
}

function article(type: ValueType): string {
  return { string: "a string", number: "a number", bool: "a bool", any: "any value", list: "a list", map: "a map", object: "an object" }[type.kind];
}

/** `; did you mean "x"?` for the closest known name within a small edit distance. */
export function suggest(name: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 4)) + 1;
  for (const candidate of known) {
    const d = editDistance(name, candidate, bestDistance);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best ? `; did you mean "${best}"?` : "";
}

function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
