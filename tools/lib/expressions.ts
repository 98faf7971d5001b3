import { getExpressionAst, TFExpressionSyntaxTree as Ast } from "@cdktf/hcl2json";

/**
 * Expressions of synthesized Terraform JSON: finding every string with its attribute path, parsing it with
 * HashiCorp's HCL parser (compiled to WASM in `@cdktf/hcl2json`), and listing what it references.
 *
 * In Terraform's JSON syntax an attribute's string value is a template: `"${aws_vpc.main.id}"`, `"arn:${x}:y"`,
 * `"%{ if c }a%{ endif }"`. A few meta-arguments are not (see {@link isTemplatePath}).
 */

/** A string value in a block, with its attribute path (`statement[0].condition[1].values[0]`). */
export interface StringAt {
  readonly path: string;
  readonly value: string;
}

/** The path of `key` under `parent` (`a.b`), or the element `index` of a list (`a[0]`). */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  return parent === "" ? key : `${parent}.${key}`;
}

/**
 * Every string in a JSON value, depth first in document order, with its path. Keys named `//` are Terraform JSON
 * comments (cdktf puts its metadata there) and are skipped.
 */
export function* stringsIn(value: unknown, path = ""): Generator<StringAt> {
  if (typeof value === "string") {
    yield { path, value };
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* stringsIn(value[i], childPath(path, i));
  } else if (value !== null && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      if (key !== "//") yield* stringsIn(child, childPath(path, key));
    }
  }
}

/**
 * Whether the string at `path` of a resource, data source or output is a template. Not templates: `depends_on`
 * and `replace_triggered_by` entries (references written bare), `lifecycle.ignore_changes` (attribute names),
 * `provider` (a provider address like `aws.east`).
 */
export function isTemplatePath(path: string): boolean {
  return !/^(depends_on\[\d+\]|lifecycle\.(ignore_changes|replace_triggered_by)(\[\d+\])?|provider)$/.test(path);
}

/** Whether a string has template syntax at all (`${` or `%{` not escaped as `$${` / `%%{`). Others are literals. */
export function hasTemplateSyntax(value: string): boolean {
  return /(^|[^$])\$\{|(^|[^%])%\{/.test(value);
}

export type ParsedTemplate = { ok: true; ast: Ast.ExpressionType | null } | { ok: false; error: string };

/**
 * Parses a Terraform JSON string as the template Terraform reads it. The text is handed to the parser as a heredoc,
 * whose content is taken verbatim like a JSON string's (no quote or backslash escapes to redo), with a delimiter
 * that does not occur in the text.
 */
export async function parseTemplate(value: string): Promise<ParsedTemplate> {
  try {
    const ast = await getExpressionAst("template", heredoc(value));
    return { ok: true, ast };
  } catch (error) {
    return { ok: false, error: parserMessage(String((error as Error).message ?? error)) };
  }
}

/** `value` as a heredoc, with a delimiter that does not occur as a line of it. */
function heredoc(value: string): string {
  let delimiter = "EOT";
  while (value.split("\n").some((line) => line.trim() === delimiter)) delimiter += "_";
  return `<<${delimiter}\n${value}\n${delimiter}\n`;
}

/**
 * Parses many templates as {@link parseTemplate} does, in one call into the parser: a tuple of heredocs, whose
 * elements are the templates' trees. Each call into the WASM module costs about a millisecond, so a stack's
 * templates are parsed several times faster together. When the tuple does not parse, each template is parsed on its
 * own, so that the one at fault gets its own error.
 */
export async function parseTemplates(values: Iterable<string>): Promise<Map<string, ParsedTemplate>> {
  const unique = [...new Set(values)];
  const parsed = new Map<string, ParsedTemplate>();
  if (unique.length === 0) return parsed;
  try {
    const tuple = await getExpressionAst("template", `[\n${unique.map(heredoc).join(",\n")}]`);
    const elements = tuple?.type === "tuple" ? (tuple.children ?? []) : [];
    if (elements.length === unique.length) {
      unique.forEach((value, i) => parsed.set(value, { ok: true, ast: elements[i] }));
      return parsed;
    }
  } catch {
    // One of the templates does not parse: parse them one by one below.
  }
  for (const value of unique) parsed.set(value, await parseTemplate(value));
  return parsed;
}

/** Parses a bare HCL expression (not a template), such as a variable's type constraint `list(object({a = string}))`. */
export async function parseExpression(text: string): Promise<ParsedTemplate> {
  try {
    return { ok: true, ast: await getExpressionAst("template", text) };
  } catch (error) {
    return { ok: false, error: parserMessage(String((error as Error).message ?? error)) };
  }
}

/** The parser's diagnostic without the wrapper text and position prefix (`template:1,6-7: `). */
function parserMessage(raw: string): string {
  const match = /template:\d+,\d+-\d+: (.*)$/s.exec(raw);
  return (match ? match[1] : raw).replace(/\s+/g, " ").trim();
}

/**
 * A reference: the traversal of names from its root (`["aws_vpc", "main", "id"]`, `["var", "x"]`), up to the first
 * index or splat (`aws_subnet.a[0].id` gives `["aws_subnet", "a"]`, with `indexed` set).
 */
export interface Reference {
  readonly parts: readonly string[];
  /** The traversal continues past `parts` with an index (`[0]`, `["k"]`) or a splat. */
  readonly indexed: boolean;
  /** Names after the index, when it is a plain index (`[0].id` gives `["id"]`). */
  readonly afterIndex: readonly string[];
  readonly text: string;
}

/**
 * Every reference in a parsed template. Names bound by a `for` expression (`[for s in x : s.id]`) are not
 * references.
 */
export function referencesIn(ast: Ast.ExpressionType | null, bound: Iterable<string> = []): Reference[] {
  const found: Reference[] = [];
  const visit = (node: Ast.ExpressionType, bound: ReadonlySet<string>) => {
    if (node.type === "scopeTraversal") {
      const meta = node.meta as Ast.ScopeTraversalExpressionMeta;
      const traversal = meta.traversal ?? [];
      if (traversal.length > 0 && !bound.has(traversal[0].segment)) {
        const parts: string[] = [];
        const afterIndex: string[] = [];
        let indexed = false;
        for (const part of traversal) {
          if (part.type !== "nameTraversal") indexed = true;
          else (indexed ? afterIndex : parts).push(part.segment);
        }
        found.push({ parts, indexed, afterIndex, text: meta.fullAccessor ?? meta.value });
      }
    }
    let inner = bound;
    if (node.type === "for") {
      const meta = node.meta as Ast.ForExpressionMeta;
      inner = new Set([...bound, ...[meta.keyVar, meta.valVar].filter((v) => v)]);
    }
    for (const child of node.children ?? []) visit(child, inner);
  };
  if (ast) visit(ast, new Set(bound));
  return found;
}

/** What a reference points at: a resource, data source, variable, local or module, and the first attribute it reads. */
export interface ReferenceTarget {
  readonly kind: "resource" | "data" | "var" | "local" | "module";
  /** Resource or data-source type (`aws_sqs_queue`); empty for variables, locals and modules. */
  readonly type: string;
  readonly name: string;
  /** `aws_sqs_queue.q`, `data.aws_iam_policy_document.p`, `var.x`, `local.x`, `module.m`. */
  readonly address: string;
  /** The first attribute read (`arn` of `aws_sqs_queue.q.arn`, `id` of the count instance `aws_subnet.a[0].id`). */
  readonly attribute?: string;
}

/**
 * Reference roots that are always defined and name no declared block: `count.index`, `each.key`, `path.module`,
 * `terraform.workspace`, `self.x` (Terraform checks that they are used inside the right block kinds).
 */
export const NON_BLOCK_ROOTS: ReadonlySet<string> = new Set(["count", "each", "path", "terraform", "self"]);

/** The block a reference points at, or undefined for `count.index`, `each.value`, `self.x` and the like. */
export function targetOf(ref: Reference): ReferenceTarget | undefined {
  const [root, ...rest] = ref.parts;
  if (NON_BLOCK_ROOTS.has(root)) return undefined;
  // After a resource's name comes an attribute, or the index of a count/for_each instance and then the attribute.
  const attributeAfter = (names: readonly string[]) => names[0] ?? (ref.indexed ? ref.afterIndex[0] : undefined);
  if (root === "var" || root === "local" || root === "module") {
    if (rest.length === 0) return undefined;
    return { kind: root, type: "", name: rest[0], address: `${root}.${rest[0]}`, attribute: attributeAfter(rest.slice(1)) };
  }
  const isData = root === "data";
  const [type, name, ...attributes] = isData ? rest : ref.parts;
  if (!type || !name) return undefined;
  const address = isData ? `data.${type}.${name}` : `${type}.${name}`;
  return { kind: isData ? "data" : "resource", type, name, address, attribute: attributeAfter(attributes) };
}

/**
 * Names a `dynamic` block binds inside its `content`: its iterator (`iterator`, by default the block's name). For a
 * string at `path` in `body`, every dynamic block on the way binds its iterator.
 */
export function dynamicIteratorsOn(body: unknown, path: string): string[] {
  const names: string[] = [];
  let node: unknown = body;
  const segments = path.match(/[^.[\]]+|\[\d+\]/g) ?? [];
  for (let i = 0; i < segments.length && node !== null && typeof node === "object"; i++) {
    const segment = segments[i];
    const key: string | number = segment.startsWith("[") ? Number(segment.slice(1, -1)) : segment;
    const parent = node as Record<string | number, unknown>;
    if (key === "dynamic" && i + 1 < segments.length) {
      const name = segments[i + 1];
      const specs = (parent.dynamic as Record<string, unknown>)?.[name];
      for (const spec of [specs].flat() as Record<string, unknown>[]) {
        names.push(typeof spec?.iterator === "string" ? spec.iterator : name);
      }
    }
    node = parent[key];
  }
  return names;
}

/**
 * Parses a bare reference as written in `depends_on` or `replace_triggered_by` (`aws_vpc.main`,
 * `aws_subnet.a[0].id`, optionally wrapped in `${}`): the names before the first index, or undefined if the text
 * is not a reference.
 */
export function parseBareReference(value: string): string[] | undefined {
  const text = value.startsWith("${") && value.endsWith("}") ? value.slice(2, -1) : value;
  const name = "[A-Za-z_][\\w-]*";
  const match = new RegExp(`^(${name}(?:\\.${name})*)((?:\\[[^\\]]*\\]|\\.${name})*)$`).exec(text);
  return match ? match[1].split(".") : undefined;
}

/**
 * Terraform's built-in functions (1.11): the ones cdktf 0.21's `Fn` binds, plus `issensitive` (1.8),
 * `templatestring` (1.9) and `ephemeralasnull` (1.10).
 */
export const TERRAFORM_FUNCTIONS: ReadonlySet<string> = new Set(
  `abs abspath alltrue anytrue base64decode base64encode base64gzip base64sha256 base64sha512 basename bcrypt can ceil
  chomp chunklist cidrhost cidrnetmask cidrsubnet cidrsubnets coalesce coalescelist compact concat contains csvdecode
  dirname distinct element endswith ephemeralasnull file filebase64 filebase64sha256 filebase64sha512 fileexists filemd5
  fileset filesha1 filesha256 filesha512 flatten floor format formatdate formatlist indent index issensitive join
  jsondecode jsonencode keys length log lookup lower matchkeys max md5 merge min nonsensitive one parseint pathexpand
  plantimestamp pow range regex regexall replace reverse rsadecrypt sensitive setintersection setproduct setsubtract
  setunion sha1 sha256 sha512 signum slice sort split startswith strcontains strrev substr sum templatefile
  templatestring textdecodebase64 textencodebase64 timeadd timecmp timestamp title tobool tolist tomap tonumber toset
  tostring transpose trim trimprefix trimspace trimsuffix try upper urlencode uuid uuidv5 values yamldecode yamlencode
  zipmap`.split(/\s+/),
);

/** Names of the functions a parsed template calls (`jsonencode`, `provider::aws::arn_parse`), in order. */
export function functionsIn(ast: Ast.ExpressionType | null): string[] {
  const names: string[] = [];
  const visit = (node: Ast.ExpressionType) => {
    if (node.type === "function") names.push((node.meta as Ast.FunctionCallMeta).name);
    for (const child of node.children ?? []) visit(child);
  };
  if (ast) visit(ast);
  return names;
}
