import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { synthesizeApp, SynthesizedStack } from "../../../tools/lib/synth";
import { checkStack, listSuppressions, unsuppressed } from "../../../tools/check/engine";
import { main } from "../../../tools/check/main";
import { rulesMarkdown, suppressionsMarkdown } from "../../../tools/check/markdown";
import { RULES } from "../../../tools/check/rules";

/**
 * Every suppression the app carries, `stack address rule`. Adding a suppressRule(...) call means adding it here
 * and to the list in docs/security.md; `npm run check -- --markdown` prints that list.
 */
const EXPECTED_SUPPRESSIONS: string[] = [
  "core-infra aws_cloudwatch_log_group.network_flow_logs_log_group QS-LOG-003",
  "core-infra aws_kms_key.network_flow_logs_key QS-IAM-002",
  "sqs-dynamic-target-tracking aws_cloudwatch_log_group.cicd_build_logs QS-LOG-002",
  "sqs-dynamic-target-tracking aws_cloudwatch_log_group.cicd_build_logs QS-LOG-003",
  "sqs-dynamic-target-tracking aws_cloudwatch_log_group.producer_logs QS-LOG-002",
  "sqs-dynamic-target-tracking aws_cloudwatch_log_group.producer_logs QS-LOG-003",
  "sqs-dynamic-target-tracking aws_cloudwatch_log_group.target_setter_logs QS-LOG-002",
  "sqs-dynamic-target-tracking aws_cloudwatch_log_group.target_setter_logs QS-LOG-003",
  "sqs-dynamic-target-tracking aws_cloudwatch_log_group.worker_logs QS-LOG-002",
  "sqs-dynamic-target-tracking aws_cloudwatch_log_group.worker_logs QS-LOG-003",
  "sqs-dynamic-target-tracking aws_codebuild_project.cicd_build QS-CB-001",
  "sqs-dynamic-target-tracking aws_ecr_repository.worker_image_repository QS-ECR-003",
  "sqs-dynamic-target-tracking aws_kms_key.cicd_artifacts_key QS-IAM-002",
  "sqs-dynamic-target-tracking aws_kms_key.cicd_notifications_key QS-IAM-002",
  "sqs-dynamic-target-tracking aws_lambda_function.producer_function QS-LMB-003",
  "sqs-dynamic-target-tracking aws_lambda_function.producer_function QS-LMB-004",
  "sqs-dynamic-target-tracking aws_lambda_function.producer_function QS-LMB-005",
  "sqs-dynamic-target-tracking aws_lambda_function.producer_function QS-LMB-006",
  "sqs-dynamic-target-tracking aws_lambda_function.producer_function QS-LMB-007",
  "sqs-dynamic-target-tracking aws_lambda_function.target_setter_function QS-LMB-003",
  "sqs-dynamic-target-tracking aws_lambda_function.target_setter_function QS-LMB-004",
  "sqs-dynamic-target-tracking aws_lambda_function.target_setter_function QS-LMB-005",
  "sqs-dynamic-target-tracking aws_lambda_function.target_setter_function QS-LMB-006",
  "sqs-dynamic-target-tracking aws_lambda_function.target_setter_function QS-LMB-007",
  "sqs-dynamic-target-tracking aws_s3_bucket.cicd_artifacts QS-S3-005",
  "sqs-dynamic-target-tracking aws_s3_bucket.cicd_artifacts QS-S3-006",
  "sqs-dynamic-target-tracking aws_s3_bucket.cicd_artifacts QS-S3-007",
  "sqs-queue-depth-tracking aws_cloudwatch_log_group.producer_logs QS-LOG-002",
  "sqs-queue-depth-tracking aws_cloudwatch_log_group.producer_logs QS-LOG-003",
  "sqs-queue-depth-tracking aws_cloudwatch_log_group.worker_logs QS-LOG-002",
  "sqs-queue-depth-tracking aws_cloudwatch_log_group.worker_logs QS-LOG-003",
  "sqs-queue-depth-tracking aws_ecr_repository.image_repository QS-ECR-003",
  "sqs-recursive-fanout aws_cloudwatch_log_group.publisher_logs QS-LOG-002",
  "sqs-recursive-fanout aws_cloudwatch_log_group.publisher_logs QS-LOG-003",
  "sqs-recursive-fanout aws_cloudwatch_log_group.worker_logs QS-LOG-002",
  "sqs-recursive-fanout aws_cloudwatch_log_group.worker_logs QS-LOG-003",
  "sqs-recursive-fanout aws_dynamodb_table.runs_table QS-DDB-002",
  "sqs-recursive-fanout aws_ecr_repository.image_repository QS-ECR-003",
  "sqs-recursive-fanout aws_lambda_function.publisher_function QS-LMB-003",
  "sqs-recursive-fanout aws_lambda_function.publisher_function QS-LMB-004",
  "sqs-recursive-fanout aws_lambda_function.publisher_function QS-LMB-005",
  "sqs-recursive-fanout aws_lambda_function.publisher_function QS-LMB-006",
  "sqs-recursive-fanout aws_lambda_function.publisher_function QS-LMB-007",
  "sqs-scale-to-zero aws_cloudwatch_log_group.worker_logs QS-LOG-002",
  "sqs-scale-to-zero aws_cloudwatch_log_group.worker_logs QS-LOG-003",
  "sqs-scale-to-zero aws_ecr_repository.image_repository QS-ECR-003",
  "sqs-task-per-message aws_cloudwatch_log_group.failure_handler_logs QS-LOG-002",
  "sqs-task-per-message aws_cloudwatch_log_group.failure_handler_logs QS-LOG-003",
  "sqs-task-per-message aws_cloudwatch_log_group.job_logs QS-LOG-002",
  "sqs-task-per-message aws_cloudwatch_log_group.job_logs QS-LOG-003",
  "sqs-task-per-message aws_cloudwatch_log_group.launcher_logs QS-LOG-002",
  "sqs-task-per-message aws_cloudwatch_log_group.launcher_logs QS-LOG-003",
  "sqs-task-per-message aws_ecr_repository.image_repository QS-ECR-003",
  "sqs-task-per-message aws_lambda_function.failure_handler_function QS-LMB-003",
  "sqs-task-per-message aws_lambda_function.failure_handler_function QS-LMB-004",
  "sqs-task-per-message aws_lambda_function.failure_handler_function QS-LMB-005",
  "sqs-task-per-message aws_lambda_function.failure_handler_function QS-LMB-006",
  "sqs-task-per-message aws_lambda_function.failure_handler_function QS-LMB-007",
  "sqs-task-per-message aws_lambda_function.launcher_function QS-LMB-003",
  "sqs-task-per-message aws_lambda_function.launcher_function QS-LMB-004",
  "sqs-task-per-message aws_lambda_function.launcher_function QS-LMB-005",
  "sqs-task-per-message aws_lambda_function.launcher_function QS-LMB-006",
  "sqs-task-per-message aws_lambda_function.launcher_function QS-LMB-007",
];

let app: { outdir: string; stacks: SynthesizedStack[] };
let logged: string[];

beforeAll(() => {
  app = synthesizeApp();
});
afterAll(() => fs.rmSync(app.outdir, { recursive: true, force: true }));
beforeEach(() => {
  logged = [];
  jest.spyOn(console, "log").mockImplementation((line: string) => void logged.push(line));
});
afterEach(() => jest.restoreAllMocks());

describe("the synthesized app", () => {
  it("passes every rule on every stack, with only the listed suppressions", async () => {
    expect(app.stacks.length).toBeGreaterThan(0);
    const findings = (await Promise.all(app.stacks.map((s) => checkStack(s, RULES)))).flat();
    expect(unsuppressed(findings).map((f) => `${f.stack} ${f.address} ${f.rule}: ${f.detail}`)).toEqual([]);
    const suppressions = listSuppressions(app.stacks).map((s) => `${s.stack} ${s.address} ${s.rule}`);
    expect(suppressions.sort()).toEqual([...EXPECTED_SUPPRESSIONS].sort());
  });

  it("has every rule and every suppression listed in docs/security.md", () => {
    const lines = fs.readFileSync(path.join(__dirname, "../../..", "docs", "security.md"), "utf8").split("\n");
    const undocumented = RULES.map((r) => r.id).filter((id) => !lines.some((l) => l.startsWith(`| ${id} |`)));
    expect(undocumented).toEqual([]);
    const unlisted = listSuppressions(app.stacks)
      .filter((s) => lines.filter((l) => l.includes(`\`${s.address}\``) && l.includes(s.rule) && l.includes(s.stack)).length !== 1)
      .map((s) => `${s.stack} ${s.address} ${s.rule}`);
    expect(unlisted).toEqual([]);
  });

  it("has the tables of docs/security.md exactly as `npm run check -- --markdown` prints them", () => {
    const doc = fs.readFileSync(path.join(__dirname, "../../..", "docs", "security.md"), "utf8");
    expect(doc).toContain(rulesMarkdown(RULES));
    expect(doc).toContain(suppressionsMarkdown(listSuppressions(app.stacks)));
  });
});

describe("npm run check (main)", () => {
  it("exits 0 on the app's synth output and says what it checked", async () => {
    expect(await main(["--dir", app.outdir])).toBe(0);
    expect(logged.at(-1)).toMatch(new RegExp(`^${RULES.length} rules over ${app.stacks.length} stack\\(s\\) .*: 0 finding\\(s\\)`));
  });

  it("exits 1 and names stack, address and rule of each finding", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qs-check-"));
    try {
      fs.mkdirSync(path.join(dir, "stacks/bad"), { recursive: true });
      const stack = { resource: { aws_sqs_queue: { jobs: { name: "jobs", sqs_managed_sse_enabled: true } } } };
      fs.writeFileSync(path.join(dir, "stacks/bad/cdk.tf.json"), JSON.stringify(stack));
      fs.writeFileSync(
        path.join(dir, "manifest.json"),
        JSON.stringify({ stacks: { bad: { name: "bad", synthesizedStackPath: "stacks/bad/cdk.tf.json" } } }),
      );
      expect(await main(["--dir", dir])).toBe(1);
      expect(logged[0]).toMatch(/^bad {2}aws_sqs_queue\.jobs {2}QS-SQS-002 \[MEDIUM\] no redrive_policy/);
      expect(logged.at(-1)).toMatch(/1 finding\(s\), 0 suppressed/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rejects a bad command line, saying what is allowed", async () => {
    await expect(main(["--dir"])).rejects.toThrow(/--dir needs a folder.*usage: npm run check/);
    await expect(main(["--dir", os.tmpdir()])).rejects.toThrow(/no manifest\.json there; run `npm run synth` first/);
    await expect(main(["--strict"])).rejects.toThrow(/unknown argument "--strict".*--verbose/);
  });

  it("prints the rule table and the suppression list for docs/security.md", async () => {
    expect(await main(["--dir", app.outdir, "--markdown"])).toBe(0);
    const text = logged.join("\n");
    for (const r of RULES) expect(text).toContain(`| ${r.id} |`);
    expect(text).toContain("| `cloudwatch:PutMetricData` |");
  });
});
