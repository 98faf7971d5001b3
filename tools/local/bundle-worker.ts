/**
 * Bundles the image's programs with esbuild exactly as app-code/worker/Dockerfile does (same entries, flags), so
 * tests and the bench run the files the image would run. Target node20 here because this machine runs Node 20;
 * the image targets node22.
 */
import * as path from "node:path";
import { build } from "esbuild";

const ROOT = path.resolve(__dirname, "..", "..");

/** The image's entry points (relative to app-code/) by program. */
export const IMAGE_ENTRIES = {
  worker: "worker/src/main.ts",
  "producer-service": "producer-service/main.ts",
  /** The task-per-message job container (`job.js`). */
  job: "task-per-message/job/main.ts",
} as const;

export function bundleImageEntry(entry: keyof typeof IMAGE_ENTRIES, outfile: string, target = "node20"): Promise<string> {
  return bundleWorker(outfile, target, path.join("app-code", IMAGE_ENTRIES[entry]));
}

/** `entry` (relative to the project) defaults to the image's worker entry; the chaos tool bundles its recording worker. */
export async function bundleWorker(outfile: string, target = "node20", entry = path.join("app-code", IMAGE_ENTRIES.worker)): Promise<string> {
  await build({
    entryPoints: [path.join(ROOT, entry)],
    bundle: true,
    platform: "node",
    target,
    sourcemap: true,
    outfile,
    logLevel: "silent",
  });
  return outfile;
}
