import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createApp } from "../../src/app";
import { loadSettings, SettingsSource, settingsSourceFromEnv } from "../../src/settings";

const PROJECT_DIR = path.resolve(__dirname, "..", "..");

/** One synthesized stack: its name and its parsed `cdk.tf.json`. */
export interface SynthesizedStack {
  readonly name: string;
  readonly file: string;
  readonly json: TerraformJson;
}

export interface TerraformJson {
  terraform?: Record<string, any>;
  provider?: Record<string, any[]>;
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, Record<string, unknown>>;
  variable?: Record<string, Record<string, unknown>>;
  locals?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A resource or data source block with its Terraform address (`aws_vpc.network_vpc`, `data.aws_partition.p`). */
export interface Block {
  readonly kind: "resource" | "data";
  readonly type: string;
  readonly name: string;
  readonly address: string;
  readonly body: Record<string, unknown>;
}

/** Every resource and data-source block of a stack, in file order. */
export function blocksOf(json: TerraformJson): Block[] {
  const blocks: Block[] = [];
  for (const kind of ["resource", "data"] as const) {
    for (const [type, byName] of Object.entries(json[kind] ?? {})) {
      for (const [name, body] of Object.entries(byName)) {
        const address = kind === "data" ? `data.${type}.${name}` : `${type}.${name}`;
        blocks.push({ kind, type, name, address, body });
      }
    }
  }
  return blocks;
}

/** Reads every stack of a synthesized output folder, via cdktf's manifest. */
export function readSynthesized(outdir: string): SynthesizedStack[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { name: string; synthesizedStackPath: string }>;
  };
  return Object.values(manifest.stacks).map((s) => {
    const file = path.join(outdir, s.synthesizedStackPath);
    return { name: s.name, file, json: JSON.parse(fs.readFileSync(file, "utf8")) as TerraformJson };
  });
}

/**
 * Synthesizes the whole app in this process (no cdktf CLI) into `outdir`, or a fresh temporary folder, and reads
 * the result. Settings come from `source`, validated as `main.ts` does.
 */
export function synthesizeApp(source: SettingsSource = {}, outdir?: string): { outdir: string; stacks: SynthesizedStack[] } {
  const settings = loadSettings(source);
  const dir = outdir ?? fs.mkdtempSync(path.join(os.tmpdir(), "qs-synth-"));
  createApp(settings, { outdir: dir }).synth();
  return { outdir: dir, stacks: readSynthesized(dir) };
}

/**
 * The stacks the tools check: those of the synth output folder `dir`, or, without one, of a synth with the settings
 * `cdktf synth` uses (cdktf.json's context, CDKTF_CONTEXT_JSON, QS_* variables) into a temporary folder that is
 * removed once read. Throws SettingsError on a bad setting, before anything is written.
 */
export function loadStacks(dir: string | undefined, env: Record<string, string | undefined> = process.env): SynthesizedStack[] {
  if (dir) return readSynthesized(dir);
  const { outdir, stacks } = synthesizeApp(settingsSourceFromEnv(env, PROJECT_DIR));
  fs.rmSync(outdir, { recursive: true, force: true });
  return stacks;
}
