import { defineConfig } from "vitest/config";

// Three suites: fast pure unit tests, integration tests through the local runtime
// (embedded DynamoDB), and infrastructure tests on the synthesized CDK template.
export default defineConfig({
  test: {
    // The AWS SDK's notice that its 2027 releases need Node 22 is known (see README); keep test output readable.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"], environment: "node" } },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          environment: "node",
          testTimeout: 30_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "infra",
          include: ["test/infra/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
