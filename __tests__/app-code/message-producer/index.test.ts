/** The producer Lambda handler end to end against a real SQS server (fauxqs on loopback). */
import { handler, logger } from "../../../app-code/message-producer/index";
import { FauxqsProcess, startFauxqs } from "../../../tools/local/fauxqs";
import { createLocalQueues, localAwsEnv } from "../../../tools/local/queues";

logger.setLogLevel("SILENT");
let fauxqs: FauxqsProcess;
const savedEnv = { ...process.env };

beforeAll(async () => {
  fauxqs = await startFauxqs();
});
afterAll(async () => {
  process.env = savedEnv;
  await fauxqs.stop();
});

// 500 here (50 batches, 10 in flight) keeps the suite fast; `npm run bench:worker` sends 10,000
// end to end, and the unit test of createWorkMessages checks 10,000 ids for collisions.
test("500 messages in one run: all arrive, each with its own deduplication id", async () => {
  const queues = await createLocalQueues(fauxqs, { name: "many" });
  process.env = { ...savedEnv, ...localAwsEnv(fauxqs.endpoint), QUEUE_URL: queues.queueUrl, MESSAGE_GROUP_COUNT: "10" };

  const result = await handler({ count: 500 });

  expect(result).toEqual({ requested: 500, sent: 500, failed: 0, calls: 50, retriedEntries: 0 });
  const snapshot = await queues.main();
  expect(snapshot.ready).toBe(500);
  const bodies = snapshot.bodies.map((b) => JSON.parse(b) as { id: string; duration: number });
  // The id doubles as the deduplication id: a collision would have dropped a message above.
  expect(new Set(bodies.map((b) => b.id)).size).toBe(500);
  expect(bodies.every((b) => b.duration === 5)).toBe(true);
});

test("defaults from the environment: MESSAGES_PER_RUN messages, uniform durations within the range", async () => {
  const queues = await createLocalQueues(fauxqs, { name: "defaults" });
  process.env = {
    ...savedEnv,
    ...localAwsEnv(fauxqs.endpoint),
    QUEUE_URL: queues.queueUrl,
    MESSAGES_PER_RUN: "25",
    DURATION_MIN_SECONDS: "1",
    DURATION_MAX_SECONDS: "3",
  };

  expect(await handler({})).toMatchObject({ sent: 25, failed: 0, calls: 3 });
  const durations = (await queues.main()).bodies.map((b) => (JSON.parse(b) as { duration: number }).duration);
  expect(durations).toHaveLength(25);
  for (const d of durations) {
    expect(d).toBeGreaterThanOrEqual(1);
    expect(d).toBeLessThanOrEqual(3);
  }
  expect(new Set(durations).size).toBeGreaterThan(1);
});

test("bad input is rejected before anything is sent", async () => {
  process.env = { ...savedEnv, ...localAwsEnv(fauxqs.endpoint), QUEUE_URL: "http://127.0.0.1:1/none.fifo" };
  await expect(handler({ count: 0 })).rejects.toThrow("event.count=0 is invalid: expected an integer from 1 up to 100000");
  process.env.DURATION_MIN_SECONDS = "10";
  process.env.DURATION_MAX_SECONDS = "2";
  await expect(handler({})).rejects.toThrow("DURATION_MAX_SECONDS=2 is invalid: expected at least DURATION_MIN_SECONDS (10)");
});
