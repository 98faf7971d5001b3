/**
 * The worker image builds from copies of some app-code folders only: every folder its bundles read must be
 * copied, or the image build fails (in CodeBuild, long after the tests). Checked with esbuild's metafile for each
 * entry point the Dockerfile bundles.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { build } from "esbuild";
import { IMAGE_ENTRIES } from "../../../tools/local/bundle-worker";

const ROOT = path.resolve(__dirname, "../../..");
const dockerfile = readFileSync(path.join(ROOT, "app-code/worker/Dockerfile"), "utf8");
const buildStage = dockerfile.slice(0, dockerfile.indexOf("\nFROM ", dockerfile.indexOf("FROM ") + 1));
const copied = [...buildStage.matchAll(/^COPY (?!--from)(\S+?)\/? \S+$/gm)].map((m) => m[1]);
const entries = [...buildStage.matchAll(/npx esbuild (\S+\.ts)/g)].map((m) => m[1]);

test("the Dockerfile bundles exactly the programs the tests bundle (tools/local/bundle-worker.ts)", () => {
  expect(entries).toEqual(Object.values(IMAGE_ENTRIES));
});

test.each(entries)("every app-code folder %s reads is copied into the build stage", async (entry) => {
  const result = await build({
    entryPoints: [path.join(ROOT, "app-code", entry)],
    bundle: true,
    platform: "node",
    target: "node20",
    write: false,
    metafile: true,
    logLevel: "silent",
    absWorkingDir: ROOT,
  });
  const folders = new Set(
    Object.keys(result.metafile!.inputs)
      .filter((p) => p.startsWith("app-code/"))
      .map((p) => p.split("/").slice(1, p.startsWith("app-code/worker/src/") ? 3 : 2).join("/")),
  );
  expect(folders.size).toBeGreaterThan(0);
  for (const folder of folders) expect({ folder, copied: copied.includes(folder) }).toEqual({ folder, copied: true });
});
