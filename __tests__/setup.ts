import { Testing } from "cdktf";

// Adds cdktf's matchers (toHaveResource, toHaveResourceWithProperties, toHaveDataSource…) to expect.
Testing.setupJest();
