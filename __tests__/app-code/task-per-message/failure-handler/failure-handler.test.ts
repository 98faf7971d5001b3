/**
 * The failure handler against a real SQS server (fauxqs): retries land in the job queue with attempt + 1, jobs
 * out of attempts and unreadable tasks land in the DLQ; a send that fails throws (Lambda then retries).
 */
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { FailureHandlerConfig, handleTaskStopped, loadFailureHandlerConfig } from "../../../../app-code/task-per-message/failure-handler/failure-handler";
import { jobEnvironment } from "../../../../app-code/task-per-message/job-message";
import { FauxqsProcess, startFauxqs } from "../../../../tools/local/fauxqs";
import { createLocalQueues, LocalQueues } from "../../../../tools/local/queues";
import { recordingLog } from "../../recording-log";

let fauxqs: FauxqsProcess;
let queues: LocalQueues;
let config: FailureHandlerConfig;
beforeAll(async () => {
  fauxqs = await startFauxqs();
  queues = await createLocalQueues(fauxqs, { name: "jobs", fifo: false });
  config = loadFailureHandlerConfig({ QUEUE_URL: queues.queueUrl, DLQ_URL: queues.dlqUrl, CONTAINER_NAME: "job", MAX_ATTEMPTS: "2" });
});
afterAll(() => fauxqs.stop());

const job = { id: "video-42", input: "s3://uploads/42.mp4", duration: 0, failAttempts: 0 };
const TASK = "arn:aws:ecs:us-east-1:123456789012:task/core-infra/0123456789abcdef0123456789abcdef";

function event(attempt: number, exitCode: number, environment = jobEnvironment(job, { attempt, messageId: "m-1" })) {
  return {
    id: "event-1",
    "detail-type": "ECS Task State Change",
    detail: {
      taskArn: TASK,
      lastStatus: "STOPPED",
      startedBy: "sqs-task-launcher",
      stopCode: "EssentialContainerExited",
      containers: [{ name: "job", exitCode }],
      overrides: { containerOverrides: [{ name: "job", environment }] },
    },
  };
}

async function receiveAll(url: string) {
  const res = await queues.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"], WaitTimeSeconds: 0 }));
  return (res.Messages ?? []).map((m) => ({
    body: JSON.parse(m.Body ?? "null"),
    attributes: Object.fromEntries(Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue])),
  }));
}

test("a failed job is re-enqueued with attempt + 1 and the task it retries; the last failure goes to the DLQ", async () => {
  const log = recordingLog();
  expect(await handleTaskStopped(event(1, 1), config, { sqs: queues.sqs, log })).toMatchObject({ action: "retry", nextAttempt: 2 });
  expect(await receiveAll(queues.queueUrl)).toEqual([{ body: job, attributes: { attempt: "2", retryOf: TASK } }]);

  expect(await handleTaskStopped(event(2, 1), config, { sqs: queues.sqs, log })).toMatchObject({ action: "dead-letter" });
  expect(await receiveAll(queues.queueUrl)).toEqual([]);
  expect(await receiveAll(queues.dlqUrl)).toEqual([
    { body: job, attributes: { failedAttempts: "2", failureReason: "attempt 2 of 2 failed: container job exited with code 1", taskArn: TASK } },
  ]);
  expect(log.lines.map((l) => [l.level, l.message])).toEqual([
    ["warn", "job failed; re-enqueued"],
    ["error", "job failed on its last attempt; sent to the DLQ"],
  ]);
});

test("success sends nothing; a failed task with an unreadable job sends the event itself to the DLQ", async () => {
  const log = recordingLog();
  expect(await handleTaskStopped(event(1, 0), config, { sqs: queues.sqs, log })).toMatchObject({ action: "succeeded" });
  const unreadable = event(1, 137, []);
  expect(await handleTaskStopped(unreadable, config, { sqs: queues.sqs, log })).toMatchObject({ action: "dead-letter-event" });
  expect(await receiveAll(queues.queueUrl)).toEqual([]);
  const [dead] = await receiveAll(queues.dlqUrl);
  expect(dead.body).toEqual(unreadable);
  expect(dead.attributes.failureReason).toContain("container job exited with code 137; job not readable");
});

test("a send that fails throws, so Lambda retries the event instead of losing the job", async () => {
  const broken = { ...config, queueUrl: `${fauxqs.endpoint}/000000000000/no-such-queue` };
  await expect(handleTaskStopped(event(1, 1), broken, { sqs: queues.sqs, log: recordingLog() })).rejects.toThrow();
});

test("settings are validated", () => {
  expect(() => loadFailureHandlerConfig({ QUEUE_URL: "q", DLQ_URL: "d", CONTAINER_NAME: "job", MAX_ATTEMPTS: "0" })).toThrow(
    'MAX_ATTEMPTS="0" is invalid: expected an integer from 1 up to 100',
  );
  expect(() => loadFailureHandlerConfig({ QUEUE_URL: "q", CONTAINER_NAME: "job" })).toThrow("DLQ_URL is required");
});
