import { TerraformJson } from "../../../tools/lib/synth";
import { checkStack, formatFinding, listSuppressions, Rule, unsuppressed } from "../../../tools/check/engine";
import { SUPPRESSIONS_KEY } from "../../../src/suppress";

/** A rule that flags every aws_sns_topic, to test the engine apart from real rules. */
const TOPIC_RULE: Rule = {
  id: "QS-TST-001",
  checkov: [],
  severity: "LOW",
  title: "no topics",
  fix: "remove the topic",
  check: (stack) => stack.resources("aws_sns_topic").map((b) => ({ address: b.address, detail: "is a topic" })),
};

const stack = (suppressions?: Record<string, string>): TerraformJson => ({
  resource: {
    aws_sns_topic: {
      a: { name: "a", "//": { metadata: {}, ...(suppressions ? { [SUPPRESSIONS_KEY]: suppressions } : {}) } },
      b: { name: "b" },
    },
  },
});

const summary = (json: TerraformJson) =>
  checkStack({ name: "st", json }, [TOPIC_RULE]).map((f) => [f.address, f.rule, f.suppressedBecause ?? null]);

describe("checkStack", () => {
  it("reports each violation with stack, address and rule", () => {
    const [finding] = checkStack({ name: "st", json: stack() }, [TOPIC_RULE]);
    expect(finding).toEqual({
      stack: "st",
      address: "aws_sns_topic.a",
      rule: "QS-TST-001",
      severity: "LOW",
      title: "no topics",
      detail: "is a topic",
      fix: "remove the topic",
      suppressedBecause: undefined,
    });
    expect(formatFinding(finding)).toBe("st  aws_sns_topic.a  QS-TST-001 [LOW] is a topic\n    fix: remove the topic");
  });

  it("marks a finding suppressed on its own resource only", () => {
    const json = stack({ "QS-TST-001": "this topic is allowed for testing" });
    expect(summary(json)).toEqual([
      ["aws_sns_topic.a", "QS-TST-001", "this topic is allowed for testing"],
      ["aws_sns_topic.b", "QS-TST-001", null],
    ]);
    expect(unsuppressed(checkStack({ name: "st", json }, [TOPIC_RULE])).map((f) => f.address)).toEqual(["aws_sns_topic.b"]);
    expect(listSuppressions([{ name: "st", json }])).toEqual([
      { stack: "st", address: "aws_sns_topic.a", rule: "QS-TST-001", reason: "this topic is allowed for testing" },
    ]);
  });

  it("fails a suppression of an unknown rule, with a short reason, or that silences nothing", () => {
    const findings = (s: Record<string, string>, rules: Rule[]) =>
      unsuppressed(checkStack({ name: "st", json: stack(s) }, rules)).map((f) => `${f.address} ${f.rule}`);
    expect(findings({ "QS-TST-999": "a rule that does not exist here" }, [TOPIC_RULE])).toContain("aws_sns_topic.a QS-META-001");
    // A hand-written short reason does not count: the finding stays and the suppression is reported.
    expect(findings({ "QS-TST-001": "why not" }, [TOPIC_RULE])).toEqual([
      "aws_sns_topic.a QS-TST-001",
      "aws_sns_topic.b QS-TST-001",
      "aws_sns_topic.a QS-META-002",
    ]);
    const quiet: Rule = { ...TOPIC_RULE, check: () => [] };
    expect(findings({ "QS-TST-001": "this topic is allowed for testing" }, [quiet])).toEqual(["aws_sns_topic.a QS-META-003"]);
  });
});
