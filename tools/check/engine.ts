/**
 * The rule engine of `npm run check`: runs every rule over every synthesized stack, applies the suppressions
 * written next to resources (src/suppress.ts) and reports findings by stack, Terraform address and rule.
 */
import { hasTemplateSyntax, ParsedTemplate, parseTemplates, ReferenceTarget, referencesIn, stringsIn, targetOf } from "../lib/expressions";
import { parseJsonDocument } from "../lib/jsonencode";
import { Block, blocksOf, SynthesizedStack, TerraformJson } from "../lib/synth";
import { MIN_REASON_LENGTH, suppressionsOf } from "../../src/suppress";

export type Severity = "CRITICAL" | "HIGH" | "MEDIUM" | "LOW";

/** What a rule reports: the block at fault and what exactly is wrong with it. */
export interface Violation {
  readonly address: string;
  readonly detail: string;
}

export interface Rule {
  /** `QS-<AREA>-<NNN>`, stable: suppressions, docs/security.md and .checkov.yaml refer to it. */
  readonly id: string;
  /** The checkov checks this rule mirrors (empty when checkov has none). */
  readonly checkov: readonly string[];
  /**
   * The checkov checks a suppression on a resource of a given type stands for, where that is not all of `checkov`
   * (QS-IAM-002 on a KMS key: checkov reads key policies with its policy-document checks only). `.checkov.yaml`
   * skips these for such a suppression. @default every id of `checkov`, for every type
   */
  readonly checkovOn?: Readonly<Record<string, readonly string[]>>;
  readonly severity: Severity;
  /** What must hold, one line. */
  readonly title: string;
  /** How to fix a finding, one or two sentences. */
  readonly fix: string;
  readonly check: (stack: StackView) => Violation[];
}

/**
 * A synthesized stack with lookups the rules share. What a string refers to is read with HashiCorp's HCL parser
 * (tools/lib/expressions.ts, as `npm run validate` reads it): {@link StackView.load} parses every template of the
 * stack once, together with the strings of the JSON documents it holds (policies and container definitions as JSON
 * text or `Fn.jsonencode`), so that the rules can ask synchronously.
 */
export class StackView {
  readonly blocks: readonly Block[];
  private readonly byAddress: Map<string, Block>;

  private constructor(
    readonly name: string,
    readonly json: TerraformJson,
    private readonly templates: ReadonlyMap<string, ParsedTemplate>,
  ) {
    this.blocks = blocksOf(json);
    this.byAddress = new Map(this.blocks.map((b) => [b.address, b]));
  }

  /** Parses the templates of a stack (one parser call for all of them). */
  static async load(name: string, json: TerraformJson): Promise<StackView> {
    const seen = new Set<string>();
    const templates: string[] = [];
    const collect = (value: unknown): void => {
      for (const { value: text } of stringsIn(value)) {
        if (seen.has(text)) continue;
        seen.add(text);
        if (hasTemplateSyntax(text)) templates.push(text);
        const document = parseJsonDocument(text);
        if (document !== undefined) collect(document);
      }
    };
    collect(json);
    return new StackView(name, json, await parseTemplates(templates));
  }

  /** Resource blocks of one type. */
  resources(type: string): Block[] {
    return this.blocks.filter((b) => b.kind === "resource" && b.type === type);
  }

  /** Data-source blocks of one type. */
  data(type: string): Block[] {
    return this.blocks.filter((b) => b.kind === "data" && b.type === type);
  }

  block(address: string): Block | undefined {
    return this.byAddress.get(address);
  }

  /**
   * The blocks, variables and locals that the strings of `value` (a string, or any part of a block body) refer
   * to, in document order. A template that does not parse refers to nothing known (see {@link StackView.templateError}).
   */
  targetsIn(value: unknown): ReferenceTarget[] {
    return [...stringsIn(value)].flatMap(({ value: text }) => {
      const parsed = this.parsed(text);
      return parsed?.ok ? referencesIn(parsed.ast).flatMap((r) => targetOf(r) ?? []) : [];
    });
  }

  /** True when `value` refers to the block at `address`, optionally only through one of `attributes`. */
  refersTo(value: unknown, address: string, attributes?: readonly string[]): boolean {
    return this.targetsIn(value).some(
      (t) => t.address === address && (attributes === undefined || (t.attribute !== undefined && attributes.includes(t.attribute))),
    );
  }

  /** The parser's error for a template of this stack that does not parse; undefined for one that does, or a literal. */
  templateError(text: string): string | undefined {
    const parsed = this.parsed(text);
    return parsed && !parsed.ok ? parsed.error : undefined;
  }

  private parsed(text: string): ParsedTemplate | undefined {
    if (!hasTemplateSyntax(text)) return undefined;
    const parsed = this.templates.get(text);
    // Only strings of the stack and of its JSON documents are parsed up front: anything else is a rule's mistake.
    if (!parsed) throw new Error(`"${text.slice(0, 80)}" is not a string of stack ${this.name} or of a JSON document in it`);
    return parsed;
  }
}

export interface Finding {
  readonly stack: string;
  readonly address: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly title: string;
  readonly detail: string;
  readonly fix: string;
  /** The reason given with `suppressRule`, when the finding is accepted. */
  readonly suppressedBecause?: string;
}

export interface Suppression {
  readonly stack: string;
  readonly address: string;
  readonly rule: string;
  readonly reason: string;
}

/** Findings about suppressions themselves; they cannot be suppressed. */
export const META_RULES = {
  unknownRule: {
    id: "QS-META-001",
    severity: "HIGH",
    title: "A suppression names a rule that exists",
    fix: "Correct the rule id in suppressRule(...) or remove the call.",
  },
  weakReason: {
    id: "QS-META-002",
    severity: "HIGH",
    title: `A suppression gives a reason of at least ${MIN_REASON_LENGTH} characters`,
    fix: "Say in suppressRule(...) why the rule does not apply to this resource.",
  },
  unused: {
    id: "QS-META-003",
    severity: "MEDIUM",
    title: "A suppression silences a finding (no stale suppressions)",
    fix: "The resource passes the rule now: remove the suppressRule(...) call.",
  },
} as const;

function suppressionsIn(stack: Pick<SynthesizedStack, "name" | "json">): Suppression[] {
  return blocksOf(stack.json).flatMap((b) =>
    Object.entries(suppressionsOf(b.body)).map(([rule, reason]) => ({ stack: stack.name, address: b.address, rule, reason })),
  );
}

/** Every suppression written in the synthesized stacks, for the list in docs/security.md and for .checkov.yaml. */
export function listSuppressions(stacks: readonly Pick<SynthesizedStack, "name" | "json">[]): Suppression[] {
  return stacks.flatMap(suppressionsIn);
}

/** Runs `rules` over one stack; suppressed findings are returned too, marked with their reason. */
export async function checkStack(stack: Pick<SynthesizedStack, "name" | "json">, rules: readonly Rule[]): Promise<Finding[]> {
  const view = await StackView.load(stack.name, stack.json);
  const suppressions = suppressionsIn(stack);
  const known = new Set(rules.map((r) => r.id));
  const used = new Set<Suppression>();
  const findings: Finding[] = [];

  for (const rule of rules) {
    for (const v of rule.check(view)) {
      const suppression = suppressions.find(
        (s) => s.address === v.address && s.rule === rule.id && s.reason.trim().length >= MIN_REASON_LENGTH,
      );
      if (suppression) used.add(suppression);
      findings.push({
        stack: stack.name,
        address: v.address,
        rule: rule.id,
        severity: rule.severity,
        title: rule.title,
        detail: v.detail,
        fix: rule.fix,
        suppressedBecause: suppression?.reason,
      });
    }
  }

  const meta = (m: (typeof META_RULES)[keyof typeof META_RULES], s: Suppression, detail: string): Finding => ({
    stack: stack.name,
    address: s.address,
    rule: m.id,
    severity: m.severity,
    title: m.title,
    detail,
    fix: m.fix,
  });
  for (const s of suppressions) {
    if (!known.has(s.rule)) findings.push(meta(META_RULES.unknownRule, s, `suppression of unknown rule ${s.rule}`));
    else if (s.reason.trim().length < MIN_REASON_LENGTH)
      findings.push(meta(META_RULES.weakReason, s, `suppression of ${s.rule} gives the reason "${s.reason}"`));
    else if (!used.has(s)) findings.push(meta(META_RULES.unused, s, `suppression of ${s.rule} matches no finding`));
  }
  return findings;
}

/** Findings that fail the check: those not suppressed. */
export const unsuppressed = (findings: readonly Finding[]): Finding[] =>
  findings.filter((f) => f.suppressedBecause === undefined);

/** One line per finding: `stack  address  RULE [SEVERITY] detail. Fix: …`. */
export function formatFinding(f: Finding): string {
  const status = f.suppressedBecause === undefined ? "" : ` (suppressed: ${f.suppressedBecause})`;
  return `${f.stack}  ${f.address}  ${f.rule} [${f.severity}] ${f.detail}${status}\n    fix: ${f.fix}`;
}
