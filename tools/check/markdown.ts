import { Rule, Suppression, META_RULES } from "./engine";
import { STAR_ONLY_ACTIONS } from "./rules";

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The rule table of docs/security.md: id, checkov ids, severity, what must hold, how to fix; then the `*`-only actions. */
export function rulesMarkdown(rules: readonly Rule[]): string {
  const rows = rules.map(
    (r) => `| ${r.id} | ${r.checkov.join(", ") || "–"} | ${r.severity} | ${cell(r.title)} | ${cell(r.fix)} |`,
  );
  const meta = Object.values(META_RULES).map((m) => `| ${m.id} | – | ${m.severity} | ${cell(m.title)} | ${cell(m.fix)} |`);
  const star = STAR_ONLY_ACTIONS.map(
    (a) => `| \`${a.action}\` | ${cell(a.reason)} | ${a.requiredConditionKey ? `\`${a.requiredConditionKey}\`` : "–"} |`,
  );
  return [
    "| Rule | checkov | Severity | What must hold | How to fix |",
    "|---|---|---|---|---|",
    ...rows,
    ...meta,
    "",
    'Actions allowed on resource `"*"` (QS-IAM-002), because they accept no other resource:',
    "",
    "| Action | Why only `*` | Condition required |",
    "|---|---|---|",
    ...star,
  ].join("\n");
}

/** The list of every suppression in docs/security.md, by stack and address. */
export function suppressionsMarkdown(suppressions: readonly Suppression[]): string {
  if (suppressions.length === 0) return "No suppressions.";
  return [
    "| Stack | Resource | Rule | Reason |",
    "|---|---|---|---|",
    ...suppressions.map((s) => `| ${s.stack} | \`${s.address}\` | ${s.rule} | ${cell(s.reason)} |`),
  ].join("\n");
}
