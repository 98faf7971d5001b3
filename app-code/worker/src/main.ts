/**
 * Container entry point: configuration from the environment, AWS clients from the standard AWS variables,
 * graceful shutdown on SIGTERM/SIGINT (exit 0), exit 1 on a configuration or startup error.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { Logger } from "@aws-lambda-powertools/logger";
import { createSqsClient } from "../../shared/sqs-client";
import { loadWorkerConfig } from "./config";
import { Worker } from "./worker";

async function main(): Promise<void> {
  const log = new Logger({ serviceName: "queue-worker" });
  let worker: Worker;
  try {
    const config = loadWorkerConfig(process.env);
    worker = new Worker(config, { sqs: createSqsClient(), cloudwatch: new CloudWatchClient({}), log });
    await worker.start();
  } catch (err) {
    log.error("worker failed to start", { error: String(err) });
    process.exit(1);
  }
  const onSignal = (signal: NodeJS.Signals) => {
    worker
      .stop(signal)
      .then(() => process.exit(0))
      .catch((err) => {
        log.error("shutdown failed", { error: String(err) });
        process.exit(1);
      });
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

void main();
