/**
 * A real PostgreSQL server for the team-state suites: `initdb` into a temporary folder, `pg_ctl` on a free
 * loopback port (its socket in that folder), stopped and removed by `stop()`. `initdb` refuses to run as
 * root, so as root the server runs as `nobody`. Missing binaries fail the suite: it never skips.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../../tooling/run';

const BINARIES = ['initdb', 'pg_ctl', 'postgres', 'psql'] as const;
/** The database superuser initdb creates; trust authentication, loopback only. */
const USER = 'qubitro';
const SERVICE_ACCOUNT = 'nobody';

export interface RunningPostgres {
  /** `postgres://qubitro@127.0.0.1:<port>/postgres?sslmode=disable`, what PG_CONN_STR holds. */
  readonly connStr: string;
  /** Runs SQL through psql; the rows, one per line, columns separated by `|`. */
  query(sql: string): Promise<string[]>;
  stop(): void;
}

function which(binary: string, env: NodeJS.ProcessEnv): string | undefined {
  const r = spawnSync('/bin/sh', ['-c', `command -v ${binary}`], { encoding: 'utf8', env });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Runs a server command, as `nobody` when this process is root (initdb and postgres refuse root). */
function asServer(command: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const quoted = command.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = asRoot
    ? spawnSync('su', ['-s', '/bin/sh', SERVICE_ACCOUNT, '-c', quoted], { encoding: 'utf8' })
    : spawnSync(command[0], command.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(
      `${path.basename(command[0])} ${command[1]} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`,
    );
  }
}

/** Starts a server with the binaries found on `env.PATH`. */
export async function startPostgres(env: NodeJS.ProcessEnv = process.env): Promise<RunningPostgres> {
  const found = Object.fromEntries(BINARIES.map((b) => [b, which(b, env)]));
  const missing = BINARIES.filter((b) => !found[b]);
  if (missing.length) {
    throw new Error(
      `PostgreSQL is needed for the team-state tests, and ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} ` +
        'not on PATH: install the ' +
        'server binaries (Debian: apt-get install postgresql, then add /usr/lib/postgresql/<version>/bin to PATH).',
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qubitro-pg-'));
  if (process.getuid?.() === 0) {
    const account = spawnSync('id', ['-u', SERVICE_ACCOUNT], { encoding: 'utf8' });
    fs.chownSync(dir, Number(account.stdout.trim()), Number(account.stdout.trim()));
  }
  const data = path.join(dir, 'data');
  const port = await freePort();
  asServer([found.initdb!, '-D', data, '-A', 'trust', '-U', USER, '--no-sync']);
  asServer([
    found.pg_ctl!,
    '-D',
    data,
    '-o',
    `-p ${port} -k ${dir} -h 127.0.0.1 -c fsync=off`,
    '-l',
    path.join(dir, 'log'),
    '-w',
    'start',
  ]);
  const connStr = `postgres://${USER}@127.0.0.1:${port}/postgres?sslmode=disable`;
  return {
    connStr,
    async query(sql: string): Promise<string[]> {
      const r = await run(found.psql!, [connStr, '-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql], dir, {
        ...process.env,
      });
      if (r.code !== 0) throw new Error(`psql failed (exit ${r.code}): ${r.stderr}`);
      return r.stdout.split('\n').filter((l) => l !== '');
    },
    stop(): void {
      try {
        asServer([found.pg_ctl!, '-D', data, '-m', 'immediate', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
