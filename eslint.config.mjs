import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

// Layering rules from DESIGN.md are enforced here, not remembered:
// only main/electron and preload import electron; only renderer imports React.
const noElectron = {
  paths: [{ name: 'electron', message: 'Only main/electron/ and preload/ may import electron; keep the core runnable under plain Node.' }],
  patterns: [{ group: ['electron/*'], message: 'Only main/electron/ and preload/ may import electron.' }],
};
const noReact = {
  patterns: [{ group: ['react', 'react-dom', 'react-dom/*', 'react/*', 'react-chartjs-2', 'react-i18next'], message: 'Only renderer/ may import React.' }],
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'bin/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['main/core/**/*.ts', 'main/cli.ts', 'contract/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { ...noElectron, patterns: [...noElectron.patterns, ...noReact.patterns] }] },
  },
  {
    files: ['main/electron/**/*.ts', 'preload/index.ts'],
    rules: { 'no-restricted-imports': ['error', noReact] },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', noElectron],
    },
  },
  {
    // Plain CommonJS scripts run by node and npm scripts.
    files: ['scripts/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', noElectron] },
  },
);
