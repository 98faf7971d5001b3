/**
 * The job container: its logic, and its entry point as a real process (the esbuild bundle an image would run):
 * exit 0 when done, 1 when the job fails, 2 for a bad environment, 143 on SIGTERM (so the failure path retries).
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { jobEnvironment } from "../../../../app-code/task-per-message/job-message";
import { EXIT_CODES, loadJobRun, runJob } from "../../../../app-code/task-per-message/job/job";
import { bundleImageEntry } from "../../../../tools/local/bundle-worker";
import { recordingLog } from "../../recording-log";

const job = { id: "video-42", input: "s3://uploads/42.mp4", duration: 0.02, failAttempts: 1 };
const envOf = (attempt: number, fields = job) => Object.fromEntries(jobEnvironment(fields, { attempt, messageId: "m-1" }).map((e) => [e.name, e.value]));

test("runs the job from its environment; fails while attempt ≤ failAttempts; SIGTERM means non-zero", async () => {
  const log = recordingLog();
  const signal = new AbortController().signal;
  expect(await runJob(loadJobRun(envOf(1)), { signal, log })).toBe(EXIT_CODES.failed);
  expect(await runJob(loadJobRun(envOf(2)), { signal, log })).toBe(EXIT_CODES.done);
  const abort = new AbortController();
  const running = runJob(loadJobRun(envOf(2, { ...job, duration: 60 })), { signal: abort.signal, log });
  abort.abort();
  expect(await running).toBe(EXIT_CODES.interrupted);
  expect(log.lines.filter((l) => l.level !== "info").map((l) => l.message)).toEqual([
    "job failed (failAttempts)",
    "job interrupted (SIGTERM); exiting non-zero so that the failure path retries it",
  ]);
  expect(() => loadJobRun({ JOB_ID: "a" })).toThrow("job environment is invalid: environment lacks JOB_INPUT, JOB_ATTEMPT");
});

describe("the entry point as a process", () => {
  const tmp = mkdtempSync(path.join(tmpdir(), "job-bundle-"));
  let bundle: string;
  beforeAll(async () => {
    bundle = await bundleImageEntry("job", path.join(tmp, "job.js"));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  async function run(env: Record<string, string>, signalAfterStart?: NodeJS.Signals): Promise<{ code: number | null; output: string }> {
    const child = spawn(process.execPath, ["--no-warnings", bundle], { env: { PATH: process.env.PATH, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let signalled = false;
    // Powertools writes warnings and errors to stderr, the rest to stdout.
    const collect = (d: Buffer) => {
      stdout += d.toString();
      if (signalAfterStart && !signalled && stdout.includes("job started")) signalled = child.kill(signalAfterStart);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const [code] = (await once(child, "exit")) as [number | null];
    return { code, output: stdout };
  }

  test("exit codes: done 0, failed 1, bad environment 2, SIGTERM 143", async () => {
    const [done, failed, bad, interrupted] = await Promise.all([
      run(envOf(2)),
      run(envOf(1)),
      run({ JOB_ID: "a" }),
      run(envOf(2, { ...job, duration: 30 }), "SIGTERM"),
    ]);
    expect(done.code).toBe(0);
    expect(failed.code).toBe(1);
    expect(bad.code).toBe(2);
    expect(bad.output).toContain("environment lacks JOB_INPUT, JOB_ATTEMPT");
    expect(interrupted.code).toBe(143);
    expect(interrupted.output).toContain("job interrupted (SIGTERM)");
  });
});
