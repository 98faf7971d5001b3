/**
 * IAM policy documents as the rules see them: every statement normalized to one shape, whether the policy was
 * written as an `aws_iam_policy_document` data source, as JSON text, or with `Fn.jsonencode`.
 */
import { parseJsonDocument } from "../lib/jsonencode";
import type { StackView } from "./engine";

export interface Condition {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
}

export interface Principal {
  readonly type: string;
  readonly identifiers: readonly string[];
}

export interface Statement {
  readonly sid?: string;
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  /** `{type: "AWS" | "Service" | "*", identifiers}`; empty for identity policies. */
  readonly principals: readonly Principal[];
  /** NotPrincipal: everyone but these. */
  readonly notPrincipals: readonly Principal[];
  readonly conditions: readonly Condition[];
}

/** A policy's statements, or why they could not be read (then every IAM rule reports it rather than passing). */
export type PolicyDocument = { readonly statements: readonly Statement[] } | { readonly unreadable: string };

const list = (v: unknown): string[] =>
  v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)];

/** Statements of an `aws_iam_policy_document` data source, its source and override documents included. */
function fromDataSource(body: Record<string, unknown>, resolve: (text: string) => PolicyDocument): PolicyDocument {
  const statements: Statement[] = [];
  for (const key of ["source_policy_documents", "override_policy_documents"]) {
    for (const text of list(body[key])) {
      const doc = resolve(text);
      if ("unreadable" in doc) return doc;
      statements.push(...doc.statements);
    }
  }
  for (const s of (body.statement ?? []) as Record<string, unknown>[]) {
    const principals = (key: string) =>
      ((s[key] ?? []) as Record<string, unknown>[]).map((p) => ({ type: String(p.type), identifiers: list(p.identifiers) }));
    statements.push({
      sid: s.sid as string | undefined,
      effect: s.effect === "Deny" ? "Deny" : "Allow",
      actions: list(s.actions),
      notActions: list(s.not_actions),
      resources: list(s.resources),
      notResources: list(s.not_resources),
      principals: principals("principals"),
      notPrincipals: principals("not_principals"),
      conditions: ((s.condition ?? []) as Record<string, unknown>[]).map((c) => ({
        test: String(c.test),
        variable: String(c.variable),
        values: list(c.values),
      })),
    });
  }
  return { statements };
}

/** Statements of a policy in IAM's own JSON grammar. */
export function fromIamJson(doc: unknown): PolicyDocument {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return { unreadable: "not a JSON object" };
  const raw = (doc as Record<string, unknown>).Statement;
  const statements = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]) as Record<string, unknown>[];
  return {
    statements: statements.map((s) => {
      const principals = (principal: unknown): Principal[] =>
        principal === undefined
          ? []
          : principal === "*"
            ? [{ type: "*", identifiers: ["*"] }]
            : Object.entries(principal as Record<string, unknown>).map(([type, ids]) => ({ type, identifiers: list(ids) }));
      const conditions: Condition[] = [];
      for (const [test, byVariable] of Object.entries((s.Condition ?? {}) as Record<string, Record<string, unknown>>)) {
        for (const [variable, values] of Object.entries(byVariable)) conditions.push({ test, variable, values: list(values) });
      }
      return {
        sid: s.Sid as string | undefined,
        effect: s.Effect === "Deny" ? ("Deny" as const) : ("Allow" as const),
        actions: list(s.Action),
        notActions: list(s.NotAction),
        resources: list(s.Resource),
        notResources: list(s.NotResource),
        principals: principals(s.Principal),
        notPrincipals: principals(s.NotPrincipal),
        conditions,
      };
    }),
  };
}

/**
 * Reads the policy a resource argument holds: `${data.aws_iam_policy_document.x.json}` (followed to the data
 * source in `stack`), JSON text, or `${jsonencode(…)}`.
 */
export function readPolicy(text: unknown, stack: StackView): PolicyDocument {
  const resolve = (value: string, seen: ReadonlySet<string>): PolicyDocument => {
    const document = wholePolicyDocumentReference(value, stack);
    if (document) {
      const block = stack.block(document);
      if (!block) return { unreadable: `${document} is not in this stack` };
      if (seen.has(document)) return { unreadable: `${document} includes itself` };
      return fromDataSource(block.body, (t) => resolve(t, new Set([...seen, document])));
    }
    const parsed = parseJsonDocument(value);
    if (parsed === undefined) {
      return { unreadable: `"${value.slice(0, 80)}" is neither JSON, jsonencode(…) nor an aws_iam_policy_document` };
    }
    return fromIamJson(parsed);
  };
  if (typeof text !== "string") return { unreadable: "the policy is not a string" };
  return resolve(text, new Set());
}

/** The address of the policy document when `value` is nothing but `${data.aws_iam_policy_document.<name>.json}`. */
function wholePolicyDocumentReference(value: string, stack: StackView): string | undefined {
  const targets = stack.targetsIn(value);
  if (targets.length !== 1) return undefined;
  const [t] = targets;
  const isDocument = t.kind === "data" && t.type === "aws_iam_policy_document" && (t.attribute === "json" || t.attribute === "minified_json");
  return isDocument && value.trim() === `\${${t.address}.${t.attribute}}` ? t.address : undefined;
}

/** Glob match of IAM action patterns (`*`, `?`), case-insensitive as IAM compares actions. */
export function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
  return re.test(action);
}
