// Adds cdktf's matchers (toHaveResource, toHaveResourceWithProperties, toHaveDataSource…) to expect. What
// `Testing.setupJest()` runs, from its own module: the package root loads all of cdktf (~380 modules) into every
// test file, also the two thirds that never synthesize anything. cdktf is pinned, so the path cannot move.
import { setupJest } from "cdktf/lib/testing/adapters/jest";

setupJest();

// The tests run on the tooling's Node 20; the code under test runs on Node 22+ in AWS. The SDK's notice that its
// 2027 releases need Node 22 would otherwise print once per test file.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
