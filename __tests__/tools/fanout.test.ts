/**
 * `npm run fanout -- start|status` against local servers (fauxqs, dynalite): start seeds the run and posts the
 * root; status prints the counters and the queue, and exits 0 only when the run is complete.
 */
import { DeleteMessageCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { main } from "../../tools/fanout";
import { FanoutEnvironment, startFanoutEnvironment } from "../../tools/local/fanout-environment";
import { localAwsEnv } from "../../tools/local/queues";

let env: FanoutEnvironment;
const savedEnv = { ...process.env };
let output: string[] = [];

beforeAll(async () => {
  env = await startFanoutEnvironment("cli");
  Object.assign(process.env, localAwsEnv(env.fauxqs.endpoint), { AWS_ENDPOINT_URL_DYNAMODB: env.dynalite.endpoint, TABLE_NAME: env.tableName, QUEUE_URL: env.queues.queueUrl });
});
beforeEach(() => {
  output = [];
  jest.spyOn(console, "log").mockImplementation((line: string) => void output.push(line));
});
afterEach(() => jest.restoreAllMocks());
afterAll(async () => {
  process.env = savedEnv;
  await env.close();
});

test("start seeds the run and posts the root; status follows it to completion", async () => {
  expect(await main(["start", "--run-id", "cli-1"])).toBe(0);
  expect(output[0]).toBe("run cli-1 started at node n0; follow it with: npm run fanout -- status --run-id cli-1 --watch");
  expect(await main(["status", "--run-id", "cli-1"])).toBe(0);
  expect(output[1]).toMatch(/^cli-1 \(root n0, started .+\): 0\.0 % running: 0 completed, 0 failed of 1 discovered; queue: 1 visible, 0 in flight, 0 delayed$/);

  // Process the root by hand (a leaf here): take the message, count it, delete it.
  const { Messages } = await env.queues.sqs.send(new ReceiveMessageCommand({ QueueUrl: env.queues.queueUrl }));
  expect(JSON.parse(Messages![0].Body!)).toEqual({ runId: "cli-1", nodeId: "n0", depth: 0 });
  const store = env.store();
  await store.markDone("cli-1", "n0");
  await store.addCounters("cli-1", { completed: 1 });
  await env.queues.sqs.send(new DeleteMessageCommand({ QueueUrl: env.queues.queueUrl, ReceiptHandle: Messages![0].ReceiptHandle }));
  expect(await main(["status", "--run-id", "cli-1", "--watch"])).toBe(0);
  expect(output[2]).toContain("100.0 % complete: 1 completed, 0 failed of 1 discovered");
});

test("bad input is refused before anything is written", async () => {
  await expect(main(["start", "--run-id", "cli-1"])).rejects.toThrow("run cli-1 exists already");
  await expect(main(["launch"])).rejects.toThrow("usage: npm run fanout -- start");
  await expect(main(["status", "--run-id", "nope"])).rejects.toThrow("run nope does not exist");
  await expect(main(["status", "--run-id", "cli-1", "--timeout", "0"])).rejects.toThrow("--timeout=0 is invalid: expected whole seconds from 1 up to 86400");
  await expect(main(["status", "--run-id", "cli-1", "--table", ""])).rejects.toThrow("the table is required");
});
