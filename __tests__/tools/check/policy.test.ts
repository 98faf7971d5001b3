import { StackView } from "../../../tools/check/engine";
import { actionMatches, readPolicy } from "../../../tools/check/policy";
import { TerraformJson } from "../../../tools/lib/synth";

const json: TerraformJson = {
  data: {
    aws_iam_policy_document: {
      base: { statement: [{ sid: "Base", actions: ["sqs:SendMessage"], resources: ["${aws_sqs_queue.q.arn}"] }] },
      full: {
        source_policy_documents: ["${data.aws_iam_policy_document.base.json}"],
        statement: [
          {
            effect: "Deny",
            actions: ["s3:*"],
            resources: ["*"],
            principals: [{ type: "*", identifiers: ["*"] }],
            condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
          },
        ],
      },
      loop: { source_policy_documents: ["${data.aws_iam_policy_document.loop.json}"] },
    },
  },
  resource: {
    // The policies read below, as resources of the stack hold them (the stack's strings are parsed when it loads).
    aws_iam_policy: {
      full: { policy: "${data.aws_iam_policy_document.full.minified_json}" },
      missing: { policy: "${data.aws_iam_policy_document.missing.json}" },
    },
  },
};
let stack: StackView;
beforeAll(async () => {
  stack = await StackView.load("test", json);
});

describe("readPolicy", () => {
  it("follows a policy document and the documents it includes", () => {
    const doc = readPolicy("${data.aws_iam_policy_document.full.minified_json}", stack);
    expect(doc).toEqual({
      statements: [
        expect.objectContaining({ sid: "Base", effect: "Allow", actions: ["sqs:SendMessage"], resources: ["${aws_sqs_queue.q.arn}"] }),
        expect.objectContaining({
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        }),
      ],
    });
  });

  it("reads IAM JSON with single values, Principal \"*\" and conditions", () => {
    const text = JSON.stringify({
      Statement: { Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: "*", Condition: { ArnEquals: { "aws:SourceArn": "x" } } },
    });
    expect(readPolicy(text, stack)).toEqual({
      statements: [
        {
          sid: undefined,
          effect: "Allow",
          actions: ["sqs:SendMessage"],
          notActions: [],
          resources: ["*"],
          notResources: [],
          principals: [{ type: "*", identifiers: ["*"] }],
          notPrincipals: [],
          conditions: [{ test: "ArnEquals", variable: "aws:SourceArn", values: ["x"] }],
        },
      ],
    });
  });

  it("keeps NotPrincipal apart from Principal, in IAM JSON and in policy documents", () => {
    const text = JSON.stringify({ Statement: [{ Effect: "Deny", NotPrincipal: { AWS: ["arn:aws:iam::1:role/admin"] }, Action: "s3:*", Resource: "*" }] });
    expect(readPolicy(text, stack)).toEqual({
      statements: [expect.objectContaining({ principals: [], notPrincipals: [{ type: "AWS", identifiers: ["arn:aws:iam::1:role/admin"] }] })],
    });
  });

  it("says why a policy cannot be read instead of returning no statements", () => {
    expect(readPolicy("${data.aws_iam_policy_document.missing.json}", stack)).toEqual({ unreadable: expect.stringMatching(/not in this stack/) });
    expect(readPolicy("${data.aws_iam_policy_document.loop.json}", stack)).toEqual({ unreadable: expect.stringMatching(/includes itself/) });
    expect(readPolicy(undefined, stack)).toEqual({ unreadable: expect.any(String) });
  });
});

describe("actionMatches", () => {
  it("matches IAM wildcards case-insensitively", () => {
    expect(actionMatches("iam:Pass*", "iam:PassRole")).toBe(true);
    expect(actionMatches("*", "iam:PassRole")).toBe(true);
    expect(actionMatches("IAM:passrole", "iam:PassRole")).toBe(true);
    expect(actionMatches("iam:Get*", "iam:PassRole")).toBe(false);
  });
});
