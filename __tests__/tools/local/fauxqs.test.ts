import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { startFauxqs } from "../../../tools/local/fauxqs";
import { createLocalQueues } from "../../../tools/local/queues";

test("inspection gives exact counts while the server runs and fails at once after it stopped", async () => {
  const fauxqs = await startFauxqs();
  try {
    const queues = await createLocalQueues(fauxqs, { name: "inspect" });
    await queues.sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: "hello", MessageGroupId: "g" }));
    expect(await fauxqs.inspect(queues.queueName)).toEqual({ ready: 1, inflight: 0, delayed: 0, bodies: ["hello"] });
    expect(await fauxqs.inspect("no-such-queue.fifo")).toBeUndefined();
  } finally {
    await fauxqs.stop();
  }
  await expect(fauxqs.inspect("inspect.fifo")).rejects.toThrow("fauxqs is not running");
});
