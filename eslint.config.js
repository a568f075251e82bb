// Lint: ESLint's and typescript-eslint's recommended rules. Formatting is Prettier's job.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "cdk.out/", ".data/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      // `import { z }` keeps every zod locale in the bundles (258 KB, issue 12); the namespace
      // import lets esbuild drop what is not used.
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "ImportDeclaration[source.value='zod'][importKind!='type'] > :matches(ImportSpecifier[imported.name='z'], ImportDefaultSpecifier)",
          message: 'Use import * as z from "zod".',
        },
      ],
    },
  },
  {
    files: ["test/**/*.ts"],
    // Tests read JSON responses and assert on their shape with toMatchObject.
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
