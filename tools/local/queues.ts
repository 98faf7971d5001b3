/**
 * A FIFO work queue and its dead-letter queue on a local fauxqs server, plus an SQS client pointed at it that
 * counts its calls by operation. Shared by the tests, `npm run local` and `npm run bench:worker`.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient, SQSClientConfig } from "@aws-sdk/client-sqs";
import { createSqsClient } from "../../app-code/shared/sqs-client";
import { FauxqsProcess, QueueSnapshot } from "./fauxqs";

/** The environment the code under test reads, pointing the SDK at the local server with dummy credentials. */
export function localAwsEnv(endpoint: string): Record<string, string> {
  return {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_ENDPOINT_URL_SQS: endpoint,
  };
}

/** Counts SDK calls per operation (`ReceiveMessage`, `DeleteMessageBatch`, …). */
export class CallCounter {
  readonly byOperation = new Map<string, number>();

  attach(client: { middlewareStack: SQSClient["middlewareStack"] }): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = String(context.commandName ?? "unknown").replace(/Command$/, "");
        this.byOperation.set(name, (this.byOperation.get(name) ?? 0) + 1);
        return next(args);
      },
      { step: "initialize", name: "callCounter" },
    );
  }

  get total(): number {
    return [...this.byOperation.values()].reduce((a, b) => a + b, 0);
  }

  reset(): void {
    this.byOperation.clear();
  }
}

export interface LocalQueuesOptions {
  /** Base name; the queues are `<name>.fifo` and `<name>-dlq.fifo` (standard: `<name>` and `<name>-dlq`). */
  name: string;
  /** FIFO queues with content-based deduplication, else standard ones. Default true. */
  fifo?: boolean;
  /** Visibility timeout of the work queue in seconds. Default 30. */
  visibilityTimeoutSeconds?: number;
  /** Receives before SQS moves a message to the DLQ. Default 3. */
  maxReceiveCount?: number;
}

export interface LocalQueues {
  sqs: SQSClient;
  calls: CallCounter;
  queueUrl: string;
  queueName: string;
  dlqUrl: string;
  dlqName: string;
  /** Exact counts of the work queue. */
  main(): Promise<QueueSnapshot>;
  /** Exact counts of the dead-letter queue. */
  dlq(): Promise<QueueSnapshot>;
}

/** A fresh SQS client for the local server (each worker under test gets its own); `config` adds to it. */
export function localSqsClient(endpoint: string, config: SQSClientConfig = {}): SQSClient {
  const env = localAwsEnv(endpoint);
  return createSqsClient(env, {
    region: env.AWS_REGION,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    ...config,
  });
}

export async function createLocalQueues(fauxqs: FauxqsProcess, options: LocalQueuesOptions): Promise<LocalQueues> {
  const sqs = localSqsClient(fauxqs.endpoint);
  const calls = new CallCounter();
  calls.attach(sqs);
  const fifo = options.fifo ?? true;
  const suffix = fifo ? ".fifo" : "";
  const dlqName = `${options.name}-dlq${suffix}`;
  const queueName = `${options.name}${suffix}`;
  const fifoAttributes: Record<string, string> = fifo ? { FifoQueue: "true" } : {};
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: dlqName, Attributes: fifoAttributes }));
  const dlqArn = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ["QueueArn"] }));
  const main = await sqs.send(
    new CreateQueueCommand({
      QueueName: queueName,
      Attributes: {
        ...fifoAttributes,
        ...(fifo ? { ContentBasedDeduplication: "true" } : {}),
        VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn.Attributes?.QueueArn,
          maxReceiveCount: options.maxReceiveCount ?? 3,
        }),
      },
    }),
  );
  const empty: QueueSnapshot = { ready: 0, inflight: 0, delayed: 0, bodies: [] };
  calls.reset();
  return {
    sqs,
    calls,
    queueUrl: main.QueueUrl!,
    queueName,
    dlqUrl: dlq.QueueUrl!,
    dlqName,
    main: async () => (await fauxqs.inspect(queueName)) ?? empty,
    dlq: async () => (await fauxqs.inspect(dlqName)) ?? empty,
  };
}
