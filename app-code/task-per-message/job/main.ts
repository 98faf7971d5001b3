/**
 * Job container entry point: one job per task, then exit. SIGTERM (a Spot interruption, StopTask) aborts the
 * work and the process exits 143, which the failure handler reads as a failure to retry. The exit code is set,
 * not forced with process.exit, so the log lines still in the stdout pipe reach awslogs.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { EXIT_CODES, loadJobRun, runJob } from "./job";

const log = new Logger({ serviceName: "task-job" });
const abort = new AbortController();
// `on`, not `once`: a second signal must not fall back to the default action (killed by signal, no exit code).
process.on("SIGTERM", () => abort.abort());
process.on("SIGINT", () => abort.abort());

async function main(): Promise<number> {
  let run;
  try {
    run = loadJobRun(process.env);
  } catch (err) {
    log.error("job not started", { error: String(err) });
    return EXIT_CODES.badEnvironment;
  }
  try {
    return await runJob(run, { signal: abort.signal, log });
  } catch (err) {
    log.error("job crashed", { error: String(err) });
    return EXIT_CODES.failed;
  }
}

void main().then((code) => {
  process.exitCode = code;
});
