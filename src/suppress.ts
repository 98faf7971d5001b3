import { TerraformResource } from "cdktf";

/**
 * Key under a resource's `//` metadata where suppressions of the project's security rules (`npm run check`) are
 * written. Terraform ignores `//` keys in JSON configuration, so the suppression changes nothing in the plan;
 * the checker reads it next to the finding it silences.
 */
export const SUPPRESSIONS_KEY = "security_suppressions";

/** Rule ids look like `QS-IAM-002`. */
const RULE_ID = /^QS-[A-Z0-9]+-\d{3}$/;

/** A reason must say why, not just that: at least this many characters. */
export const MIN_REASON_LENGTH = 20;

/**
 * Accepts one finding of rule `ruleId` on `resource`, for the reason given. Call it next to the resource it
 * concerns, in the construct that creates it, so the exception is reviewed with the code; `npm run check -- --markdown`
 * lists every suppression for docs/security.md, and `npm run checkov:config` turns each into skips of the checkov
 * checks the rule mirrors (.checkov.yaml). A suppression that silences nothing fails the check, so stale ones
 * cannot pile up.
 *
 * @throws Error when the rule id is malformed or the reason is shorter than MIN_REASON_LENGTH characters.
 */
export function suppressRule(resource: TerraformResource, ruleId: string, reason: string): void {
  if (!RULE_ID.test(ruleId)) {
    throw new Error(`suppressRule: rule id "${ruleId}" is not a rule id; expected the form QS-<AREA>-<NNN>, e.g. QS-IAM-002.`);
  }
  const why = reason.trim();
  if (why.length < MIN_REASON_LENGTH) {
    throw new Error(
      `suppressRule: reason "${why}" for ${ruleId} on ${resource.node.path} is too short; ` +
        `say why the rule does not apply (at least ${MIN_REASON_LENGTH} characters).`,
    );
  }
  // Override paths split on "."; a rule id has none, so the id is one key under the suppressions object.
  resource.addOverride(`//.${SUPPRESSIONS_KEY}.${ruleId}`, why);
}

/** The suppressions a synthesized resource body carries: rule id -> reason. */
export function suppressionsOf(body: Record<string, unknown>): Record<string, string> {
  const meta = body["//"];
  if (meta === null || typeof meta !== "object") return {};
  const found = (meta as Record<string, unknown>)[SUPPRESSIONS_KEY];
  if (found === null || typeof found !== "object") return {};
  return Object.fromEntries(Object.entries(found as Record<string, unknown>).map(([id, why]) => [id, String(why)]));
}
