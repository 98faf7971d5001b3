import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { hashTree } from "../../../src/constructs/worker-image";

describe("hashTree (the worker image's content tag)", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qs-hash-tree-"));
    fs.mkdirSync(path.join(dir, "worker"));
    fs.writeFileSync(path.join(dir, "worker", "Dockerfile"), "FROM node:22-alpine\n");
    fs.writeFileSync(path.join(dir, "worker", "main.ts"), "console.log(1)\n");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("depends on contents, not on file times", () => {
    const before = hashTree(dir);
    fs.utimesSync(path.join(dir, "worker", "main.ts"), new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect(hashTree(dir)).toBe(before);
    fs.writeFileSync(path.join(dir, "worker", "main.ts"), "console.log(2)\n");
    expect(hashTree(dir)).not.toBe(before);
  });

  it("depends on file names and ignores node_modules", () => {
    const before = hashTree(dir);
    fs.mkdirSync(path.join(dir, "node_modules", "x"), { recursive: true });
    fs.writeFileSync(path.join(dir, "node_modules", "x", "index.js"), "junk");
    expect(hashTree(dir)).toBe(before);
    fs.renameSync(path.join(dir, "worker", "main.ts"), path.join(dir, "worker", "index.ts"));
    expect(hashTree(dir)).not.toBe(before);
  });
});
