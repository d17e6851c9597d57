import tseslint from "typescript-eslint";
import layering from "./eslint-rules/layering.js";

export default tseslint.config(
  { ignores: ["node_modules/**", "generated/**", ".berth-test/**"] },
  ...tseslint.configs.recommended,
  {
    plugins: { berth: { rules: { layering } } },
    rules: {
      "berth/layering": "error",
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
);
