// ESLint: typescript-eslint's recommended rules with type information, React's
// hook rules, and no import cycles in src/ (each layer imports only the ones
// below it). Formatting is Prettier's business, not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'bench/results/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      // the type check's project: src, test, bench and vitest.config.ts
      parserOptions: { project: 'tsconfig.check.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // deliberate: the parsers and the prompt strip control characters from input, the tests match ANSI escapes
      'no-control-regex': 'off',
      // `const { dropped, ...rest } = x` is how the code leaves a field out
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // outside the type check's project (the bin and the bundler are plain scripts): lint without types
    files: ['eslint.config.js', 'bin/**/*.js', 'scripts/**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['test/**/*.{ts,tsx}'],
    rules: {
      // an async stand-in for a function that returns a promise need not await anything
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['src/**/*.{ts,tsx}', 'test/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: {
      // dynamic imports count: a cycle through a lazy import() is still a cycle between layers
      'import-x/no-cycle': 'error',
    },
  },
);
