/**
 * The failure handler Lambda's handler as EventBridge invokes it, configured from its environment, against fauxqs.
 */
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { handler, logger } from "../../../../app-code/task-per-message/failure-handler/index";
import { jobEnvironment } from "../../../../app-code/task-per-message/job-message";
import { FauxqsProcess, startFauxqs } from "../../../../tools/local/fauxqs";
import { createLocalQueues, localAwsEnv, LocalQueues } from "../../../../tools/local/queues";

logger.setLogLevel("SILENT");
let fauxqs: FauxqsProcess;
let queues: LocalQueues;
const savedEnv = { ...process.env };
beforeAll(async () => {
  fauxqs = await startFauxqs();
  queues = await createLocalQueues(fauxqs, { name: "jobs", fifo: false });
  Object.assign(process.env, localAwsEnv(fauxqs.endpoint), { QUEUE_URL: queues.queueUrl, DLQ_URL: queues.dlqUrl, CONTAINER_NAME: "job", MAX_ATTEMPTS: "2" });
});
afterAll(async () => {
  process.env = savedEnv;
  await fauxqs.stop();
});

test("a Spot-interrupted job is re-enqueued with attempt 2", async () => {
  const job = { id: "j", input: "s3://b/j", duration: 0, failAttempts: 0 };
  const decision = await handler({
    detail: {
      taskArn: "arn:aws:ecs:us-east-1:1:task/c/abc",
      lastStatus: "STOPPED",
      startedBy: "sqs-task-launcher",
      stopCode: "SpotInterruption",
      containers: [{ name: "job", exitCode: 143 }],
      overrides: { containerOverrides: [{ name: "job", environment: jobEnvironment(job, { attempt: 1, messageId: "m" }) }] },
    },
  });
  expect(decision).toMatchObject({ action: "retry", nextAttempt: 2 });
  const { Messages } = await queues.sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.queueUrl, MessageAttributeNames: ["All"] }));
  expect(Messages?.map((m) => [JSON.parse(m.Body!), m.MessageAttributes?.attempt?.StringValue])).toEqual([[job, "2"]]);
});
