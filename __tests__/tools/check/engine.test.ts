import { TerraformJson } from "../../../tools/lib/synth";
import { checkStack, formatFinding, listSuppressions, Rule, StackView, unsuppressed } from "../../../tools/check/engine";
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

const summary = async (json: TerraformJson) =>
  (await checkStack({ name: "st", json }, [TOPIC_RULE])).map((f) => [f.address, f.rule, f.suppressedBecause ?? null]);

describe("checkStack", () => {
  it("reports each violation with stack, address and rule", async () => {
    const [finding] = await checkStack({ name: "st", json: stack() }, [TOPIC_RULE]);
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

  it("marks a finding suppressed on its own resource only", async () => {
    const json = stack({ "QS-TST-001": "this topic is allowed for testing" });
    expect(await summary(json)).toEqual([
      ["aws_sns_topic.a", "QS-TST-001", "this topic is allowed for testing"],
      ["aws_sns_topic.b", "QS-TST-001", null],
    ]);
    expect(unsuppressed(await checkStack({ name: "st", json }, [TOPIC_RULE])).map((f) => f.address)).toEqual(["aws_sns_topic.b"]);
    expect(listSuppressions([{ name: "st", json }])).toEqual([
      { stack: "st", address: "aws_sns_topic.a", rule: "QS-TST-001", reason: "this topic is allowed for testing" },
    ]);
  });

  it("fails a suppression of an unknown rule, with a short reason, or that silences nothing", async () => {
    const findings = async (s: Record<string, string>, rules: Rule[]) =>
      unsuppressed(await checkStack({ name: "st", json: stack(s) }, rules)).map((f) => `${f.address} ${f.rule}`);
    expect(await findings({ "QS-TST-999": "a rule that does not exist here" }, [TOPIC_RULE])).toContain("aws_sns_topic.a QS-META-001");
    // A hand-written short reason does not count: the finding stays and the suppression is reported.
    expect(await findings({ "QS-TST-001": "why not" }, [TOPIC_RULE])).toEqual([
      "aws_sns_topic.a QS-TST-001",
      "aws_sns_topic.b QS-TST-001",
      "aws_sns_topic.a QS-META-002",
    ]);
    const quiet: Rule = { ...TOPIC_RULE, check: () => [] };
    expect(await findings({ "QS-TST-001": "this topic is allowed for testing" }, [quiet])).toEqual(["aws_sns_topic.a QS-META-003"]);
  });
});

describe("StackView references, read by the HCL parser", () => {
  const json: TerraformJson = {
    resource: {
      aws_s3_bucket_policy: {
        p: {
          bucket: "${aws_s3_bucket.b.id}",
          policy: '${jsonencode({"Statement" = [{"Resource" = aws_s3_bucket.b.arn}]})}',
          tags: { mixed: "${aws_sqs_queue.q.arn}/x ${data.aws_iam_policy_document.p.json} ${local.a} ${var.b}" },
        },
      },
      aws_instance: { i: { subnet_id: "${element(aws_subnet.a.*.id, 0)}", plain: "aws_sqs_queue.q.arn", nested: ["${aws_s3_bucket.b.arn}/*"] } },
    },
  };
  let stack: StackView;
  beforeAll(async () => {
    stack = await StackView.load("st", json);
  });

  it("finds resource, data, local and var references with their first attribute", () => {
    const mixed = "${aws_sqs_queue.q.arn}/x ${data.aws_iam_policy_document.p.json} ${local.a} ${var.b}";
    expect(stack.targetsIn(mixed).map((r) => [r.kind, r.address, r.attribute])).toEqual([
      ["resource", "aws_sqs_queue.q", "arn"],
      ["data", "data.aws_iam_policy_document.p", "json"],
      ["local", "local.a", undefined],
      ["var", "var.b", undefined],
    ]);
  });

  it("ignores plain text, and attribute paths inside other references", () => {
    expect(stack.targetsIn("aws_sqs_queue.q.arn")).toEqual([]);
    expect(stack.targetsIn("${element(aws_subnet.a.*.id, 0)}").map((r) => r.address)).toEqual(["aws_subnet.a"]);
  });

  it("refersTo matches the address and, when given, the attribute", () => {
    const value = { nested: ["${aws_s3_bucket.b.arn}/*"] };
    expect(stack.refersTo(value, "aws_s3_bucket.b")).toBe(true);
    expect(stack.refersTo(value, "aws_s3_bucket.b", ["arn"])).toBe(true);
    expect(stack.refersTo(value, "aws_s3_bucket.b", ["id"])).toBe(false);
    expect(stack.refersTo(value, "aws_s3_bucket.bb")).toBe(false);
    expect(stack.targetsIn(value)).toHaveLength(1);
  });

  it("reads the strings of the JSON documents the stack holds, and refuses strings it has not parsed", () => {
    // Fn.jsonencode's bare expression becomes "${aws_s3_bucket.b.arn}" in the document the policy rules read.
    expect(stack.refersTo("${aws_s3_bucket.b.arn}", "aws_s3_bucket.b", ["arn"])).toBe(true);
    expect(() => stack.targetsIn("${aws_vpc.elsewhere.id}")).toThrow(/not a string of stack st/);
  });
});
