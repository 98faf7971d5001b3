import { TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SUPPRESSIONS_KEY, suppressionsOf, suppressRule } from "../../src/suppress";
import { TerraformJson } from "../../tools/lib/synth";

const REASON = "the topic carries only pipeline state changes";

function stackWithTopic() {
  const stack = new TerraformStack(Testing.app(), "s");
  new AwsProvider(stack, "aws", { region: "us-west-2" });
  const topic = new SnsTopic(stack, "topic", { name: "t" });
  return { stack, topic };
}

/** The stack as `cdktf synth` writes it: Testing.synth strips the `//` metadata this helper writes into. */
const toJson = (stack: TerraformStack): TerraformJson => JSON.parse(JSON.stringify(stack.toTerraform()));

describe("suppressRule", () => {
  it("writes rule id and reason into the resource's // metadata, next to cdktf's own", () => {
    const { stack, topic } = stackWithTopic();
    suppressRule(topic, "QS-SNS-001", `  ${REASON} `);
    suppressRule(topic, "QS-LOG-002", "a second suppression on the same resource");
    const body = Object.values(toJson(stack).resource!.aws_sns_topic)[0];
    expect(body["//"]).toEqual({
      metadata: expect.objectContaining({ path: "s/topic" }),
      [SUPPRESSIONS_KEY]: { "QS-SNS-001": REASON, "QS-LOG-002": "a second suppression on the same resource" },
    });
    expect(suppressionsOf(body)).toEqual({ "QS-SNS-001": REASON, "QS-LOG-002": "a second suppression on the same resource" });
  });

  it("leaves the Terraform arguments unchanged", () => {
    const plain = stackWithTopic();
    const suppressed = stackWithTopic();
    suppressRule(suppressed.topic, "QS-SNS-001", REASON);
    expect(Testing.synth(suppressed.stack)).toEqual(Testing.synth(plain.stack));
  });

  it("rejects a malformed rule id", () => {
    const { topic } = stackWithTopic();
    expect(() => suppressRule(topic, "CKV_AWS_26", REASON)).toThrow(/"CKV_AWS_26" is not a rule id.*QS-IAM-002/);
  });

  it("rejects a reason that does not say why", () => {
    const { topic } = stackWithTopic();
    expect(() => suppressRule(topic, "QS-SNS-001", " ok ")).toThrow(/reason "ok" for QS-SNS-001 on s\/topic is too short/);
  });

  it("reads no suppressions from a body without them", () => {
    expect(suppressionsOf({ name: "t", "//": { metadata: {} } })).toEqual({});
    expect(suppressionsOf({ name: "t" })).toEqual({});
  });
});
