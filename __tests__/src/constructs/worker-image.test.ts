import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { dockerignoreFilter, hashTree, WorkerImage } from "../../../src/constructs/worker-image";

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

describe("hashTree with a .dockerignore (what docker build sends is what the tag follows)", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qs-hash-tree-"));
    for (const file of ["worker/main.ts", "worker/README.md", "shared/util.ts", "message-producer/index.ts"]) {
      fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), `// ${file}\n`);
    }
    fs.writeFileSync(path.join(dir, ".dockerignore"), "# not in the image\n**/*.md\n/message-producer/\n");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("does not change when a file the context leaves out changes", () => {
    const before = hashTree(dir);
    fs.writeFileSync(path.join(dir, "message-producer", "index.ts"), "// another handler\n");
    fs.writeFileSync(path.join(dir, "worker", "README.md"), "other docs\n");
    expect(hashTree(dir)).toBe(before);
  });

  it("changes when a file the image is built from changes, or when the ignore rules change", () => {
    const before = hashTree(dir);
    fs.writeFileSync(path.join(dir, "shared", "util.ts"), "// changed\n");
    const afterSource = hashTree(dir);
    expect(afterSource).not.toBe(before);
    fs.writeFileSync(path.join(dir, ".dockerignore"), "**/*.md\n");
    expect(hashTree(dir)).not.toBe(afterSource);
  });
});

describe("dockerignoreFilter", () => {
  const ignored = dockerignoreFilter(
    ["# comment", "", "**/node_modules", "*.log", "docs", "!docs/keep.md", "/target-setter/", "a?c"].join("\n"),
  );

  it.each([
    ["node_modules/x/index.js", true], // ** spans zero folders
    ["worker/node_modules/x/index.js", true], // and several
    ["build.log", true],
    ["worker/build.log", false], // * stays inside one segment
    ["docs/guide.md", true], // a parent folder matches
    ["docs/keep.md", false], // re-included by the later ! pattern
    ["target-setter/index.ts", true], // leading and trailing / dropped
    ["worker/target-setter/index.ts", false], // anchored at the context root
    ["abc", true],
    ["abbc", false],
    ["worker/main.ts", false],
  ])("%s ignored: %s", (file, expected) => {
    expect(ignored(file)).toBe(expected);
  });
});

describe("WorkerImage props", () => {
  const make = (props: Partial<ConstructorParameters<typeof WorkerImage>[2]>) => () => {
    const stack = new TerraformStack(Testing.app(), "s");
    new AwsProvider(stack, "aws", { region: "us-west-2" });
    new WorkerImage(stack, "image", { repositoryName: "r", pullRoleArn: "arn:aws:iam::1:role/x", ...props });
  };

  it("rejects a build context or Dockerfile path a shell would read differently, naming it", () => {
    expect(make({ dockerfile: "worker/Dockerfile; rm -rf ~" })).toThrow(/WorkerImage dockerfile "worker\/Dockerfile; rm -rf ~" is not allowed: use a relative path/);
    expect(make({ contextDir: "/abs/app-code" })).toThrow(/WorkerImage contextDir "\/abs\/app-code" is not allowed/);
  });

  it("rejects a Dockerfile that is not in the build context", () => {
    expect(make({ dockerfile: "worker/Missing.Dockerfile" })).toThrow(/dockerfile "worker\/Missing.Dockerfile" does not exist in the build context "app-code"/);
  });
});
