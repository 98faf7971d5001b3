import {
  dynamicIteratorsOn,
  hasTemplateSyntax,
  isTemplatePath,
  parseBareReference,
  parseTemplate,
  parseTemplates,
  referencesIn,
  stringsIn,
  targetOf,
} from "../../../tools/lib/expressions";

const refs = async (template: string) => {
  const parsed = await parseTemplate(template);
  if (!parsed.ok) throw new Error(parsed.error);
  return referencesIn(parsed.ast).map((r) => ({ parts: r.parts.join("."), indexed: r.indexed, afterIndex: r.afterIndex.join(".") }));
};

test("stringsIn walks every string with its attribute path and skips // comments", () => {
  const body = { "//": { metadata: "x" }, a: "1", b: [{ c: "2" }, "3"], d: { e: { f: "4" } }, n: 5 };
  expect([...stringsIn(body)]).toEqual([
    { path: "a", value: "1" },
    { path: "b[0].c", value: "2" },
    { path: "b[1]", value: "3" },
    { path: "d.e.f", value: "4" },
  ]);
});

test("templates are told from literals and from meta-arguments that are not templates", () => {
  expect(hasTemplateSyntax("${var.x}")).toBe(true);
  expect(hasTemplateSyntax("a%{ if true }b%{ endif }")).toBe(true);
  expect(hasTemplateSyntax("$${literal} and %%{literal}")).toBe(false);
  expect(hasTemplateSyntax('{"Version":"2012-10-17"}')).toBe(false);
  expect(isTemplatePath("tags.Name")).toBe(true);
  expect(isTemplatePath("depends_on[0]")).toBe(false);
  expect(isTemplatePath("lifecycle.ignore_changes[1]")).toBe(false);
  expect(isTemplatePath("provider")).toBe(false);
});

test("parses what Terraform's JSON syntax reads: quotes, backslashes and newlines verbatim, any delimiter line", async () => {
  for (const text of [
    '${jsonencode({"a" = "b\\n", c = [1, 2]})}',
    'line one\nEOT\n${var.x} \\ "quoted"',
    "%{ for s in var.list }${s},%{ endfor }",
    "${provider::aws::arn_parse(var.arn).account_id}",
  ]) {
    expect(await parseTemplate(text)).toEqual({ ok: true, ast: expect.anything() });
  }
  const bad = await parseTemplate("${var.x");
  expect(bad.ok).toBe(false);
});

test("references: resources, data sources, indexes, splats; names bound by for expressions are not references", async () => {
  expect(await refs("${aws_vpc.main.id}-${data.aws_region.r.region}")).toEqual([
    { parts: "aws_vpc.main.id", indexed: false, afterIndex: "" },
    { parts: "data.aws_region.r.region", indexed: false, afterIndex: "" },
  ]);
  expect(await refs('${aws_subnet.a[0].id} ${aws_vpc.v.tags["Name"]}')).toEqual([
    { parts: "aws_subnet.a", indexed: true, afterIndex: "id" },
    { parts: "aws_vpc.v.tags", indexed: true, afterIndex: "" },
  ]);
  expect(await refs("${[for s in aws_subnet.a : s.id if s.id != local.skip]}")).toEqual([
    { parts: "aws_subnet.a", indexed: false, afterIndex: "" },
    { parts: "local.skip", indexed: false, afterIndex: "" },
  ]);
  expect(await refs("${aws_subnet.a[*].id}")).toEqual([{ parts: "aws_subnet.a", indexed: false, afterIndex: "" }]);
});

test("bare references as depends_on writes them", () => {
  expect(parseBareReference("aws_vpc.main")).toEqual(["aws_vpc", "main"]);
  expect(parseBareReference("data.aws_region.r")).toEqual(["data", "aws_region", "r"]);
  expect(parseBareReference("${aws_vpc.main}")).toEqual(["aws_vpc", "main"]);
  expect(parseBareReference('aws_subnet.a["x"].id')).toEqual(["aws_subnet", "a"]);
  expect(parseBareReference("aws_vpc.main[0] +")).toBeUndefined();
});

test("dynamic blocks bind their iterator (default: the block name) inside their content", () => {
  const body = { dynamic: { ingress: { for_each: "${var.p}", content: { dynamic: { rule: { iterator: "r", content: { x: "${r.value}" } } } } } } };
  expect(dynamicIteratorsOn(body, "dynamic.ingress.content.dynamic.rule.content.x")).toEqual(["ingress", "r"]);
  expect(dynamicIteratorsOn(body, "tags.Name")).toEqual([]);
});

test("parseTemplates parses many templates in one call, as parseTemplate parses each; an error stays with its template", async () => {
  const texts = ["${aws_vpc.main.id}", "line one\nEOT\n${var.x}", "%{ for s in var.list }${s.id},%{ endfor }", '${jsonencode({"a" = local.b})}'];
  const together = await parseTemplates([...texts, texts[0]]);
  expect([...together.keys()]).toEqual(texts);
  for (const text of texts) {
    const alone = await parseTemplate(text);
    const batched = together.get(text)!;
    if (!alone.ok || !batched.ok) throw new Error(`${text} does not parse`);
    expect(referencesIn(batched.ast)).toEqual(referencesIn(alone.ast));
  }
  const withBad = await parseTemplates(["${var.x}", "${var.x"]);
  expect(withBad.get("${var.x}")).toEqual({ ok: true, ast: expect.anything() });
  expect(withBad.get("${var.x")).toEqual({ ok: false, error: expect.any(String) });
  expect(await parseTemplates([])).toEqual(new Map());
});

test("targetOf: the block a reference points at and the first attribute it reads", async () => {
  const parsed = await parseTemplate(
    "${aws_sqs_queue.q.arn} ${data.aws_iam_policy_document.p.json} ${local.a} ${var.b} ${aws_subnet.a[0].id} ${module.m.out} ${count.index} ${each.value}",
  );
  if (!parsed.ok) throw new Error(parsed.error);
  expect(referencesIn(parsed.ast).map(targetOf)).toEqual([
    { kind: "resource", type: "aws_sqs_queue", name: "q", address: "aws_sqs_queue.q", attribute: "arn" },
    { kind: "data", type: "aws_iam_policy_document", name: "p", address: "data.aws_iam_policy_document.p", attribute: "json" },
    { kind: "local", type: "", name: "a", address: "local.a", attribute: undefined },
    { kind: "var", type: "", name: "b", address: "var.b", attribute: undefined },
    { kind: "resource", type: "aws_subnet", name: "a", address: "aws_subnet.a", attribute: "id" },
    { kind: "module", type: "", name: "m", address: "module.m", attribute: "out" },
    undefined,
    undefined,
  ]);
});
