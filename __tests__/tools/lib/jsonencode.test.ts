import { parseJsonDocument } from "../../../tools/lib/jsonencode";

describe("parseJsonDocument", () => {
  it("reads JSON text with references inside strings", () => {
    expect(parseJsonDocument('{"a":"${aws_x.y.arn}"}')).toEqual({ a: "${aws_x.y.arn}" });
  });

  it("reads Fn.jsonencode literals, bare expressions becoming ${…} strings", () => {
    const text =
      '${jsonencode({"Statement" = [{"Action" = ["s3:GetObject"], "Resource" = "${aws_s3_bucket.b.arn}/*", ' +
      '"Max" = 5, "On" = true, "Arn" = aws_s3_bucket.b.arn, "Joined" = join(",", [aws_x.a.id, "b}"])}]})}';
    expect(parseJsonDocument(text)).toEqual({
      Statement: [
        {
          Action: ["s3:GetObject"],
          Resource: "${aws_s3_bucket.b.arn}/*",
          Max: 5,
          On: true,
          Arn: "${aws_s3_bucket.b.arn}",
          Joined: '${join(",", [aws_x.a.id, "b}"])}',
        },
      ],
    });
  });

  it("returns undefined for what is not a document", () => {
    expect(parseJsonDocument("${aws_iam_policy.p.policy}")).toBeUndefined();
    expect(parseJsonDocument('${file("p.json")}')).toBeUndefined();
    expect(parseJsonDocument("{not json")).toBeUndefined();
    expect(parseJsonDocument('${jsonencode({"a" = })}')).toBeUndefined();
  });
});
