import { TerraformStack, Testing } from "cdktf";
import { serviceTrustPolicy } from "../../src/iam";
import { TerraformJson } from "../helpers";

function trustStatements(options: Parameters<typeof serviceTrustPolicy>[2]) {
  const stack = new TerraformStack(Testing.app(), "s");
  serviceTrustPolicy(stack, "trust", options);
  const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
  return Object.values(json.data!.aws_iam_policy_document)[0].statement;
}

describe("serviceTrustPolicy", () => {
  it("lets one service assume the role on behalf of this account only", () => {
    expect(trustStatements({ service: "lambda.amazonaws.com", accountId: "111122223333" })).toEqual([
      {
        effect: "Allow",
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
        condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["111122223333"] }],
      },
    ]);
  });

  it("adds an ArnLike aws:SourceArn condition when given one", () => {
    const [statement] = trustStatements({
      service: "vpc-flow-logs.amazonaws.com",
      accountId: "111122223333",
      sourceArnLike: "arn:aws:ec2:us-west-2:111122223333:vpc-flow-log/*",
    });
    expect(statement.condition).toEqual([
      { test: "StringEquals", variable: "aws:SourceAccount", values: ["111122223333"] },
      { test: "ArnLike", variable: "aws:SourceArn", values: ["arn:aws:ec2:us-west-2:111122223333:vpc-flow-log/*"] },
    ]);
  });
});
