// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Handlers run synchronously inside PocketBase's goja VM: a Promise is silently dropped there. */
const noAsync = [
  { selector: ":function[async=true]", message: "PocketBase handlers must be synchronous." },
  { selector: "AwaitExpression", message: "PocketBase handlers must be synchronous." },
];

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "pb_hooks/",
      "pb_data/",
      ".pocketbase/",
      "types/",
      "coverage/",
      "client/dist/",
      // type-checked against the packed package by test/browser/client.test.ts
      "client/example/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-confusing-void-expression": ["error", { ignoreArrowShorthand: true }],
    },
  },
  {
    files: ["hooks-src/**/*.ts"],
    rules: {
      "no-restricted-syntax": ["error", ...noAsync],
      // require() is how the JSVM loads the library; its error classes are Go errors, not Error
      // subclasses; and events carry optional fields that a hook's collection guarantees.
      "@typescript-eslint/no-require-imports": "off",
      "@typescript-eslint/only-throw-error": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    // The registration file: type-only imports and no file-scope bindings, so every handler
    // stays self-contained after PocketBase serializes it.
    files: ["hooks-src/main.pb.ts"],
    rules: {
      // $apis.requireAuth() returns PocketBase's native middleware handler, which the vendored
      // declarations type as a plain object where the Middleware class is expected.
      "@typescript-eslint/no-unsafe-class-instance-assignment": "off",
      "no-restricted-syntax": [
        "error",
        ...noAsync,
        {
          selector: "ImportDeclaration[importKind!='type']",
          message: "main.pb.ts may only `import type`; require the library inside the handler.",
        },
        {
          selector: "Program > :declaration",
          message: "Nothing may live at file scope in main.pb.ts: handlers cannot see it.",
        },
      ],
    },
  },
  {
    // Tests (and benches) read SDK records, whose fields are typed `any`, and index values they
    // just made.
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
    },
  },
  {
    files: ["pb_migrations/**/*.js", "**/*.mjs", "**/*.cjs"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Migrations are plain JS run by PocketBase's JSVM, whose globals (migrate, Collection,
    // field classes, $os, …) come from the vendored declarations the reference line points to.
    files: ["pb_migrations/**/*.js"],
    languageOptions: { sourceType: "script" },
    rules: { "no-undef": "off", "@typescript-eslint/triple-slash-reference": "off" },
  },
  {
    files: ["**/*.mjs", "scripts/**/*.ts", "test/**/*.ts", "bench/**/*.ts"],
    languageOptions: {
      globals: { process: "readonly", console: "readonly", URL: "readonly" },
    },
  },
);
