/**
 * The worker image's own package.json/lockfile (used by the Dockerfile's `npm ci`) must pin exactly what the
 * root pins, which is what the tests here run against; and the Dockerfile must keep its safety properties.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../../..");
const read = (p: string) => readFileSync(path.join(ROOT, p), "utf8");
const rootPkg = JSON.parse(read("package.json"));
const workerPkg = JSON.parse(read("app-code/worker/package.json"));
const workerLock = JSON.parse(read("app-code/worker/package-lock.json"));

test("every worker dependency is pinned exactly to the root's version, and the lockfile agrees", () => {
  const rootVersions = { ...rootPkg.dependencies, ...rootPkg.devDependencies };
  const wanted = { ...workerPkg.dependencies, ...workerPkg.devDependencies } as Record<string, string>;
  expect(Object.keys(wanted).length).toBeGreaterThan(0);
  for (const [name, version] of Object.entries(wanted)) {
    expect({ name, version }).toEqual({ name, version: rootVersions[name] });
    expect({ name, locked: workerLock.packages[`node_modules/${name}`]?.version }).toEqual({ name, locked: version });
  }
  expect(workerLock.packages[""].dependencies).toEqual(workerPkg.dependencies);
});

test("Dockerfile: multi-stage, Node.js 22+, non-root, exec-form entrypoint, no parser directive", () => {
  const dockerfile = read("app-code/worker/Dockerfile");
  const froms = dockerfile.match(/^FROM .+$/gm) ?? [];
  expect(froms.length).toBeGreaterThanOrEqual(2);
  const nodeImage = /^ARG NODE_IMAGE=.*node:(\d+)/m.exec(dockerfile);
  expect(Number(nodeImage?.[1])).toBeGreaterThanOrEqual(22);
  const lastStage = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
  expect(lastStage).toMatch(/^USER (?!root\b|0\b)\S+$/m);
  expect(lastStage).toMatch(/^ENTRYPOINT \[".*"\]$/m);
  expect(dockerfile).toMatch(/--target=node22\b/);
  // No parser directive: `# syntax=docker/dockerfile:1` makes BuildKit pull that frontend image from Docker Hub
  // before every build (rate limits in CodeBuild), and nothing here needs a feature beyond the built-in frontend.
  expect(dockerfile).not.toMatch(/^#\s*syntax\s*=/im);
  expect(dockerfile).not.toMatch(/^RUN\s+--mount|<<\w+/m);
});
