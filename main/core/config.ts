import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';

// Configuration comes from command-line flags, then SMC_* environment
// variables, then `config.json` in the data directory, then defaults — in
// that order of precedence. Every setting is validated on its own so that a
// bad one stops the start with one line naming it and where it came from.

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const intFrom = (min: number, max: number, what: string) =>
  z
    .union([z.number(), z.string().trim().regex(/^-?\d+$/, { message: `expected ${what}` }).transform(Number)], {
      error: `expected ${what}`,
    })
    .pipe(z.number({ error: `expected ${what}` }).int({ message: `expected ${what}` }).min(min, { message: `expected ${what}` }).max(max, { message: `expected ${what}` }));

const boolFrom = z.union(
  [z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes')],
  { error: 'expected true or false' },
);

const nonEmpty = (what: string) => z.string({ error: `expected ${what}` }).trim().min(1, { message: `expected ${what}` });

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

interface Setting<T> {
  flag: string;
  env: string;
  /** Key in config.json; absent when the setting cannot live in the file it locates. */
  fileKey?: string;
  schema: z.ZodType<T>;
  help: string;
}

const settings = {
  port: {
    flag: 'port', env: 'SMC_PORT', fileKey: 'port', schema: intFrom(0, 65535, 'an integer from 0 to 65535'),
    help: 'TCP port of the HTTP API and web console (default 8000; 0 picks a free port)',
  },
  host: {
    flag: 'host', env: 'SMC_HOST', fileKey: 'host', schema: nonEmpty('a host name or IP address'),
    help: 'address to bind (default 127.0.0.1: this machine only)',
  },
  dataDir: {
    flag: 'data-dir', env: 'SMC_DATA_DIR', schema: nonEmpty('a directory path'),
    help: 'directory holding the database and config.json',
  },
  bootstrapKey: {
    flag: 'bootstrap-key', env: 'SMC_BOOTSTRAP_KEY', fileKey: 'bootstrapKey',
    schema: z.string({ error: 'expected a string' }).regex(/^[A-Za-z0-9._~+/=-]{24,256}$/, {
      message: 'expected 24 to 256 characters from A-Z a-z 0-9 . _ ~ + / = -',
    }),
    help: 'admin API key to create on first start (for automation)',
  },
  logLevel: {
    flag: 'log-level', env: 'SMC_LOG_LEVEL', fileKey: 'logLevel',
    schema: z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }),
    help: 'log level (default info)',
  },
  tlsCert: {
    flag: 'tls-cert', env: 'SMC_TLS_CERT', fileKey: 'tlsCert', schema: nonEmpty('a PEM certificate file path'),
    help: 'PEM certificate: serve HTTPS (needs --tls-key)',
  },
  tlsKey: {
    flag: 'tls-key', env: 'SMC_TLS_KEY', fileKey: 'tlsKey', schema: nonEmpty('a PEM private key file path'),
    help: 'PEM private key for --tls-cert',
  },
  rateLimitPerMinute: {
    flag: 'rate-limit', env: 'SMC_RATE_LIMIT_PER_MINUTE', fileKey: 'rateLimitPerMinute',
    schema: intFrom(1, 10_000_000, 'an integer from 1 to 10000000'),
    help: 'default requests per minute per API key (default 6000)',
  },
  dbSynchronous: {
    flag: 'db-synchronous', env: 'SMC_DB_SYNCHRONOUS', fileKey: 'dbSynchronous',
    schema: z.enum(['full', 'normal'], { error: 'expected full or normal' }),
    help: 'SQLite durability: full (default) survives power loss; normal may lose the last commits',
  },
  signInLink: {
    flag: 'sign-in-link', env: 'SMC_SIGN_IN_LINK', fileKey: 'signInLink', schema: boolFrom,
    help: 'print a one-time sign-in link at start (default true)',
  },
  eventMaxAttempts: {
    flag: 'event-max-attempts', env: 'SMC_EVENT_MAX_ATTEMPTS', fileKey: 'eventMaxAttempts', schema: intFrom(1, 100, 'an integer from 1 to 100'),
    help: 'times a consumer tries one event before it becomes a dead letter for that consumer (default 5)',
  },
  disableModelLoading: {
    flag: 'disable-model-loading', env: 'SMC_DISABLE_MODEL_LOADING', fileKey: 'disableModelLoading', schema: boolFrom,
    help: 'offline or safe mode: load and train no models; detectors use statistics (default false)',
  },
  rawRetentionDays: {
    flag: 'raw-retention-days', env: 'SMC_RAW_RETENTION_DAYS', fileKey: 'rawRetentionDays', schema: intFrom(1, 36500, 'a whole number of days from 1 to 36500'),
    help: 'delete raw readings older than this many days (rollups are kept); a sensor may set its own (default: keep for ever)',
  },
  retentionIntervalS: {
    flag: 'retention-interval-s', env: 'SMC_RETENTION_INTERVAL_S', fileKey: 'retentionIntervalS', schema: intFrom(1, 604_800, 'a whole number of seconds from 1 to 604800'),
    help: 'seconds between retention passes (default 300)',
  },
  diskFloorMb: {
    flag: 'disk-floor-mb', env: 'SMC_DISK_FLOOR_MB', fileKey: 'diskFloorMb', schema: intFrom(0, 1_000_000_000, 'a whole number of MiB from 0 to 1000000000'),
    help: 'refuse ingest and import (507) while the data directory\'s disk has less free space than this, in MiB (default 256; 0: off)',
  },
} satisfies Record<string, Setting<unknown>>;

export type SettingName = keyof typeof settings;

export interface StationConfig {
  port: number;
  host: string;
  dataDir: string;
  bootstrapKey?: string;
  logLevel: (typeof LOG_LEVELS)[number];
  tls?: { certFile: string; keyFile: string };
  rateLimitPerMinute: number;
  dbSynchronous: 'full' | 'normal';
  signInLink: boolean;
  /** No TF.js model is loaded or trained; every detector falls back to statistics. */
  disableModelLoading: boolean;
  /** Deliveries of one event to a consumer before it is dead-lettered for that consumer. */
  eventMaxAttempts: number;
  /** Raw readings older than this are deleted in the background (a sensor's own setting wins); absent: kept for ever. */
  rawRetentionDays?: number;
  /** Seconds between the starts of two retention passes. */
  retentionIntervalS: number;
  /** Free space (MiB) below which ingest and import are refused with 507; 0: never refused. */
  diskFloorMb: number;
}

export const CONFIG_FILE_NAME = 'config.json';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'smart-maintenance-console');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'smart-maintenance-console');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'smart-maintenance-console');
}

export interface ConfigSources {
  /** Parsed flags keyed by flag name (without dashes). */
  flags?: Record<string, string | boolean | undefined>;
  env?: NodeJS.ProcessEnv;
  /** Overrides applied by an embedding shell (Electron); highest precedence. */
  overrides?: Partial<Record<SettingName, unknown>>;
}

export function loadConfig(sources: ConfigSources = {}): StationConfig {
  const flags = sources.flags ?? {};
  const env = sources.env ?? process.env;
  const overrides = sources.overrides ?? {};

  const pick = (name: SettingName, file: Record<string, unknown>): { raw: unknown; from: string } | undefined => {
    const s: Setting<unknown> = settings[name];
    if (overrides[name] !== undefined) return { raw: overrides[name], from: name };
    if (flags[s.flag] !== undefined) return { raw: flags[s.flag], from: `--${s.flag}` };
    const envValue = env[s.env];
    if (envValue !== undefined && envValue !== '') return { raw: envValue, from: s.env };
    if (s.fileKey !== undefined && file[s.fileKey] !== undefined) return { raw: file[s.fileKey], from: `${CONFIG_FILE_NAME} "${s.fileKey}"` };
    return undefined;
  };

  const value = <N extends SettingName>(name: N, file: Record<string, unknown>): z.output<(typeof settings)[N]['schema']> | undefined => {
    const found = pick(name, file);
    if (!found) return undefined;
    const parsed = (settings[name].schema as z.ZodType).safeParse(found.raw);
    if (!parsed.success) {
      const shown = typeof found.raw === 'string' ? JSON.stringify(name === 'bootstrapKey' ? '…' : found.raw) : JSON.stringify(found.raw);
      throw new ConfigError(`invalid setting ${name} (${found.from}=${shown}): ${parsed.error.issues[0]?.message ?? 'invalid value'}`);
    }
    return parsed.data as z.output<(typeof settings)[N]['schema']>;
  };

  const dataDir = resolve(value('dataDir', {}) ?? defaultDataDir(env));
  const file = readConfigFile(dataDir);

  const tlsCert = value('tlsCert', file);
  const tlsKey = value('tlsKey', file);
  if ((tlsCert === undefined) !== (tlsKey === undefined)) {
    throw new ConfigError(`invalid setting ${tlsCert === undefined ? 'tlsCert' : 'tlsKey'}: TLS needs both --tls-cert and --tls-key`);
  }
  for (const [name, path] of [['tlsCert', tlsCert], ['tlsKey', tlsKey]] as const) {
    if (path !== undefined && !existsSync(path)) throw new ConfigError(`invalid setting ${name}: file ${path} does not exist`);
  }

  const config: StationConfig = {
    port: value('port', file) ?? 8000,
    host: value('host', file) ?? '127.0.0.1',
    dataDir,
    logLevel: value('logLevel', file) ?? 'info',
    rateLimitPerMinute: value('rateLimitPerMinute', file) ?? 6000,
    dbSynchronous: value('dbSynchronous', file) ?? 'full',
    signInLink: value('signInLink', file) ?? true,
    disableModelLoading: value('disableModelLoading', file) ?? false,
    eventMaxAttempts: value('eventMaxAttempts', file) ?? 5,
    retentionIntervalS: value('retentionIntervalS', file) ?? 300,
    diskFloorMb: value('diskFloorMb', file) ?? 256,
  };
  const rawRetentionDays = value('rawRetentionDays', file);
  if (rawRetentionDays !== undefined) config.rawRetentionDays = rawRetentionDays;
  const bootstrapKey = value('bootstrapKey', file);
  if (bootstrapKey !== undefined) config.bootstrapKey = bootstrapKey;
  if (tlsCert !== undefined && tlsKey !== undefined) config.tls = { certFile: tlsCert, keyFile: tlsKey };
  return config;
}

function readConfigFile(dataDir: string): Record<string, unknown> {
  const path = join(dataDir, CONFIG_FILE_NAME);
  if (!existsSync(path)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`invalid config file ${path}: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`invalid config file ${path}: expected a JSON object`);
  }
  const known = new Set(Object.values(settings).flatMap((s: Setting<unknown>) => (s.fileKey ? [s.fileKey] : [])));
  for (const key of Object.keys(parsed)) {
    if (!known.has(key)) throw new ConfigError(`invalid config file ${path}: unknown setting "${key}" (known: ${[...known].join(', ')})`);
  }
  return parsed as Record<string, unknown>;
}

/** Flag names and help lines, for `smc --help`. */
export function settingsHelp(): Array<{ flag: string; env: string; help: string }> {
  return Object.values(settings).map((s: Setting<unknown>) => ({ flag: s.flag, env: s.env, help: s.help }));
}

/** Flag names with their kind, for the CLI argument parser. */
export function settingFlags(): Record<string, { type: 'string' | 'boolean' }> {
  const out: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const s of Object.values(settings) as Setting<unknown>[]) out[s.flag] = { type: 'string' };
  return out;
}
