import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { synthesizeApp } from "../tools/lib/synth";

const ROOT = path.resolve(__dirname, "..");

/** Every file under `dir`, as relative path -> content. */
function readTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(path.relative(dir, full), fs.readFileSync(full));
    }
  };
  walk(dir);
  return files;
}

describe("the synthesized app", () => {
  let tmp: string;
  let first: Map<string, Buffer>;
  let second: Map<string, Buffer>;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "qs-determinism-"));
    // Once through main.ts in its own process (as `cdktf synth` runs it), once in this process: any state that
    // differs between runs (time, randomness, absolute paths, environment) shows up as a difference.
    const viaMain = path.join(tmp, "a");
    execFileSync(process.execPath, ["--import", "tsx", path.join(ROOT, "main.ts")], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CDKTF_OUTDIR: viaMain, CHECKPOINT_DISABLE: "1" },
      stdio: "pipe",
    });
    fs.mkdirSync(path.join(tmp, "b", "nested"), { recursive: true });
    const inProcess = synthesizeApp({}, path.join(tmp, "b", "nested", "out")).outdir;
    first = readTree(viaMain);
    second = readTree(inProcess);
  }, 60_000);
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("has every stack", () => {
    expect([...first.keys()]).toContain(path.join("stacks", "core-infra", "cdk.tf.json"));
  });

  it("is byte-identical across two synths into different folders", () => {
    expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
    for (const [file, content] of first) {
      expect({ file, same: content.equals(second.get(file)!) }).toEqual({ file, same: true });
    }
  });

  it("holds no absolute path of the machine", () => {
    const machinePaths = [ROOT, os.tmpdir(), os.homedir(), tmp].filter((p) => p.length > 1);
    for (const [file, content] of first) {
      const text = content.toString("latin1");
      for (const p of machinePaths) {
        expect({ file, containsPath: p, found: text.includes(p) }).toEqual({ file, containsPath: p, found: false });
      }
    }
  });
});
