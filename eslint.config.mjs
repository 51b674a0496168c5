import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      "**/node_modules/**",
      "rendered/**",
      ".cache/**",
      "bin/**",
      "*.js",
      "*.mjs",
      // The precompiled pack (policies/precompiled.js builds it), and that script: plain
      // CommonJS that runs before anything is compiled (`// @ts-check` covers it in editors).
      "policies/bin/**",
      "policies/bin.tmp-*/**",
      "policies/precompiled.js",
      // A Stryker plugin: Stryker imports it as a plain ES module, outside the TypeScript project.
      "tools/lib/stryker-covering-files-runner.mjs",
      // Jest's resolver: Jest requires it as plain CommonJS, before any transform.
      "tests/helpers/resolver.js",
    ],
  },
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@pulumi": pulumi },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
    },
  },
);
