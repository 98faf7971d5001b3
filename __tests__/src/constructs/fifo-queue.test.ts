import { TerraformStack, Testing } from "cdktf";
import { FifoQueueWithDlq } from "../../../src/constructs/fifo-queue";

describe("FifoQueueWithDlq", () => {
  it("refuses a queue name without the .fifo suffix", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    expect(
      () => new FifoQueueWithDlq(stack, "q", { name: "jobs", deadLetterQueueName: "jobs-dlq.fifo", maxProcessingSeconds: 10 }),
    ).toThrow('FIFO queue name "jobs" must end in .fifo');
  });
});
