import { referencesIn, referencesInString, refersTo } from "../../../tools/lib/references";

describe("referencesInString", () => {
  it("finds resource, data, local and var references with their first attribute", () => {
    const refs = referencesInString("${aws_sqs_queue.q.arn}/x ${data.aws_iam_policy_document.p.json} ${local.a} ${var.b}");
    expect(refs.map((r) => [r.kind, r.address, r.attribute])).toEqual([
      ["resource", "aws_sqs_queue.q", "arn"],
      ["data", "data.aws_iam_policy_document.p", "json"],
      ["local", "local.a", undefined],
      ["var", "var.b", undefined],
    ]);
  });

  it("ignores plain text, and attribute paths inside other references", () => {
    expect(referencesInString("aws_sqs_queue.q.arn")).toEqual([]);
    expect(referencesInString("${element(aws_subnet.a.*.id, 0)}").map((r) => r.address)).toEqual(["aws_subnet.a"]);
  });
});

describe("refersTo", () => {
  it("matches the address and, when given, the attribute", () => {
    const value = { nested: ["${aws_s3_bucket.b.arn}/*"] };
    expect(refersTo(value, "aws_s3_bucket.b")).toBe(true);
    expect(refersTo(value, "aws_s3_bucket.b", ["arn"])).toBe(true);
    expect(refersTo(value, "aws_s3_bucket.b", ["id"])).toBe(false);
    expect(refersTo(value, "aws_s3_bucket.bb")).toBe(false);
    expect(referencesIn(value)).toHaveLength(1);
  });
});
