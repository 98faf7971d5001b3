/**
 * The CPU / memory combinations Fargate accepts for a Linux task (ECS developer guide, "Task CPU and memory"),
 * so a bad task size fails the synth with a clear message instead of the first apply.
 */

/** For each task CPU (units, 1024 = 1 vCPU): the smallest and largest memory in MiB and the step between them. */
const MEMORY_BY_CPU: Readonly<Record<number, { min: number; max: number; step: number }>> = {
  256: { min: 512, max: 2048, step: 512 }, // 512, 1024, 2048: the step hides 1536, excluded below
  512: { min: 1024, max: 4096, step: 1024 },
  1024: { min: 2048, max: 8192, step: 1024 },
  2048: { min: 4096, max: 16384, step: 1024 },
  4096: { min: 8192, max: 30720, step: 1024 },
  8192: { min: 16384, max: 61440, step: 4096 },
  16384: { min: 32768, max: 122880, step: 8192 },
};

export const FARGATE_CPU_VALUES = Object.keys(MEMORY_BY_CPU).map(Number);

/** What Fargate allows as memory for this CPU, as the error message says it. */
export function fargateMemoryAllowed(cpu: number): string {
  const m = MEMORY_BY_CPU[cpu];
  if (!m) return `cpu one of ${FARGATE_CPU_VALUES.join(", ")}`;
  return cpu === 256 ? "512, 1024 or 2048" : `${m.min} to ${m.max} in steps of ${m.step}`;
}

/** Undefined when Fargate runs a task of this size, else why not. */
export function fargateSizeProblem(cpu: number, memory: number): string | undefined {
  const m = MEMORY_BY_CPU[cpu];
  if (!m) return `cpu ${cpu} is not a Fargate task size; allowed: ${FARGATE_CPU_VALUES.join(", ")}`;
  const fits = memory >= m.min && memory <= m.max && (memory - m.min) % m.step === 0 && !(cpu === 256 && memory === 1536);
  return fits ? undefined : `memory ${memory} MiB does not fit cpu ${cpu}; allowed: ${fargateMemoryAllowed(cpu)}`;
}
