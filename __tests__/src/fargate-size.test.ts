import { fargateSizeProblem } from "../../src/fargate-size";

describe("fargateSizeProblem", () => {
  it.each([
    [256, 512],
    [256, 2048],
    [512, 1024],
    [1024, 8192],
    [4096, 8192],
    [4096, 30720],
    [8192, 20480],
    [16384, 122880],
  ])("accepts %p CPU with %p MiB", (cpu, memory) => {
    expect(fargateSizeProblem(cpu, memory)).toBeUndefined();
  });

  it.each([
    [256, 1536, "memory 1536 MiB does not fit cpu 256; allowed: 512, 1024 or 2048"],
    [512, 512, "memory 512 MiB does not fit cpu 512; allowed: 1024 to 4096 in steps of 1024"],
    [4096, 32768, "allowed: 8192 to 30720 in steps of 1024"],
    [8192, 18432, "allowed: 16384 to 61440 in steps of 4096"],
    [3000, 8192, "cpu 3000 is not a Fargate task size; allowed: 256, 512, 1024, 2048, 4096, 8192, 16384"],
  ])("refuses %p CPU with %p MiB", (cpu, memory, expected) => {
    expect(fargateSizeProblem(cpu, memory)).toContain(expected);
  });
});
