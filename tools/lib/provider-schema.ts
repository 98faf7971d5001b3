import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Terraform schemas of the installed cdktf provider packages (`@cdktf/provider-aws`, `@cdktf/provider-docker`),
 * taken from their jsii assembly (`.jsii`) so they always match the exact provider version in use, with no
 * download. The assembly names each resource's Terraform type (class docs), its arguments with their required
 * flags and Terraform names (config interfaces), nested blocks (struct types whose docs say "<name> block."), and
 * the attributes a reference may read (the getters of the class and of its nested OutputReference classes).
 *
 * Parsing the AWS assembly (~130 MB) costs ~1.5 s and ~470 MiB, so only the schema is kept, in a JSON cache (8 MB)
 * keyed by package name, version and the format below.
 */

/** Bump when the cached shape or the extraction changes: old caches are then ignored. */
export const SCHEMA_FORMAT = 2;

/** What a value must look like. `object` points into {@link ProviderSchema.blocks} (a nested object attribute). */
export type ValueType =
  | { kind: "string" | "number" | "bool" | "any" }
  | { kind: "list" | "map"; element: ValueType }
  | { kind: "object"; block: string };

export interface AttributeSchema {
  readonly kind: "attribute";
  readonly required: boolean;
  readonly type: ValueType;
}

/**
 * A nested block. `single`: at most one (the provider's MaxItems 1); `list`: any number. The body's schema is
 * `blocks[block]` of the provider schema.
 */
export interface NestedBlockSchema {
  readonly kind: "block";
  readonly required: boolean;
  readonly nesting: "single" | "list";
  readonly block: string;
}

export type ArgumentSchema = AttributeSchema | NestedBlockSchema;

/**
 * Arguments of one block. `arguments` is keyed by Terraform name. A few arguments carry a description instead of a
 * registry link in the assembly, so their Terraform name is not written there; they are in `argumentsByCamelName`,
 * keyed by the jsii property name, and matched by converting the Terraform name the way cdktf does
 * ({@link camelCase}).
 */
export interface BlockSchema {
  readonly arguments: Record<string, ArgumentSchema>;
  readonly argumentsByCamelName: Record<string, ArgumentSchema>;
}

/**
 * What a reference can read at one level: the jsii getter names (`arn`, `tagsAll`), the nested levels of getters that
 * return objects or lists of objects (`networkConfiguration` -> its attribute set in
 * {@link ProviderSchema.attributeSets}), and the block whose arguments are readable too (getters of renamed
 * arguments, `equals` -> `equalTo`, are found through it).
 */
export interface AttributeSet {
  readonly getters: readonly string[];
  readonly nested: Record<string, string>;
  readonly block?: string;
}

/** A resource or data-source type: its configuration block, and what references can read from it. */
export interface TypeSchema extends AttributeSet {
  readonly block: string;
}

export interface ProviderSchema {
  readonly format: number;
  readonly package: string;
  readonly packageVersion: string;
  /** Provider source and version the package was generated from, e.g. `registry.terraform.io/hashicorp/aws`. */
  readonly source: string;
  readonly providerVersion: string;
  readonly provider: string;
  readonly resources: Record<string, TypeSchema>;
  readonly dataSources: Record<string, TypeSchema>;
  readonly blocks: Record<string, BlockSchema>;
  readonly attributeSets: Record<string, AttributeSet>;
}

/** cdktf's conversion of a Terraform name to a jsii property name (codemaker's `toCamelCase`). */
export function camelCase(name: string): string {
  const parts = name.split("_").filter((p) => p.length > 0);
  const joined = parts
    .map((p, i) => (i === 0 ? p.toLowerCase() : p.charAt(0).toUpperCase() + p.slice(1).toLowerCase()))
    .join("");
  // camelcase upper-cases a letter that follows digits: m2ts_settings -> m2TsSettings.
  return joined.replace(/\d+([a-z])/g, (m) => m.toUpperCase());
}

/** The argument of `block` named `name` in Terraform, if the schema has it. */
export function argumentOf(block: BlockSchema, name: string): ArgumentSchema | undefined {
  return (
    (Object.hasOwn(block.arguments, name) ? block.arguments[name] : undefined) ??
    (Object.hasOwn(block.argumentsByCamelName, camelCase(name)) ? block.argumentsByCamelName[camelCase(name)] : undefined)
  );
}

/** Terraform names of the arguments of `block` (camel-named ones converted back for display). */
export function argumentNames(block: BlockSchema): string[] {
  const fromCamel = Object.keys(block.argumentsByCamelName).map((n) => n.replace(/([A-Z])/g, "_$1").toLowerCase());
  return [...Object.keys(block.arguments), ...fromCamel].sort();
}

/** Whether a resource or data source of this type exposes `attribute` to references (`aws_vpc.x.<attribute>`). */
export function hasAttribute(schema: ProviderSchema, type: TypeSchema, attribute: string): boolean {
  return unknownAttributeIn(schema, type, [attribute]) === undefined;
}

/**
 * Follows a reference's attribute names (indexes left out: `network_configuration[0].subnets` is
 * `["network_configuration", "subnets"]`) through the nested levels of a type. Returns the first name that does not
 * exist, with the path up to it, or undefined when every name exists or the path leaves what the schema
 * describes (map keys, JSON strings).
 */
export function unknownAttributeIn(schema: ProviderSchema, type: TypeSchema, names: readonly string[]): { name: string; at: string } | undefined {
  let level: AttributeSet | undefined = type;
  const seen: string[] = [];
  for (const name of names) {
    if (!level) return undefined;
    const camel = camelCase(name);
    // Getters whose name clashes with a reserved word get the suffix "Attribute" (self -> selfAttribute).
    const getter: string | undefined = level.getters.includes(camel) ? camel : level.getters.includes(`${camel}Attribute`) ? `${camel}Attribute` : undefined;
    const argument = level.block ? argumentOf(schema.blocks[level.block], name) : undefined;
    if (!getter && !argument) return { name, at: seen.join(".") };
    seen.push(name);
    const nestedId: string | undefined = getter ? level.nested[getter] : undefined;
    level = nestedId ? schema.attributeSets[nestedId] : undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Extraction from the jsii assembly

interface JsiiTypeRef {
  primitive?: string;
  fqn?: string;
  collection?: { kind: "array" | "map"; elementtype: JsiiTypeRef };
  union?: { types: JsiiTypeRef[] };
}

interface JsiiProperty {
  name: string;
  optional?: boolean;
  static?: boolean;
  type: JsiiTypeRef;
  docs?: { summary?: string };
}

interface JsiiType {
  fqn: string;
  kind: string;
  base?: string;
  datatype?: boolean;
  docs?: { summary?: string };
  properties?: JsiiProperty[];
  methods?: { name: string; returns?: { type: JsiiTypeRef } }[];
  initializer?: { parameters?: { name: string; type: JsiiTypeRef }[] };
}

const TYPE_DOC = /\{@link https:\/\/registry\.terraform\.io\/\S+\/docs\/(resources|data-sources)\/\S+ (\S+)\}/;
const ARGUMENT_DOC = /\{@link https:\/\/registry\.terraform\.io\/\S+#(\S+) \S+\}/;
const BLOCK_DOC = /^(\S+) block\.$/;
// Members of cdktf classes that are not Terraform attributes.
const NON_ATTRIBUTE_GETTERS = new Set(["tfResourceType", "internalValue"]);

/** Builds the schema of one provider package from its parsed assembly. */
export function extractSchema(assembly: { name: string; version: string; types: Record<string, JsiiType> }, providerInfo: { name: string; version: string }): ProviderSchema {
  const types = assembly.types;
  const blocks: Record<string, BlockSchema> = {};
  const attributeSets: Record<string, AttributeSet> = {};
  const resources: Record<string, TypeSchema> = {};
  const dataSources: Record<string, TypeSchema> = {};
  const prefix = `${assembly.name}.`;
  const shortId = (fqn: string) => (fqn.startsWith(prefix) ? fqn.slice(prefix.length) : fqn);

  const stripResolvable = (ref: JsiiTypeRef): JsiiTypeRef => {
    if (!ref.union) return ref;
    const rest = ref.union.types.filter((t) => t.fqn !== "cdktf.IResolvable");
    return rest.length === 1 ? rest[0] : { primitive: "any" };
  };

  const valueType = (ref: JsiiTypeRef): ValueType => {
    const t = stripResolvable(ref);
    if (t.primitive === "string") return { kind: "string" };
    if (t.primitive === "number") return { kind: "number" };
    if (t.primitive === "boolean") return { kind: "bool" };
    if (t.collection) return { kind: t.collection.kind === "map" ? "map" : "list", element: valueType(t.collection.elementtype) };
    if (t.fqn && types[t.fqn]?.datatype) return { kind: "object", block: addBlock(t.fqn) };
    return { kind: "any" };
  };

  function addBlock(fqn: string): string {
    const id = shortId(fqn);
    if (blocks[id]) return id;
    const block: BlockSchema = { arguments: {}, argumentsByCamelName: {} };
    blocks[id] = block; // before recursing: struct graphs may be deep
    for (const p of types[fqn]?.properties ?? []) {
      const summary = p.docs?.summary ?? "";
      const required = !p.optional;
      const blockName = BLOCK_DOC.exec(summary)?.[1];
      let schema: ArgumentSchema;
      let name: string | undefined;
      if (blockName) {
        name = blockName;
        const t = stripResolvable(p.type);
        const element = t.collection ? stripResolvable(t.collection.elementtype) : t;
        schema = {
          kind: "block",
          required,
          nesting: t.collection ? "list" : "single",
          block: element.fqn ? addBlock(element.fqn) : addEmptyBlock(),
        };
      } else {
        name = ARGUMENT_DOC.exec(summary)?.[1];
        schema = { kind: "attribute", required, type: valueType(p.type) };
      }
      if (name) block.arguments[name] = schema;
      else block.argumentsByCamelName[p.name] = schema;
    }
    return id;
  }

  function addEmptyBlock(): string {
    blocks["<empty>"] ??= { arguments: {}, argumentsByCamelName: {} };
    return "<empty>";
  }

  /** Getters of a class, and the nested levels of those returning complex objects (OutputReference / List / Map classes). */
  function gettersOf(t: JsiiType): { getters: string[]; nested: Record<string, string> } {
    const readable = (t.properties ?? []).filter((p) => !p.static && !p.name.endsWith("Input") && !NON_ATTRIBUTE_GETTERS.has(p.name));
    const nested: Record<string, string> = {};
    for (const p of readable) {
      const id = p.type.fqn ? addAttributeSet(p.type.fqn) : undefined;
      if (id) nested[p.name] = id;
    }
    return { getters: readable.map((p) => p.name).sort(), nested };
  }

  function addAttributeSet(fqn: string): string | undefined {
    let t: JsiiType | undefined = types[fqn];
    if (t?.base === "cdktf.ComplexList" || t?.base === "cdktf.ComplexMap") {
      const element = t.methods?.find((m) => m.name === "get")?.returns?.type.fqn;
      t = element ? types[element] : undefined;
    }
    if (!t || t.base !== "cdktf.ComplexObject") return undefined;
    const id = shortId(t.fqn);
    if (attributeSets[id]) return id;
    const set: { getters: string[]; nested: Record<string, string>; block?: string } = { getters: [], nested: {} };
    attributeSets[id] = set; // before recursing
    const struct = t.properties?.find((p) => p.name === "internalValue")?.type;
    const structFqn = struct ? stripResolvable(struct).fqn : undefined;
    if (structFqn && types[structFqn]?.datatype) set.block = addBlock(structFqn);
    Object.assign(set, gettersOf(t));
    return id;
  }

  let provider = "";
  for (const t of Object.values(types)) {
    if (t.kind !== "class") continue;
    const config = t.initializer?.parameters?.find((p) => p.name === "config")?.type.fqn;
    if (t.base === "cdktf.TerraformProvider" && config) {
      provider = addBlock(config);
      continue;
    }
    if (t.base !== "cdktf.TerraformResource" && t.base !== "cdktf.TerraformDataSource") continue;
    const match = TYPE_DOC.exec(t.docs?.summary ?? "");
    if (!match || !config) continue;
    const schema: TypeSchema = { block: addBlock(config), ...gettersOf(t) };
    if (match[1] === "resources") resources[match[2]] = schema;
    else dataSources[match[2]] = schema;
  }
  // An assembly whose docs no longer follow the pattern would otherwise yield an empty schema and odd findings.
  if (!provider || Object.keys(resources).length === 0) {
    throw new Error(`${assembly.name} ${assembly.version}: no provider class or no resource types recognized in its jsii assembly; the extractor needs updating`);
  }

  return {
    format: SCHEMA_FORMAT,
    package: assembly.name,
    packageVersion: assembly.version,
    source: providerInfo.name,
    providerVersion: providerInfo.version,
    provider,
    resources,
    dataSources,
    blocks,
    attributeSets,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Loading, with the cache

export interface LoadOptions {
  /** Folder of the cache. @default node_modules/.cache/queue-scaling next to the package */
  readonly cacheDir?: string;
  /** Where to resolve the package from. @default this project */
  readonly resolveFrom?: string;
}

export interface LoadedSchema {
  readonly schema: ProviderSchema;
  /** Whether it came from the cache (false: extracted from the assembly in this call). */
  readonly cached: boolean;
  readonly cacheFile: string;
}

function packageDir(pkg: string, resolveFrom: string): string {
  return path.dirname(require.resolve(`${pkg}/package.json`, { paths: [resolveFrom] }));
}

/** Schema of an installed provider package, from the cache or, the first time, from its jsii assembly. */
export function loadProviderSchema(pkg: string, options: LoadOptions = {}): LoadedSchema {
  const root = options.resolveFrom ?? path.resolve(__dirname, "..", "..");
  const dir = packageDir(pkg, root);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
    version: string;
    cdktf?: { provider?: { name: string; version: string } };
  };
  const cacheDir = options.cacheDir ?? path.join(root, "node_modules", ".cache", "queue-scaling");
  const cachePrefix = `${pkg.replace(/[@/]/g, "_")}-`;
  const cacheFile = path.join(cacheDir, `${cachePrefix}${manifest.version}-schema${SCHEMA_FORMAT}.json`);
  try {
    const schema = JSON.parse(fs.readFileSync(cacheFile, "utf8")) as ProviderSchema;
    if (schema.format === SCHEMA_FORMAT && schema.package === pkg && schema.packageVersion === manifest.version) {
      return { schema, cached: true, cacheFile };
    }
  } catch {
    // No cache yet, or unreadable: extract below.
  }
  if (!manifest.cdktf?.provider) throw new Error(`${pkg} is not a cdktf provider package (no "cdktf.provider" in its package.json)`);
  const assembly = JSON.parse(fs.readFileSync(path.join(dir, ".jsii"), "utf8"));
  const schema = extractSchema(assembly, manifest.cdktf.provider);
  // Two jest workers may extract at once: each writes its own temp file, and the rename is atomic.
  const tmp = `${cacheFile}.${process.pid}.${Date.now()}.tmp`;
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(tmp, JSON.stringify(schema));
    fs.renameSync(tmp, cacheFile);
    // Caches of other versions or formats of this package are dead weight now.
    for (const file of fs.readdirSync(cacheDir)) {
      if (file.startsWith(cachePrefix) && file.endsWith(".json") && file !== path.basename(cacheFile)) fs.rmSync(path.join(cacheDir, file), { force: true });
    }
  } catch (error) {
    // A read-only node_modules still validates, only slower on every run.
    fs.rmSync(tmp, { force: true });
    process.emitWarning(`schema cache not written (${(error as Error).message}); the next run extracts again`);
  }
  return { schema, cached: false, cacheFile };
}

/**
 * Names of the prebuilt provider packages this project depends on: dependencies whose package.json has a
 * `cdktf.provider` entry (`@cdktf/provider-aws`, `@cdktf/provider-docker`; the same for a later move to cdktn).
 */
export function installedProviderPackages(projectDir = path.resolve(__dirname, "..", "..")): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(projectDir, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  return Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })
    .filter((name) => {
      try {
        const dep = JSON.parse(fs.readFileSync(path.join(packageDir(name, projectDir), "package.json"), "utf8")) as { cdktf?: { provider?: unknown } };
        return dep.cdktf?.provider !== undefined;
      } catch {
        return false; // not installed, or no package.json export: not a provider package
      }
    })
    .sort();
}
