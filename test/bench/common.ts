import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { ROOT } from '../helper.js'

/** What the benchmarks share: a free port, a throwaway database, a process that serves. */

export const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Runs `fn` with the URL of a fresh database on the server, dropped afterwards. */
export async function withThrowawayDatabase (fn: (databaseUrl: string, name: string) => Promise<void>): Promise<void> {
  const name = `ffb_bench_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: SERVER_URL })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  const url = new URL(SERVER_URL)
  url.pathname = `/${name}`
  try {
    await fn(url.href, name)
  } catch (error) {
    console.error(error)
    process.exitCode = 1
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
  }
}

/** Starts a process and resolves once `readyUrl` answers 200. */
export async function serve (args: string[], env: Record<string, string>, readyUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] })
  for (let i = 0; ; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      request(readyUrl, (res) => { res.resume(); resolve(res.statusCode === 200) }).on('error', () => { resolve(false) }).end()
    })
    if (ok) return child
    if (i > 300) throw new Error(`${args.join(' ')} did not start`)
    await sleep(100)
  }
}

export async function stop (child: ChildProcess): Promise<void> {
  child.kill('SIGTERM')
  await new Promise((resolve) => child.on('exit', resolve))
}

/**
 * The API as operators run it (dist/server.js) on a database, on a free port;
 * resolves with its base URL once /ready answers. BENCH_NODE_FLAGS passes
 * extra flags to it, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
 */
export async function serveApi (databaseUrl: string): Promise<{ child: ChildProcess, base: string }> {
  const port = await freePort()
  const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter((flag) => flag !== '')
  const base = `http://127.0.0.1:${port}`
  const child = await serve([...flags, join(ROOT, 'dist', 'server.js')],
    {
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_MAX: '1000000',
      KOMBIT_ORGANISATIONS: '101=d4e3f4fb-6761-4d6c-9086-74c49231f11e'
    }, `${base}/ready`)
  return { child, base }
}
