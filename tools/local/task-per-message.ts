/**
 * `npm run local -- --stack sqs-task-per-message [--jobs 6 --max-running 3 --max-attempts 3 --visibility 2
 *   --max-receive 5 --timeout 120]`
 *
 * The task-per-message pattern on this machine: fauxqs holds the job queue and its DLQ; a stand-in for Lambda's
 * event source mapping feeds the launcher Lambda's handler; the ECS stand-in's RunTask starts the job container
 * (its esbuild bundle) as a child process with the overrides' environment and, when it exits, turns the exit into
 * the `ECS Task State Change` event that the failure handler Lambda's handler receives, as EventBridge would.
 *
 * Jobs sent: N plain ones, one that fails once (retried, then done), one interrupted by a Spot reclaim (SIGTERM)
 * on its first attempt, one that always fails (retried up to MAX_ATTEMPTS, then the DLQ), and three malformed
 * messages (not JSON, a missing field, overrides over 8,192 characters) that start no task and reach the DLQ
 * through the partial batch response and the queue's redrive policy. Stops by itself with a summary; exit 0 when
 * every check holds.
 */
import { ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Context } from "aws-lambda";
import { GetQueueAttributesCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import type { Logger } from "@aws-lambda-powertools/logger";
import { StopDecision } from "../../app-code/task-per-message/failure-decision";
import { handler as failureHandler, logger as failureLogger } from "../../app-code/task-per-message/failure-handler/index";
import { handler as launcher, logger as launcherLogger } from "../../app-code/task-per-message/launcher/index";
import { bundleImageEntry } from "./bundle-worker";
import { startEcsStandIn, STAND_IN_ACCOUNT, STAND_IN_REGION, StandInTask } from "./ecs-stand-in";
import { startFauxqs } from "./fauxqs";
import { createLocalQueues, localAwsEnv, localSqsClient } from "./queues";
import { numberOptions } from "./local-options";
import { startEventSource } from "./sqs-event-source";

/** Counts a Powertools logger's lines by message (whatever its level lets through) and shows chosen ones once. */
function countLines(logger: Logger, show: (message: string, extra: Record<string, unknown>) => string | undefined) {
  const counts = new Map<string, number>();
  const shown = new Set<string>();
  for (const level of ["info", "warn", "error"] as const) {
    const original = logger[level].bind(logger) as (message: string, ...extra: Record<string, unknown>[]) => void;
    (logger as unknown as Record<string, unknown>)[level] = (message: string, ...extra: Record<string, unknown>[]) => {
      counts.set(message, (counts.get(message) ?? 0) + 1);
      const line = show(message, Object.assign({}, ...extra));
      if (line && !shown.has(line)) {
        shown.add(line);
        console.log(line);
      }
      original(message, ...extra);
    };
  }
  return counts;
}

export async function runTaskPerMessageLocally(argv: string[]): Promise<number> {
  const o = numberOptions(argv, {
    jobs: { default: 6, min: 1, max: 200, integer: true, doc: "job messages sent" },
    "max-running": { default: 3, min: 1, max: 50, integer: true, doc: "tasks running at once" },
    "max-attempts": { default: 3, min: 1, max: 10, integer: true, doc: "task attempts per job" },
    visibility: { default: 2, min: 1, max: 60, integer: true, doc: "queue visibility timeout, seconds" },
    "max-receive": { default: 5, min: 2, max: 20, integer: true, doc: "receives before the DLQ" },
    timeout: { default: 120, min: 10, max: 3600, integer: true, doc: "seconds" },
  });
  const { jobs: jobCount, "max-running": maxRunning, "max-attempts": maxAttempts, visibility: visibilitySeconds, "max-receive": maxReceiveCount, timeout: timeoutSeconds } = o;
  const started = Date.now();
  const tmp = mkdtempSync(path.join(tmpdir(), "task-per-message-"));
  const children = new Set<ChildProcess>();
  const fauxqs = await startFauxqs();
  let ecs: Awaited<ReturnType<typeof startEcsStandIn>> | undefined;
  try {
    const bundle = await bundleImageEntry("job", path.join(tmp, "job.js"));
    // A short visibility timeout (2 s by default): a record over the cap or malformed comes back quickly.
    const queues = await createLocalQueues(fauxqs, { name: "jobs", fifo: false, visibilityTimeoutSeconds: visibilitySeconds, maxReceiveCount });
    const queueArn = (await queues.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queues.queueUrl, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;

    const decisions: Array<StopDecision & { jobId?: string }> = [];
    const handling: Promise<void>[] = [];
    const tasksByJob = new Map<string, number>();
    let running = 0;
    let peakRunning = 0;
    const startJob = (task: StandInTask) => {
      const environment = task.input.overrides?.containerOverrides?.[0]?.environment ?? [];
      const jobEnv = Object.fromEntries(environment.map((e) => [e.name ?? "", e.value ?? ""]));
      const jobId = jobEnv.JOB_ID;
      tasksByJob.set(jobId, (tasksByJob.get(jobId) ?? 0) + 1);
      const spot = jobId === "spot-reclaimed" && jobEnv.JOB_ATTEMPT === "1";
      const child = spawn(process.execPath, ["--no-warnings", bundle], { env: { PATH: process.env.PATH, ...jobEnv }, stdio: "ignore" });
      children.add(child);
      running++;
      peakRunning = Math.max(peakRunning, running);
      // Fargate Spot reclaims the task: SIGTERM now, the task stops with stopCode SpotInterruption.
      if (spot) setTimeout(() => child.kill("SIGTERM"), 300);
      child.once("exit", (code) => {
        children.delete(child);
        running--;
        const event = ecs!.stopTask(task.taskArn, {
          exitCode: code ?? undefined,
          stopCode: spot ? "SpotInterruption" : "EssentialContainerExited",
          stoppedReason: spot ? "Your Spot Task was interrupted." : "Essential container in task exited",
        });
        handling.push(
          failureHandler(event).then(
            (d) => void decisions.push({ ...d, jobId }),
            (err) => console.error(`failure handler failed for ${jobId}: ${String(err)}`),
          ),
        );
      });
    };
    ecs = await startEcsStandIn({ onTaskStarted: startJob });

    // The Lambdas' configuration, as the stack sets it.
    Object.assign(process.env, localAwsEnv(fauxqs.endpoint), {
      AWS_ENDPOINT_URL_ECS: ecs.url,
      CLUSTER_ARN: `arn:aws:ecs:${STAND_IN_REGION}:${STAND_IN_ACCOUNT}:cluster/core-infra`,
      TASK_DEFINITION_ARN: `arn:aws:ecs:${STAND_IN_REGION}:${STAND_IN_ACCOUNT}:task-definition/local-jobs:1`,
      CONTAINER_NAME: "job",
      SUBNET_IDS: "subnet-local-a,subnet-local-b",
      SECURITY_GROUP_IDS: "sg-local",
      MAX_RUNNING_TASKS: String(maxRunning),
      QUEUE_URL: queues.queueUrl,
      DLQ_URL: queues.dlqUrl,
      MAX_ATTEMPTS: String(maxAttempts),
    });
    launcherLogger.setLogLevel("SILENT");
    failureLogger.setLogLevel("SILENT");
    const launcherLines = countLines(launcherLogger, (message, extra) =>
      message.startsWith("job message rejected") ? `launcher: message ${extra.messageId} rejected: ${extra.reason}` : undefined,
    );
    const failureLines = countLines(failureLogger, (message, extra) =>
      message.startsWith("job failed") ? `failure handler: ${extra.jobId} attempt ${extra.attempt}: ${message} (${extra.reason})` : undefined,
    );

    const plain = Array.from({ length: jobCount }, (_, i) => ({ id: `job-${i + 1}`, input: `s3://local-uploads/job-${i + 1}.mp4`, duration: 0.3 }));
    const special = [
      { id: "fails-once", input: "s3://local-uploads/fails-once.mp4", duration: 0.1, failAttempts: 1 },
      { id: "spot-reclaimed", input: "s3://local-uploads/spot.mp4", duration: 1.5 },
      { id: "always-fails", input: "s3://local-uploads/always-fails.mp4", duration: 0.1, failAttempts: 99 },
    ];
    const malformed = ["not json", JSON.stringify({ id: "no-input" }), JSON.stringify({ id: "too-large", input: `s3://local-uploads/${"x".repeat(9000)}` })];
    const malformedIds = new Set<string>();
    for (const body of [...[...plain, ...special].map((j) => JSON.stringify(j)), ...malformed]) {
      const sent = await queues.sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: body }));
      if (malformed.includes(body)) malformedIds.add(sent.MessageId!);
    }
    const mustSucceed = [...plain, ...special.filter((j) => j.id !== "always-fails")].map((j) => j.id);
    console.log(`fauxqs on ${fauxqs.endpoint}, ECS stand-in on ${ecs.url}; cap ${maxRunning} running tasks, ${maxAttempts} attempts per job`);
    console.log(`job bundle in ${tmp}`);
    console.log(`sent ${plain.length + special.length} jobs and ${malformed.length} malformed messages`);

    const source = startEventSource({
      sqs: localSqsClient(fauxqs.endpoint),
      queueUrl: queues.queueUrl,
      queueArn,
      batchSize: 10,
      concurrency: 2,
      handler: (event) => launcher(event, { functionName: "local-launcher", getRemainingTimeInMillis: () => 30_000 } as unknown as Context),
    });

    const succeeded = () => new Set(decisions.filter((d) => d.action === "succeeded").map((d) => d.jobId));
    const deadline = started + timeoutSeconds * 1000;
    let finished = false;
    let lastLine = "";
    while (!finished && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      const [main, dlq] = await Promise.all([queues.main(), queues.dlq()]);
      finished = mustSucceed.every((id) => succeeded().has(id)) && dlq.ready === malformed.length + 1 && main.ready + main.inflight + main.delayed === 0 && children.size === 0;
      const line = `tasks started ${ecs.tasks.size} | running ${running} | jobs done ${succeeded().size}/${mustSucceed.length} | queue ${main.ready} waiting, ${main.inflight} in flight | DLQ ${dlq.ready}`;
      if (line !== lastLine) console.log(line);
      lastLine = line;
    }
    await source.stop();
    await Promise.all(handling);

    const [main, dlq] = await Promise.all([queues.main(), queues.dlq()]);
    const dlqBodies = dlq.bodies;
    const alwaysFailsInDlq = dlqBodies.filter((b) => b.includes('"always-fails"')).length;
    const malformedInDlq = malformed.filter((m) => dlqBodies.includes(m)).length;
    const tokens = new Set(ecs.callsOf("RunTask").map((c) => c.clientToken as string));
    const taskForMalformed = [...malformedIds].some((id) => tokens.has(id));
    const checks: Array<[string, boolean]> = [
      [`every valid job done (${succeeded().size} of ${mustSucceed.length})`, mustSucceed.every((id) => succeeded().has(id))],
      [`fails-once: 2 tasks (got ${tasksByJob.get("fails-once") ?? 0})`, tasksByJob.get("fails-once") === 2],
      [`spot-reclaimed: SIGTERM on attempt 1 -> exit 143 -> retried, 2 tasks (got ${tasksByJob.get("spot-reclaimed") ?? 0})`, tasksByJob.get("spot-reclaimed") === 2],
      [`always-fails: ${maxAttempts} tasks, then once in the DLQ (got ${tasksByJob.get("always-fails") ?? 0} tasks, ${alwaysFailsInDlq} in the DLQ)`, tasksByJob.get("always-fails") === maxAttempts && alwaysFailsInDlq === 1],
      [`malformed: all ${malformed.length} in the DLQ, no task started for any (${malformedInDlq} in the DLQ)`, malformedInDlq === malformed.length && !taskForMalformed],
      [`job queue empty (${main.ready + main.inflight + main.delayed} left)`, main.ready + main.inflight + main.delayed === 0],
      [`no job process left (${children.size})`, children.size === 0],
    ];
    const ok = finished && checks.every(([, pass]) => pass);
    console.log("\nsummary");
    console.log(`  RunTask calls   ${ecs.callsOf("RunTask").length} (tasks started ${ecs.tasks.size}), ListTasks calls ${ecs.callsOf("ListTasks").length}`);
    console.log(`  peak running    ${peakRunning} (cap ${maxRunning}; ${launcherLines.get("job not launched: at the cap") ?? 0} record(s) waited a visibility timeout at the cap)`);
    console.log(`  launcher        ${source.invocations} invocations, ${source.failedRecords} batch item failures, ${launcherLines.get("job message rejected; it stays in the queue until maxReceiveCount moves it to the DLQ") ?? 0} rejection lines`);
    console.log(`  failure handler ${decisions.length} STOPPED events: ${["succeeded", "retry", "dead-letter", "dead-letter-event", "ignore"].map((a) => `${a} ${decisions.filter((d) => d.action === a).length}`).join(", ")}`);
    console.log(`  log lines       ${[...failureLines].map(([m, n]) => `"${m}" ×${n}`).join(", ")}`);
    for (const [what, pass] of checks) console.log(`  ${pass ? "ok  " : "FAIL"} ${what}`);
    console.log(`  time            ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(ok ? "OK: every job done or in the DLQ, none lost, no task for a malformed message" : finished ? "FAILED: see the checks above" : "FAILED: timed out");
    return ok ? 0 : 1;
  } finally {
    for (const child of children) child.kill("SIGKILL");
    await Promise.all([fauxqs.stop(), ecs?.close()]);
    rmSync(tmp, { recursive: true, force: true });
  }
}
