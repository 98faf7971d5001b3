/**
 * The worker as a process: configuration and processor from the environment, AWS clients from the standard AWS
 * variables, graceful shutdown on SIGTERM/SIGINT (exit 0), exit 1 on a configuration or startup error.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { Logger } from "@aws-lambda-powertools/logger";
import { errorText } from "../../shared/preview";
import { clientTimeouts } from "../../shared/sdk-timeouts";
import { createSqsClient } from "../../shared/sqs-client";
import { loadWorkerConfig } from "./config";
import { exitWhileLoading } from "./exit-while-loading";
import { ProcessorFactory } from "./processor";
import { processorFromEnv } from "./processors";
import { Worker } from "./worker";

/** Runs a worker until SIGTERM/SIGINT. `factory` defaults to the processor `WORKER_PROCESSOR` names. */
export async function runWorkerProcess(factory?: ProcessorFactory): Promise<void> {
  const log = new Logger({ serviceName: "queue-worker" });
  let worker: Worker | undefined;
  // Registered before start: a SIGTERM while starting (a task stopped right after launch) still exits 0, and
  // Worker.start does not begin polling once stop was called.
  const onSignal = (signal: NodeJS.Signals) => {
    if (!worker) process.exit(0);
    worker
      .stop(signal)
      .then(() => process.exit(0))
      .catch((err) => {
        log.error("shutdown failed", { error: errorText(err) });
        process.exit(1);
      });
  };
  process.off("SIGTERM", exitWhileLoading).on("SIGTERM", onSignal);
  process.off("SIGINT", exitWhileLoading).on("SIGINT", onSignal);
  try {
    const env = process.env;
    const config = loadWorkerConfig(env);
    const createProcessor = factory ?? processorFromEnv(env);
    const sqs = createSqsClient(env, clientTimeouts(config.sqsRequestTimeoutSeconds * 1000));
    const processor = await createProcessor({ env, config, sqs, log });
    worker = new Worker(config, { sqs, cloudwatch: new CloudWatchClient(clientTimeouts()), log, processor });
    await worker.start();
  } catch (err) {
    log.error("worker failed to start", { error: errorText(err) });
    process.exit(1);
  }
}
