/**
 * The rule engine of `npm run check`: runs every rule over every synthesized stack, applies the suppressions
 * written next to resources (src/suppress.ts) and reports findings by stack, Terraform address and rule.
 */
import { Block, blocksOf, SynthesizedStack, TerraformJson } from "../lib/synth";
import { MIN_REASON_LENGTH, suppressionsOf } from "../../src/suppress";

export type Severity = "CRITICAL" | "HIGH" | "MEDIUM" | "LOW";

/** What a rule reports: the block at fault and what exactly is wrong with it. */
export interface Violation {
  readonly address: string;
  readonly detail: string;
}

export interface Rule {
  /** `QS-<AREA>-<NNN>`, stable: suppressions and the README refer to it. */
  readonly id: string;
  /** The checkov checks this rule mirrors (empty when checkov has none). */
  readonly checkov: readonly string[];
  readonly severity: Severity;
  /** What must hold, one line. */
  readonly title: string;
  /** How to fix a finding, one or two sentences. */
  readonly fix: string;
  readonly check: (stack: StackView) => Violation[];
}

/** A synthesized stack with lookups the rules share. */
export class StackView {
  readonly blocks: readonly Block[];
  private readonly byAddress: Map<string, Block>;

  constructor(
    readonly name: string,
    readonly json: TerraformJson,
  ) {
    this.blocks = blocksOf(json);
    this.byAddress = new Map(this.blocks.map((b) => [b.address, b]));
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

function suppressionsIn(view: StackView): Suppression[] {
  return view.blocks.flatMap((b) =>
    Object.entries(suppressionsOf(b.body)).map(([rule, reason]) => ({ stack: view.name, address: b.address, rule, reason })),
  );
}

/** Every suppression written in the synthesized stacks, for the README's list. */
export function listSuppressions(stacks: readonly Pick<SynthesizedStack, "name" | "json">[]): Suppression[] {
  return stacks.flatMap((s) => suppressionsIn(new StackView(s.name, s.json)));
}

/** Runs `rules` over one stack; suppressed findings are returned too, marked with their reason. */
export function checkStack(stack: Pick<SynthesizedStack, "name" | "json">, rules: readonly Rule[]): Finding[] {
  const view = new StackView(stack.name, stack.json);
  const suppressions = suppressionsIn(view);
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
