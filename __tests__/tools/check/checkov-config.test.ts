import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkovConfig, checkovSkips, CHECKOV_CONFIG_FILE, main } from "../../../tools/check/checkov-config";
import { listSuppressions } from "../../../tools/check/engine";
import { RULES } from "../../../tools/check/rules";
import { synthesizeApp, SynthesizedStack, TerraformJson } from "../../../tools/lib/synth";
import { SUPPRESSIONS_KEY } from "../../../src/suppress";

/** A resource body carrying suppressions the way suppressRule writes them. */
const suppressed = (body: Record<string, unknown>, suppressions: Record<string, string>) => ({ ...body, "//": { [SUPPRESSIONS_KEY]: suppressions } });

/** The ids under `skip-check:` of a config text, in order. */
const skipIds = (text: string): string[] => [...text.split("skip-check:")[1].matchAll(/^ {2}- (\S+)$/gm)].map((m) => m[1]);

// One synth of the app for the whole file.
let app: { outdir: string; stacks: SynthesizedStack[] };
beforeAll(() => {
  app = synthesizeApp();
});
afterAll(() => fs.rmSync(app.outdir, { recursive: true, force: true }));

describe(".checkov.yaml", () => {
  it("is what the suppressions of every stack of the app give (run `npm run checkov:config` after changing one)", () => {
    expect(fs.readFileSync(CHECKOV_CONFIG_FILE, "utf8")).toBe(checkovConfig(app.stacks));
  });

  it("skips the checkov checks of the rules suppressed in the app (the 17 ids checkov reported, but the two fixed, and CKV_AWS_119 of the fan-out table), each with its reasons", () => {
    const text = checkovConfig(app.stacks);
    expect(text).toMatch(/^framework:\n {2}- terraform_json$/m);
    // prettier-ignore
    expect(skipIds(text)).toEqual([
      "CKV_AWS_18", "CKV_AWS_50", "CKV_AWS_109", "CKV_AWS_111", "CKV_AWS_115", "CKV_AWS_117", "CKV_AWS_119", "CKV_AWS_136", "CKV_AWS_144",
      "CKV_AWS_158", "CKV_AWS_173", "CKV_AWS_272", "CKV_AWS_316", "CKV_AWS_338", "CKV_AWS_356", "CKV2_AWS_62",
    ]);
    const mirrored = new Set(listSuppressions(app.stacks).flatMap((s) => RULES.find((r) => r.id === s.rule)!.checkov));
    expect(skipIds(text).filter((id) => !mirrored.has(id))).toEqual([]);
    for (const s of listSuppressions(app.stacks)) expect(text).toContain(s.reason);
  });

  it("fixes what checkov reports as weaknesses instead of skipping them", () => {
    const ids = skipIds(checkovConfig(app.stacks));
    expect(ids).not.toContain("CKV_AWS_219"); // the pipeline's artifact store has a customer managed key
    expect(ids).not.toContain("CKV_AWS_147"); // and the build encrypts its output with it
    expect(ids).not.toContain("CKV_AWS_28"); // the fan-out table has point-in-time recovery
  });
});

describe("checkovConfig", () => {
  const stack = (json: TerraformJson) => ({ name: "s", json });

  it("turns a suppression into a skip of the checks its rule mirrors, with the resource and the reason", () => {
    const json: TerraformJson = {
      resource: {
        aws_cloudwatch_log_group: {
          a: suppressed({ name: "/a" }, { "QS-LOG-002": "holds ids only, no payload" }),
          b: suppressed({ name: "/b" }, { "QS-LOG-002": "holds ids only, no payload" }),
        },
        aws_codepipeline: { p: suppressed({}, { "QS-SEC-001": "the opt-in blueprint mode, documented" }) },
      },
    };
    const text = checkovConfig([stack(json)]);
    expect(skipIds(text)).toEqual(["CKV_AWS_158"]); // QS-SEC-001 mirrors no checkov check
    expect(text).toContain("  # CKV_AWS_158 (QS-LOG-002) on s: aws_cloudwatch_log_group.a, aws_cloudwatch_log_group.b. holds ids only, no payload\n  - CKV_AWS_158\n");
  });

  it("skips for a suppression on a key only the checks that read key policies; elsewhere all of the rule's", () => {
    const onKey = checkovSkips([stack({ resource: { aws_kms_key: { k: suppressed({}, { "QS-IAM-002": "a key policy's * is the key" }) } } })]);
    expect(onKey.map((s) => s.id)).toEqual(["CKV_AWS_109", "CKV_AWS_111", "CKV_AWS_356"]);
    const onRole = checkovSkips([stack({ resource: { aws_iam_role_policy: { p: suppressed({}, { "QS-IAM-002": "for the sake of the test" }) } } })]);
    expect(onRole.map((s) => s.id)).toEqual(["CKV_AWS_109", "CKV_AWS_111", "CKV_AWS_289", "CKV_AWS_290", "CKV_AWS_355", "CKV_AWS_356"]);
  });

  it("has an empty skip list without suppressions, and sorts CKV_AWS_* by number before CKV2_AWS_*", () => {
    expect(checkovConfig([stack({})])).toMatch(/^skip-check: \[\]$/m);
    const bucket = suppressed({}, { "QS-S3-007": "nothing consumes the events", "QS-S3-005": "no log bucket for it", "QS-LOG-003": "n/a here" });
    expect(skipIds(checkovConfig([stack({ resource: { aws_s3_bucket: { b: bucket } } })]))).toEqual(["CKV_AWS_18", "CKV_AWS_338", "CKV2_AWS_62"]);
  });
});

describe("npm run checkov:config (main)", () => {
  let dir: string;
  let errors: string[];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qs-checkov-"));
    errors = [];
    jest.spyOn(console, "log").mockImplementation(() => undefined);
    jest.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("writes the file, then --check accepts it and rejects a stale one", () => {
    const file = path.join(dir, ".checkov.yaml");
    expect(main(["--check"], file, app.stacks)).toBe(1);
    // This one synthesizes the app itself, as `npm run checkov:config` does.
    expect(main([], file)).toBe(0);
    expect(fs.readFileSync(file, "utf8")).toBe(fs.readFileSync(CHECKOV_CONFIG_FILE, "utf8"));
    expect(main(["--check"], file, app.stacks)).toBe(0);
    fs.appendFileSync(file, "  - CKV_AWS_1\n");
    expect(main(["--check"], file, app.stacks)).toBe(1);
    expect(errors.at(-1)).toMatch(/\.checkov\.yaml is not what the suppressions in the code give: run `npm run checkov:config`/);
  });

  it("rejects an unknown argument, saying what is allowed", () => {
    expect(main(["--write"], path.join(dir, "x.yaml"))).toBe(2);
    expect(errors).toEqual([expect.stringMatching(/unknown argument "--write". usage: npm run checkov:config \[-- --check\]/)]);
  });
});
