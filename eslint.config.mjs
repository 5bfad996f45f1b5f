import path from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import globals from 'globals';

// The layering of DESIGN.md is enforced here, not remembered. Layers:
//   contract (contract/, today preload/contract/)  shared by every side
//   main/core        plain-Node station; main/core/ml pure modelling inside it
//   main/commands, main/cli.ts   CLI shell;  main/electron, preload/  desktop shell
//   renderer         React console (stores below tabs)
// Zones are anchored at this file's folder, not at the process's working
// directory, so linting from a subfolder or an editor applies the same rules.
const root = import.meta.dirname;
const at = (glob) => path.join(root, glob);

// Package bans (by import specifier, static imports and re-exports). ESLint
// keeps one option set per rule and file, so each region states its full list.
const ELECTRON = 'Only main/electron/ and preload/ may import electron; keep the core runnable under plain Node.';
const noElectron = {
  paths: [{ name: 'electron', message: ELECTRON }],
  patterns: [{ group: ['electron/*'], message: ELECTRON }],
};
// React and the libraries built on it (react-dom, react-chartjs-2,
// react-i18next, zustand stores) exist only in the renderer.
const noReact = {
  patterns: [{ group: ['react', 'react/*', 'react-*', 'zustand', 'zustand/*'], message: 'Only renderer/ may import React and its libraries.' }],
};
const both = { paths: noElectron.paths, patterns: [...noElectron.patterns, ...noReact.patterns] };

// Allow-lists, as one pattern matching every package specifier not allowed
// (relative imports are left to the path zones below).
const allowOnly = (packages, message) => ({ regex: `^(?!\\.|/|(${packages.join('|')})(/|$))`, message });
// main/core/ml may import: its own modules; main/core/platform/errors and
// main/core/platform/ids; @tensorflow/*, csv-parse, zod; node: built-ins other
// than storage and networking. Nothing else: no SQL, no HTTP, no contract, no
// domain code, no logger — callers in the domains load data, persist models
// and map results onto the contract.
const mlPackages = ['@tensorflow/[^/]+', 'csv-parse', 'zod', 'node:(?!(sqlite|http|https|http2|net|tls|dgram)(/|$))[a-z_/]+'];
const mlImports = {
  paths: [{ name: 'better-sqlite3', message: 'main/core/ml/ is pure modelling: the database lives in the domains.' }],
  // better-sqlite3 is left out of the pattern so it is reported once, by name.
  patterns: [allowOnly([...mlPackages, 'better-sqlite3'], 'main/core/ml/ is pure modelling: it may import only @tensorflow/*, csv-parse, zod and node: built-ins other than sqlite and networking.')],
};
// The contract is bundled into the renderer, the sandboxed preload and the
// core alike: zod is its only dependency.
const contractImports = { patterns: [allowOnly(['zod'], 'The contract is shared by every side: it may import only zod and itself.')] };

// Path bans (by resolved file, type-only imports included), for
// import-x/no-restricted-paths. One zone per source so the message says which
// boundary was crossed. Globs are made absolute: import-x matches `except`
// globs against absolute paths as they are.
const zone = (target, from, message, except) => ({
  target: [target].flat().map(at),
  from: [from].flat().map(at),
  message,
  ...(except ? { except: except.map(at) } : {}),
});
const CORE = 'main/core/**';
const CONTRACT = ['contract/**', 'preload/contract/**'];
const coreZones = [
  zone(CORE, 'renderer/**', 'The core runs under plain Node: it must not import the renderer.'),
  zone(CORE, 'main/electron/**', 'The core must not import the desktop shell (main/electron/).'),
  zone(CORE, 'preload/*.ts', 'The core must not import the desktop shell (preload/).'),
  zone(CORE, 'main/commands/**', 'The core must not import CLI commands (main/commands/).'),
  zone(CORE, 'main/cli.ts', 'The core must not import the CLI entry (main/cli.ts).'),
];
const contractZones = [
  zone(CONTRACT, 'main/**', 'The contract is shared by every side: it must not import main/.'),
  zone(CONTRACT, 'renderer/**', 'The contract is shared by every side: it must not import renderer/.'),
  zone(CONTRACT, 'preload/*.ts', 'The contract is shared by every side: it must not import the preload bridge.'),
];
const rendererZones = [
  zone('renderer/**', 'main/**', 'The renderer reaches the station only through renderer/api and the contract, never main/.'),
  zone('renderer/**', 'preload/index.ts', 'The renderer uses window.smc (typed by preload/bridge-types.ts), not the preload script.'),
  zone('renderer/stores/**', 'renderer/tabs/**', 'Stores are below tabs: renderer/stores/ must not import renderer/tabs/.'),
];
const mlZones = [
  zone('main/core/ml/**', '**', 'main/core/ml/ is pure modelling: it may import only main/core/ml/**, main/core/platform/errors and main/core/platform/ids.', [
    'main/core/ml/**',
    'main/core/platform/{errors,ids}.ts',
    'main/core/platform/{errors,ids}/**',
    'node_modules/**',
  ]),
];
const restrictedPaths = [...coreZones, ...contractZones, ...rendererZones, ...mlZones];

// A domain (main/core/domains/<name>/) reaches another only through that
// domain's index.ts, so its repositories and handlers stay private to it.
// Imports in this project are relative, so the specifier locates the file.
const domainsRoot = at('main/core/domains');
const domainOf = (file) => {
  const parts = path.relative(domainsRoot, file).split(path.sep);
  return parts.length > 1 && parts[0] !== '..' && !path.isAbsolute(parts[0]) ? parts[0] : undefined;
};
const domainPublicFace = {
  meta: {
    type: 'problem',
    docs: { description: 'A domain imports another domain only through its index.ts.' },
    messages: { reach: 'Domain "{{own}}" reaches into domain "{{other}}" ("{{source}}"): import main/core/domains/{{other}}/index.ts instead.' },
    schema: [],
  },
  create(context) {
    const file = context.physicalFilename;
    const own = domainOf(file);
    if (!own) return {};
    const check = (node) => {
      if (node?.type !== 'Literal' || typeof node.value !== 'string' || !node.value.startsWith('.')) return;
      const parts = path.relative(domainsRoot, path.resolve(path.dirname(file), node.value)).split(path.sep);
      const [other, ...rest] = parts;
      if (!other || other === '..' || other === own || rest.length === 0) return;
      if (rest.length === 1 && /^index(\.[cm]?[jt]sx?)?$/.test(rest[0])) return;
      context.report({ node, messageId: 'reach', data: { own, other, source: node.value } });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      TSImportEqualsDeclaration: (node) => check(node.moduleReference.expression),
    };
  },
};

const SOURCE = '**/*.{ts,tsx,mts,cts,js,mjs,cjs}';
const APP = ['main', 'contract', 'preload', 'renderer'].map((dir) => `${dir}/**/*.{ts,tsx}`);

export default tseslint.config(
  // .lint-sandbox-* is the temporary project of test/unit/lint-rules.test.ts:
  // deliberate violations, linted there with a copy of this file.
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', '.lint-sandbox-*/**'] },
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
    // No file over 400 lines, blank lines and comments included.
    files: [SOURCE],
    rules: { 'max-lines': ['error', { max: 400, skipBlankLines: false, skipComments: false }] },
  },
  {
    // Default for every file: neither electron nor React; the regions below relax it.
    files: [SOURCE],
    rules: { 'no-restricted-imports': ['error', both] },
  },
  {
    files: ['main/electron/**/*.ts', 'preload/*.ts'],
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
    files: ['main/core/ml/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', mlImports] },
  },
  {
    files: CONTRACT.map((dir) => `${dir}/*.ts`),
    rules: { 'no-restricted-imports': ['error', contractImports] },
  },
  {
    // Boundaries between folders, checked on resolved files, and cycles.
    files: APP,
    plugins: { 'import-x': importX, smc: { rules: { 'domain-public-face': domainPublicFace } } },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs', '.cjs'],
      'import-x/external-module-folders': ['node_modules', 'node_modules/@types'],
      'import-x/resolver-next': [createTypeScriptImportResolver()],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: restrictedPaths, basePath: root }],
      'smc/domain-public-face': 'error',
      // Type-only imports are erased at compile time, so they cannot create
      // the load-order cycles this rule guards against; import-x skips them.
      // Layering of types is still checked by the zones above. Packages are
      // not traversed: a cycle through node_modules is not ours to fix, and
      // skipping them keeps the rule's cost to parsing our own files.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    // Plain CommonJS scripts run by node and npm scripts, and the smc launcher.
    files: ['scripts/**/*.js', 'bin/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests may import React; they never load Electron's API (only its binary).
    files: ['test/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', noElectron] },
  },
);
