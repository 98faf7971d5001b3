/** The queue-depth-tracking local run end to end against fauxqs, with short durations. */
import { runQueueDepthTrackingLocally } from "../../../tools/local/queue-depth-tracking";

describe("the queue-depth-tracking run", () => {
  it("runs producer service and workers with shortened durations and stops by itself with its summary, exit 0", async () => {
    const lines: string[] = [];
    const spy = jest.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    try {
      expect(await runQueueDepthTrackingLocally(["--seconds", "0.5", "--scale", "0.002"])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(lines.at(-1)).toBe("OK: every message sent was processed once, the poison message is in the DLQ, nothing left");
    const sent = Number(/sent (\d+) UNIX times/.exec(lines.find((l) => l.includes("producer      sent"))!)![1]);
    expect(sent).toBeGreaterThan(2);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`workers {7}2; processed ${sent} \\(\\d+ even, \\d+ odd\\); processed twice: 0`)));
  }, 20_000);
});
