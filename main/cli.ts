import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, settingFlags, settingsHelp, type StationConfig } from './core/config';
import { createStation, StationLockedError, type Station } from './core/app';
import { createLogger } from './core/platform/log';
import { DatabaseVersionError } from './core/platform/migrate';
import { isAppError } from './core/platform/errors';
import { CLI_PRINCIPAL } from './core/platform/operations';
import { SCOPES, type OutputOf } from '../contract';
import { VERSION } from './core/platform/version';
import { processIo } from './commands/command-io';

// `smc` — the plain-Node entry point: the headless station and the
// administrative commands that work on its data directory directly.

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const fail = (line: string, code = 2): never => {
  process.stderr.write(`smc: ${line}\n`);
  process.exit(code);
};

const USAGE = `Smart Maintenance Console ${VERSION}

usage: smc <command> [options]

commands:
  serve                         run the station: HTTP API and web console
  keys create --name N --scopes S[,S]   create an API key (scopes: ${SCOPES.join(', ')})
  keys list                     list API keys
  keys revoke <id>              revoke an API key (and the browser sessions opened with it)
  sign-in-link                  print a new one-time sign-in link for the web console (valid 1 hour)
  score --input F.csv --time-col C --value-cols A[,B..] (--train-rows N | --train-file F) --out OUT.csv
                                anomaly scores of a CSV file (see smc score --help)
  rul train --input F.csv --asset-col U --time-col T [--cap 125] --model-out M
  rul predict --model M --input F.csv --asset-col U --time-col T --out OUT.csv
                                remaining useful life (see smc rul --help)

options (flag / environment variable):
${settingsHelp().map((s) => `  --${s.flag.padEnd(16)} ${s.env.padEnd(26)} ${s.help}`).join('\n')}
  --no-sign-in-link             same as --sign-in-link false
  -h, --help                    this help
  -v, --version                 print the version
`;

function parse(argv: string[]) {
  const normalised = argv.map((a) => (a === '--no-sign-in-link' ? '--sign-in-link=false' : a));
  try {
    return parseArgs({
      args: normalised,
      allowPositionals: true,
      strict: true,
      options: {
        ...settingFlags(),
        name: { type: 'string' },
        scopes: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (err) {
    return fail(`${(err as Error).message} (see smc --help)`);
  }
}

function config(values: Record<string, string | boolean | undefined>) {
  try {
    return loadConfig({ flags: values });
  } catch (err) {
    if (err instanceof ConfigError) return fail(err.message);
    throw err;
  }
}

async function serve(values: Record<string, string | boolean | undefined>): Promise<void> {
  const cfg = config(values);
  const log = createLogger({ level: cfg.logLevel });
  let station;
  try {
    station = await createStation(cfg, { log, rendererDir: join(__dirname, '..', 'renderer'), mlWorkerScript: join(__dirname, 'ml-worker.js'), onlineWorkerScript: join(__dirname, 'online-worker.js') });
  } catch (err) {
    if (err instanceof DatabaseVersionError) return fail(err.message, 1);
    throw err;
  }
  let url: string;
  try {
    url = await station.start();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (err instanceof StationLockedError) return fail(err.message, 1);
    if (e.code === 'EADDRINUSE') return fail(`port ${cfg.port} on ${cfg.host} is already in use; choose another with --port`, 1);
    if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') return fail(`cannot bind to host ${cfg.host}: ${e.message}`, 1);
    throw err;
  }
  // Signals first: a stop asked for while the first lines print is still a clean stop.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    await station.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  out(`listening on ${url}`);
  const printLink = (token: string) => out(`sign in to the web console: ${url}/?token=${token}   (works once, for 1 hour; smc sign-in-link prints another)`);
  if (cfg.signInLink) printLink(await station.signInToken(printLink));
  out(`API documentation: ${url}/docs   data directory: ${cfg.dataDir}`);
}

/** Opens the data directory's station without serving or running its background work, and calls operations on it. */
async function withStation<T>(cfg: StationConfig, run: (station: Station) => Promise<T>): Promise<T> {
  let station: Station;
  try {
    station = await createStation(cfg, { log: createLogger({ level: 'warn' }), mlWorkerScript: null, onlineWorkerScript: null });
  } catch (err) {
    if (err instanceof DatabaseVersionError) return fail(err.message, 1);
    throw err;
  }
  try {
    return await run(station);
  } catch (err) {
    if (isAppError(err)) {
      const first = Array.isArray(err.details) ? (err.details[0] as { message?: string } | undefined)?.message : undefined;
      return fail(first ? `${err.message} (${first})` : err.message, err.code === 'not_found' ? 1 : 2);
    }
    throw err;
  } finally {
    await station.stop();
  }
}

async function keys(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<void> {
  const cfg = config(values);
  await withStation(cfg, async (station) => {
    const now = Date.now();
    switch (positionals[1]) {
      case 'create': {
        const name = typeof values.name === 'string' ? values.name.trim() : '';
        if (!name) fail('keys create needs --name');
        const scopes = String(values.scopes ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        const bad = scopes.find((s) => !(SCOPES as readonly string[]).includes(s));
        if (scopes.length === 0 || bad) fail(`keys create needs --scopes from ${SCOPES.join(', ')}${bad ? ` (got '${bad}')` : ''}`);
        const k = (await station.invoke('keys.create', { name, scopes }, CLI_PRINCIPAL)) as OutputOf<'keys.create'>;
        out(`id:     ${k.id}\nscopes: ${k.scopes.join(', ')}\nkey:    ${k.key}\n(the key is shown only now; it is stored as a hash)`);
        return;
      }
      case 'list': {
        const { keys: list } = (await station.invoke('keys.list', {}, CLI_PRINCIPAL)) as OutputOf<'keys.list'>;
        for (const k of list) {
          const state = k.revoked_at ? 'revoked' : k.expires_at && Date.parse(k.expires_at) <= now ? 'expired' : 'active';
          out(`${k.id}  ${k.prefix}…  ${state.padEnd(7)}  ${k.scopes.join(',').padEnd(24)}  ${k.name}`);
        }
        return;
      }
      case 'revoke': {
        const id = positionals[2];
        if (!id) fail('keys revoke needs the key id');
        await station.invoke('keys.revoke', { id }, CLI_PRINCIPAL);
        out(`revoked ${id}`);
        return;
      }
      default:
        fail(`unknown keys command '${positionals[1] ?? ''}' (create, list, revoke)`);
    }
  });
}

async function signInLink(values: Record<string, string | boolean | undefined>): Promise<void> {
  const cfg = config(values);
  await withStation(cfg, async (station) => {
    const link = (await station.invoke('auth.signInLink.create', {}, CLI_PRINCIPAL)) as OutputOf<'auth.signInLink.create'>;
    const host = cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host;
    out(`sign in to the web console: ${cfg.tls ? 'https' : 'http'}://${host}:${cfg.port}${link.path}`);
    out(`(works once, until ${link.expires_at})`);
  });
}

async function main(argv: string[]): Promise<void> {
  // Batch model commands parse their own options.
  if (argv[0] === 'score' || argv[0] === 'rul') {
    const run = argv[0] === 'score' ? (await import('./commands/score')).runScore : (await import('./commands/rul')).runRul;
    process.exitCode = await run(argv.slice(1), processIo);
    return;
  }
  const { values, positionals } = parse(argv);
  if (values.version) return out(VERSION);
  if (values.help || positionals.length === 0) return out(USAGE);
  switch (positionals[0]) {
    case 'serve':
      if (positionals.length > 1) fail(`serve takes no arguments, got '${positionals[1]}'`);
      return serve(values);
    case 'keys':
      return keys(positionals, values);
    case 'sign-in-link':
      if (positionals.length > 1) fail(`sign-in-link takes no arguments, got '${positionals[1]}'`);
      return signInLink(values);
    default:
      fail(`unknown command '${positionals[0]}' (see smc --help)`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`smc: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
