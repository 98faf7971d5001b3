// Adds cdktf's matchers (toHaveResource, toHaveResourceWithProperties, toHaveDataSource…) to expect. What
// `Testing.setupJest()` runs, from its own module: the package root loads all of cdktf (~380 modules) into every
// test file, also the two thirds that never synthesize anything. cdktf is pinned, so the path cannot move.
import { setupJest } from "cdktf/lib/testing/adapters/jest";

setupJest();

// cdktf records the full call stack of every token it creates, for its "created at" diagnostics; under jest each
// capture goes through jest's source-map formatter, frame by frame: about a fifth of the CPU of the suites that
// synthesize. The tests give that up (a token error then names no creation site); the synthesized output does
// not change (__tests__/main.test.ts compares a synth in this setup with one through main.ts, byte for byte).
require("cdktf/lib/tokens/private/stack-trace").captureStackTrace = (): string[] => [];

// The tests run on the tooling's Node 20; the code under test runs on Node 22+ in AWS. The SDK's notice that its
// 2027 releases need Node 22 would otherwise print once per test file.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
