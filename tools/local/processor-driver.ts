/**
 * A minimal queue worker for processor plug-ins (parse + process), for the tests and local runs until the shared
 * worker takes processors: sqs-consumer receives one message at a time; a body that does not parse is logged
 * once and made visible again at once (its receive count climbs to maxReceiveCount and SQS moves it to the DLQ);
 * a process that throws leaves the message for the next delivery (made visible at once too); a process that
 * returns lets the message be deleted.
 */
import { Message, SQSClient } from "@aws-sdk/client-sqs";
import { Consumer } from "sqs-consumer";
import type { Processor } from "../../app-code/recursive-fanout/node-processor";
import type { Log } from "../../app-code/worker/src/log";

export interface DriverOptions<J> {
  sqs: SQSClient;
  queueUrl: string;
  processor: Processor<J>;
  log: Log;
  /** Long-poll wait per receive. Default 1 (short, so stop() is quick). */
  waitTimeSeconds?: number;
}

export interface DriverStats {
  received: number;
  done: number;
  rejected: number;
  retried: number;
}

export interface ProcessorDriver {
  stats: DriverStats;
  stop(): Promise<void>;
}

class Rejected extends Error {}

export function startProcessorDriver<J>(options: DriverOptions<J>): ProcessorDriver {
  const { processor, log } = options;
  const stats: DriverStats = { received: 0, done: 0, rejected: 0, retried: 0 };
  const abort = new AbortController();
  const consumer = Consumer.create({
    queueUrl: options.queueUrl,
    sqs: options.sqs,
    batchSize: 1,
    waitTimeSeconds: options.waitTimeSeconds ?? 1,
    messageSystemAttributeNames: ["ApproximateReceiveCount"],
    terminateVisibilityTimeout: true,
    handleMessage: async (message: Message) => {
      stats.received++;
      const messageId = message.MessageId ?? "";
      const parsed = processor.parse(message.Body);
      if (!parsed.ok) {
        stats.rejected++;
        log.warn("message rejected; left for the DLQ", { messageId, reason: parsed.reason });
        throw new Rejected(parsed.reason);
      }
      const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? 1);
      await processor.process(parsed.job, { signal: abort.signal, log, messageId, receiveCount });
      stats.done++;
      return message;
    },
  });
  consumer.on("processing_error", (err) => {
    if (err instanceof Rejected || (err as { cause?: unknown }).cause instanceof Rejected) return;
    stats.retried++;
    log.warn("processing failed; the message is retried", { error: String(err) });
  });
  consumer.on("error", (err) => log.error("SQS error", { error: String(err) }));
  consumer.start();
  let stopped: Promise<void> | undefined;
  return {
    stats,
    // Idempotent: "stopped" is emitted once.
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        abort.abort(new Error("driver stopping"));
        consumer.once("stopped", () => resolve());
        consumer.stop();
      })),
  };
}
