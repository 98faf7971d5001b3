/**
 * Container entry point of the producer service (same image as the worker: `node producer-service.js`):
 * configuration from the environment, the SQS client from the standard AWS variables, SIGTERM/SIGINT end the loop
 * (exit 0). A configuration error, or anything unexpected, is logged and exits 1, so ECS restarts the task and the
 * reason is in the log: the service never stops silently.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { errorText } from "../shared/preview";
import { clientTimeouts } from "../shared/sdk-timeouts";
import { createSqsClient } from "../shared/sqs-client";
import { loadProducerServiceConfig } from "./config";
import { ProducerService } from "./producer-service";

const log = new Logger({ serviceName: "producer-service" });
const fail = (what: string) => (err: unknown) => {
  log.error(what, { error: errorText(err) });
  process.exit(1);
};
process.on("uncaughtException", fail("producer crashed"));
process.on("unhandledRejection", fail("producer crashed"));

try {
  // A bounded request: at SIGTERM the send in flight finishes well within the task's stop timeout.
  const sqs = createSqsClient(process.env, clientTimeouts(5000));
  const service = new ProducerService(loadProducerServiceConfig(process.env), { sqs, log });
  const stop = new AbortController();
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => stop.abort(signal));
  service.run(stop.signal).then(() => process.exit(0), fail("producer failed"));
} catch (err) {
  fail("producer failed to start")(err);
}
