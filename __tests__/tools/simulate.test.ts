import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../tools/simulate";

let out: string;
beforeEach(() => {
  out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "simulate-")), "out");
  jest.spyOn(console, "log").mockImplementation(() => undefined);
  jest.spyOn(console, "error").mockImplementation(() => undefined);
  jest.spyOn(process.stderr, "write").mockImplementation(() => true);
});
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
});

test("writes report.md, results.json and a table and chart per workload, with progress", () => {
  const code = main(["--workload", "blueprint,duration-shift", "--strategies", "queue-depth,project-defaults", "--duration", "30m", "--out", out], {});
  expect(code).toBe(0);
  expect(fs.readdirSync(out).sort()).toEqual([
    "blueprint.md",
    "blueprint.svg",
    "duration-shift.md",
    "duration-shift.svg",
    "report.md",
    "results.json",
  ]);
  const results = JSON.parse(fs.readFileSync(path.join(out, "results.json"), "utf8"));
  expect(results.map((r: { workload: string; strategy: string }) => `${r.workload}/${r.strategy}`)).toEqual([
    "blueprint/queue-depth",
    "blueprint/project-defaults",
    "duration-shift/queue-depth",
    "duration-shift/project-defaults",
  ]);
  expect(results[0].sent).toBe(1500);
  expect(jest.mocked(process.stderr.write).mock.calls.map(([s]) => String(s))).toContainEqual(
    expect.stringMatching(/^\[4\/4\] duration-shift × project-defaults: /),
  );
});

test("bad options: exit code 2, the problems on stderr, nothing written", () => {
  expect(main(["--duration", "forever", "--out", out], {})).toBe(2);
  expect(jest.mocked(console.error).mock.calls[0][0]).toContain('--duration: "forever" is not valid');
  expect(fs.existsSync(out)).toBe(false);
});

test("--offsets: one row per strategy and offset, a column for the offset", () => {
  const code = main(["--workload", "blueprint", "--strategies", "project-defaults", "--duration", "30m", "--offsets", "0,59", "--out", out], {});
  expect(code).toBe(0);
  const table = fs.readFileSync(path.join(out, "blueprint.md"), "utf8");
  expect(table).toContain("| strategy | sample offset | over goal |");
  expect(table.split("\nRedelivery")[0].split("\n").filter((l) => l.startsWith("| project-defaults |")).map((l) => l.split("|")[2].trim())).toEqual(["0 s", "59 s"]);
  const results = JSON.parse(fs.readFileSync(path.join(out, "results.json"), "utf8"));
  expect(results.map((r: { metricSampleOffsetSeconds: number }) => r.metricSampleOffsetSeconds)).toEqual([0, 59]);
});
