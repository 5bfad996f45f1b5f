import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Each boundary in eslint.config.mjs is proven by linting a deliberate
// violation where the rule applies, and a compliant counterpart. The files
// live in a throwaway project inside the checkout (so packages resolve from
// its node_modules) that carries an exact copy of the project's config: the
// config's zones are anchored at its own folder, so the sandbox's main/,
// renderer/ … stand for the real ones without touching them. The copy has a
// name ESLint does not look for, so a lint of the checkout meanwhile still
// applies the project's config, which ignores the sandbox.

const root = join(__dirname, '..', '..');

type Files = Record<string, string>;
interface Case {
  name: string;
  /** The file linted, and the rule ids it must report (one per offending import). */
  bad: { file: string; rules: string[]; message: RegExp };
  good: { file: string };
  files: Files;
}

const NO_IMPORTS = 'no-restricted-imports';
const NO_PATHS = 'import-x/no-restricted-paths';
const DOMAIN = 'smc/domain-public-face';
const CYCLE = 'import-x/no-cycle';

const lib = (name: string): string => `export const ${name} = (): number => 1;\n`;

const cases: Case[] = [
  {
    name: 'a. core imports electron',
    bad: { file: 'main/core/a1-bad.ts', rules: [NO_IMPORTS], message: /Only main\/electron\/ and preload\/ may import electron/ },
    good: { file: 'main/electron/a1-good.ts' },
    files: {
      'main/core/a1-bad.ts': "import { app } from 'electron';\nexport const quit = (): void => app.quit();\n",
      'main/electron/a1-good.ts': "import { app } from 'electron';\nexport const quit = (): void => app.quit();\n",
    },
  },
  {
    name: 'a. core imports React libraries',
    bad: { file: 'main/core/a2-bad.ts', rules: [NO_IMPORTS, NO_IMPORTS], message: /Only renderer\/ may import React/ },
    good: { file: 'renderer/a2-good.ts' },
    files: {
      'main/core/a2-bad.ts': "import { useState } from 'react';\nimport { create } from 'zustand';\nexport const both = [useState, create];\n",
      'renderer/a2-good.ts': "import { useState } from 'react';\nimport { create } from 'zustand';\nexport const both = [useState, create];\n",
    },
  },
  {
    name: 'a. core imports the renderer, the shells and the CLI',
    bad: { file: 'main/core/a3-bad.ts', rules: [NO_PATHS, NO_PATHS, NO_PATHS, NO_PATHS, NO_PATHS], message: /The core (runs under plain Node|must not import)/ },
    good: { file: 'main/core/a3-good.ts' },
    files: {
      'main/core/a3-bad.ts': [
        "import { view } from '../../renderer/a3-view';",
        "import { shell } from '../electron/a3-shell';",
        "import { bridge } from '../../preload/index';",
        "import { command } from '../commands/a3-command';",
        "import { cli } from '../cli';",
        'export const all = [view, shell, bridge, command, cli];',
      ].join('\n'),
      'main/core/a3-good.ts': "import { helper } from './a3-helper';\nimport { op } from '../../contract/a3-op';\nexport const all = [helper, op];\n",
      'renderer/a3-view.ts': lib('view'),
      'main/electron/a3-shell.ts': lib('shell'),
      'preload/index.ts': lib('bridge'),
      'main/commands/a3-command.ts': lib('command'),
      'main/cli.ts': lib('cli'),
      'main/core/a3-helper.ts': lib('helper'),
      'contract/a3-op.ts': lib('op'),
    },
  },
  {
    name: 'b. contract imports main/ and renderer/',
    bad: { file: 'contract/b1-bad.ts', rules: [NO_PATHS, NO_PATHS, NO_PATHS], message: /The contract is shared by every side/ },
    good: { file: 'main/core/b1-good.ts' },
    files: {
      'contract/b1-bad.ts': [
        "import { station } from '../main/core/b1-station';",
        "import { widget } from '../renderer/b1-widget';",
        "import { bridge } from '../preload/index';",
        'export const all = [station, widget, bridge];',
      ].join('\n'),
      'main/core/b1-good.ts': "import { op } from '../../contract/b1-op';\nexport const all = [op];\n",
      'main/core/b1-station.ts': lib('station'),
      'renderer/b1-widget.ts': lib('widget'),
      'preload/index.ts': lib('bridge'),
      'contract/b1-op.ts': lib('op'),
    },
  },
  {
    name: 'b. contract (today preload/contract/) imports electron, React or other packages',
    bad: { file: 'preload/contract/b2-bad.ts', rules: [NO_IMPORTS, NO_IMPORTS, NO_IMPORTS], message: /may import only zod and itself/ },
    good: { file: 'preload/contract/b2-good.ts' },
    files: {
      'preload/contract/b2-bad.ts': "import { ipcRenderer } from 'electron';\nimport { useState } from 'react';\nimport { v7 } from 'uuid';\nexport const all = [ipcRenderer, useState, v7];\n",
      'preload/contract/b2-good.ts': "import { z } from 'zod';\nimport { op } from './b2-op';\nexport const all = [z, op];\n",
      'preload/contract/b2-op.ts': lib('op'),
    },
  },
  {
    name: 'c. renderer imports main/ and electron',
    bad: { file: 'renderer/c1-bad.ts', rules: [NO_IMPORTS, NO_PATHS, NO_PATHS], message: /(may import electron|never main\/|not the preload script)/ },
    good: { file: 'renderer/c1-good.ts' },
    files: {
      'renderer/c1-bad.ts': [
        "import { ipcRenderer } from 'electron';",
        "import { station } from '../main/core/c1-station';",
        "import { bridge } from '../preload/index';",
        'export const all = [ipcRenderer, station, bridge];',
      ].join('\n'),
      'renderer/c1-good.ts': "import { op } from '../contract/c1-op';\nimport type { Bridge } from '../preload/bridge-types';\nexport const all: [unknown, Bridge?] = [op];\n",
      'main/core/c1-station.ts': lib('station'),
      'preload/index.ts': lib('bridge'),
      'contract/c1-op.ts': lib('op'),
      'preload/bridge-types.ts': 'export interface Bridge { call(): void }\n',
    },
  },
  {
    name: 'd. a store imports a tab',
    bad: { file: 'renderer/stores/d-bad-store.ts', rules: [NO_PATHS], message: /Stores are below tabs/ },
    good: { file: 'renderer/tabs/d/d-good.ts' },
    files: {
      'renderer/stores/d-bad-store.ts': "import { format } from '../tabs/d/d-format';\nexport const all = [format];\n",
      'renderer/tabs/d/d-good.ts': "import { store } from '../../stores/d-store';\nimport { format } from './d-format';\nexport const all = [store, format];\n",
      'renderer/tabs/d/d-format.ts': lib('format'),
      'renderer/stores/d-store.ts': lib('store'),
    },
  },
  {
    name: 'e. ml imports code outside pure modelling',
    bad: { file: 'main/core/ml/e1-bad.ts', rules: [NO_PATHS, NO_PATHS, NO_PATHS, NO_PATHS, NO_PATHS, NO_PATHS], message: /main\/core\/ml\/ is pure modelling/ },
    good: { file: 'main/core/ml/e1-good.ts' },
    files: {
      'main/core/ml/e1-bad.ts': [
        "import { repo } from '../domains/e1/repository';",
        "import { route } from '../http/e1-route';",
        "import { bus } from '../backbone/e1-bus';",
        "import { log } from '../platform/log';",
        "import { db } from '../db/e1-open';",
        "import { op } from '../../../contract/e1-op';",
        'export const all = [repo, route, bus, log, db, op];',
      ].join('\n'),
      'main/core/ml/e1-good.ts': [
        "import { fail } from '../platform/errors';",
        "import { newId } from '../platform/ids/index';",
        "import { fit } from './anomaly/e1-fit';",
        'export const all = [fail, newId, fit];',
      ].join('\n'),
      'main/core/domains/e1/repository.ts': lib('repo'),
      'main/core/http/e1-route.ts': lib('route'),
      'main/core/backbone/e1-bus.ts': lib('bus'),
      'main/core/platform/log.ts': lib('log'),
      'main/core/platform/errors.ts': lib('fail'),
      'main/core/platform/ids/index.ts': lib('newId'),
      'main/core/db/e1-open.ts': lib('db'),
      'contract/e1-op.ts': lib('op'),
      'main/core/ml/anomaly/e1-fit.ts': lib('fit'),
    },
  },
  {
    name: 'e. ml imports SQL, HTTP and packages off its list',
    bad: { file: 'main/core/ml/e2-bad.ts', rules: [NO_IMPORTS, NO_IMPORTS, NO_IMPORTS, NO_IMPORTS, NO_IMPORTS], message: /(the database lives in the domains|may import only @tensorflow)/ },
    good: { file: 'main/core/ml/e2-good.ts' },
    files: {
      'main/core/ml/e2-bad.ts': [
        "import Database from 'better-sqlite3';",
        "import { DatabaseSync } from 'node:sqlite';",
        "import { request } from 'node:http';",
        "import pino from 'pino';",
        "import { readFileSync } from 'fs';",
        'export const all = [Database, DatabaseSync, request, pino, readFileSync];',
      ].join('\n'),
      'main/core/ml/e2-good.ts': [
        "import * as tf from '@tensorflow/tfjs';",
        "import '@tensorflow/tfjs-backend-wasm';",
        "import { parse } from 'csv-parse/sync';",
        "import { z } from 'zod';",
        "import { readFileSync } from 'node:fs';",
        "import { Worker } from 'node:worker_threads';",
        'export const all = [tf, parse, z, readFileSync, Worker];',
      ].join('\n'),
    },
  },
  {
    name: "f. a domain reaches into another domain's files",
    bad: { file: 'main/core/domains/f-alerts/service.ts', rules: [DOMAIN, DOMAIN], message: /reaches into domain "f-readings"/ },
    good: { file: 'main/core/domains/f-alerts/handlers.ts' },
    files: {
      'main/core/domains/f-alerts/service.ts': [
        "import { readRows } from '../f-readings/repository';",
        "import { handle } from '../../domains/f-readings/handlers/list';",
        'export const all = [readRows, handle];',
      ].join('\n'),
      'main/core/domains/f-alerts/handlers.ts': [
        "import { latest } from '../f-readings';",
        "import { latest as again } from '../f-readings/index';",
        "import { own } from './repository';",
        'export const all = [latest, again, own];',
      ].join('\n'),
      'main/core/domains/f-alerts/repository.ts': lib('own'),
      'main/core/domains/f-readings/index.ts': "export { readRows as latest } from './repository';\n",
      'main/core/domains/f-readings/repository.ts': lib('readRows'),
      'main/core/domains/f-readings/handlers/list.ts': lib('handle'),
    },
  },
  ...['main/core', 'contract', 'preload', 'renderer'].map((dir): Case => ({
    name: `g. an import cycle in ${dir}/ (a type-only cycle is allowed)`,
    bad: { file: `${dir}/g-first.ts`, rules: [CYCLE], message: /Dependency cycle/ },
    good: { file: `${dir}/g-typed-first.ts` },
    files: {
      [`${dir}/g-first.ts`]: "import { second } from './g-second';\nexport const first = (): number => second() + 1;\n",
      [`${dir}/g-second.ts`]: "import { first } from './g-first';\nexport const second = (): number => (Date.now() < 0 ? first() : 0);\n",
      [`${dir}/g-typed-first.ts`]: "import type { Second } from './g-typed-second';\nexport interface First { next?: Second }\n",
      [`${dir}/g-typed-second.ts`]: "import type { First } from './g-typed-first';\nexport interface Second { back?: First }\n",
    },
  })),
  {
    name: 'i. CLI commands import electron',
    bad: { file: 'main/commands/i1-bad.ts', rules: [NO_IMPORTS], message: /Only main\/electron\/ and preload\/ may import electron/ },
    good: { file: 'preload/i1-good.ts' },
    files: {
      'main/commands/i1-bad.ts': "import { app } from 'electron';\nexport const all = [app];\n",
      'preload/i1-good.ts': "import { contextBridge } from 'electron';\nexport const all = [contextBridge];\n",
    },
  },
  {
    name: 'i. the desktop shell imports React',
    bad: { file: 'main/electron/i2-bad.ts', rules: [NO_IMPORTS], message: /Only renderer\/ may import React/ },
    good: { file: 'main/electron/i2-good.ts' },
    files: {
      'main/electron/i2-bad.ts': "import { createRoot } from 'react-dom/client';\nexport const all = [createRoot];\n",
      'main/electron/i2-good.ts': "import { station } from '../core/i2-station';\nexport const all = [station];\n",
      'main/core/i2-station.ts': lib('station'),
    },
  },
  {
    name: 'i. console in the core',
    bad: { file: 'main/core/i3-bad.ts', rules: ['no-console'], message: /console/ },
    good: { file: 'main/core/i3-good.ts' },
    files: {
      'main/core/i3-bad.ts': "export const report = (n: number): void => console.log('readings', n);\n",
      'main/core/i3-good.ts': "export const report = (n: number): string => `readings ${n}`;\n",
    },
  },
];

// 400 lines are allowed, blank lines and comments included.
const lines = (count: number): string =>
  ['Object.freeze({});', ...Array.from({ length: count - 1 }, (_, i) => (i % 2 ? '' : '// a line that counts'))].join('\n') + '\n';
const MAX_LINES_FILES = ['main/core/h.ts', 'renderer/tabs/h/H.tsx', 'scripts/h.js', 'test/h.mjs', 'bin/h.js'];
const variant = (file: string, suffix: string): string => file.replace(/\.(\w+)$/, `-${suffix}.$1`);
const maxLinesFiles = (suffix: string, count: number): Files =>
  Object.fromEntries(MAX_LINES_FILES.map((f) => [variant(f, suffix), lines(count)]));

let sandbox = '';
const reports = new Map<string, { ruleIds: (string | null)[]; messages: string[] }>();

beforeAll(async () => {
  sandbox = mkdtempSync(join(root, '.lint-sandbox-'));
  const config = join(sandbox, 'copy-of-eslint.config.mjs');
  copyFileSync(join(root, 'eslint.config.mjs'), config);
  const files: Files = Object.assign({}, ...cases.map((c) => c.files), maxLinesFiles('over', 401), maxLinesFiles('at', 400));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(sandbox, file)), { recursive: true });
    writeFileSync(join(sandbox, file), text);
  }
  const eslint = new ESLint({ cwd: sandbox, overrideConfigFile: config });
  for (const result of await eslint.lintFiles(Object.keys(files))) {
    reports.set(relative(sandbox, result.filePath), {
      ruleIds: result.messages.map((m) => m.ruleId),
      messages: result.messages.map((m) => m.message),
    });
  }
}, 60_000);

afterAll(() => {
  if (sandbox) rmSync(sandbox, { recursive: true, force: true });
});

const reportOf = (file: string) => {
  const report = reports.get(file);
  if (!report) throw new Error(`${file} was not linted`);
  return report;
};

describe('architectural lint rules', () => {
  it.each(cases)('$name: reported, and the compliant counterpart is clean', ({ bad, good }) => {
    const violation = reportOf(bad.file);
    expect(violation.ruleIds).toEqual(bad.rules);
    for (const message of violation.messages) expect(message).toMatch(bad.message);
    expect(reportOf(good.file).messages).toEqual([]);
  });

  it.each(MAX_LINES_FILES)('h. %s: 401 lines are reported, 400 are not', (file) => {
    expect(reportOf(variant(file, 'over')).ruleIds).toEqual(['max-lines']);
    expect(reportOf(variant(file, 'at')).messages).toEqual([]);
  });

  it('the project lint skips this sandbox', async () => {
    const eslint = new ESLint({ cwd: root });
    expect(await eslint.isPathIgnored(join(sandbox, 'main/core/a1-bad.ts'))).toBe(true);
  });
});
