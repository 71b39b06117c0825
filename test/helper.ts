import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { request } from 'node:http'
import { connect } from 'node:net'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import pg from 'pg'
import type { Test } from 'tap'
import { buildApp } from '../src/app.js'
import { createClient, SCOPES, type Client, type Scope } from '../src/clients/clients.js'
import { loadConfig, type Config } from '../src/config.js'
import { openDatabase, type Database } from '../src/db/database.js'
import { migrate, MIGRATIONS_DIR, readMigrations } from '../src/db/migrate.js'

/**
 * Every test file gets its own fresh database: an in-memory PGlite cloned
 * from a migrated template, or — with DATABASE_URL set — a throwaway
 * database on that server, dropped afterwards.
 */
export const SERVER_URL = process.env.DATABASE_URL
export const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'ffb-api')

/**
 * KL's published files (the CodeSystem, the expanded value sets), found only
 * through FFB_SOURCES — a relative path is taken from the repository root.
 * They are never copied into the project: the tests that compare with them
 * are skipped without it, so a clone with nothing beside it passes.
 */
const ffbSourcesEnv = process.env.FFB_SOURCES
export const FFB_SOURCES = ffbSourcesEnv === undefined || ffbSourcesEnv === '' ? undefined : resolve(ROOT, ffbSourcesEnv)
/** tap's `skip` for a test that reads KL's files: false when FFB_SOURCES is set. */
export const NEEDS_FFB_SOURCES: string | false = FFB_SOURCES === undefined &&
  'FFB_SOURCES not set: the comparison with KL\'s published files needs them (see README, "Run it and test it")'

/** One of KL's files, in a test skipped with NEEDS_FFB_SOURCES. */
export function ffbSource (file: 'ffb-valuesets.expanded.json' | 'CodeSystem-FFB.kl-term-c32a6c2.json'): string {
  if (FFB_SOURCES === undefined) throw new Error(`${file} is one of KL's files: set FFB_SOURCES, or skip the test with NEEDS_FFB_SOURCES`)
  return join(FFB_SOURCES, file)
}

export async function createTestDatabase (
  t: Test, { migrated = true, migrationsDir = MIGRATIONS_DIR } = {}
): Promise<Database> {
  const database = SERVER_URL !== undefined
    ? await openDatabase({ databaseUrl: await createServerDatabase(t) })
    : await openDatabase({ pgliteDump: new Blob([await pgliteTemplate(migrated && migrationsDir === MIGRATIONS_DIR)]) })
  t.teardown(async () => { await database.close() })
  if (migrated && (SERVER_URL !== undefined || migrationsDir !== MIGRATIONS_DIR)) await migrate(database, migrationsDir)
  return database
}

/**
 * A migrated database that another process (a CLI, the server) can open:
 * a PGlite directory made from the template, or a database on the server;
 * removed when the test ends. `env` names it to that process.
 */
export async function createDiskDatabase (t: Test): Promise<{ env: Record<string, string>, open: () => Promise<Database> }> {
  if (SERVER_URL !== undefined) {
    const url = await createServerDatabase(t)
    const database = await openDatabase({ databaseUrl: url })
    await migrate(database)
    await database.close()
    return { env: { DATABASE_URL: url }, open: async () => await openDatabase({ databaseUrl: url }) }
  }
  // Its own directory, not t.testdir(): a test's later t.testdir() call would empty that one.
  const pgliteDir = join(await mkdtemp(join(tmpdir(), 'ffb-test-')), 'pglite')
  t.teardown(async () => { await rm(dirname(pgliteDir), { recursive: true, force: true }) })
  await (await openDatabase({ pgliteDir, loadDataDir: new Blob([await pgliteTemplate(true)]) })).close()
  return { env: { PGLITE_DIR: pgliteDir }, open: async () => await openDatabase({ pgliteDir }) }
}

/** An empty database on the PostgreSQL server, dropped when the test ends; returns its URL. */
export async function createServerDatabase (t: Test): Promise<string> {
  if (SERVER_URL === undefined) throw new Error('createServerDatabase needs DATABASE_URL')
  const name = `ffb_test_${randomBytes(6).toString('hex')}`
  await adminQuery(`CREATE DATABASE ${name}`)
  t.teardown(async () => { await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) })
  const url = new URL(SERVER_URL)
  url.pathname = `/${name}`
  return url.href
}

async function adminQuery (text: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_URL })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}

const templates = new Map<boolean, Promise<Buffer>>()

/**
 * A PGlite data directory, empty or with our migrations applied, cached on
 * disk by PGlite's version and the migrations' checksums: cloning one takes
 * well under a second, creating a fresh PGlite several seconds.
 */
async function pgliteTemplate (migrated: boolean): Promise<Buffer> {
  let template = templates.get(migrated)
  if (template === undefined) {
    template = buildPgliteTemplate(migrated)
    templates.set(migrated, template)
  }
  return await template
}

async function buildPgliteTemplate (migrated: boolean): Promise<Buffer> {
  const key = createHash('sha256')
    .update(await readFile(join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json')))
    .update(migrated ? (await readMigrations()).map((m) => m.checksum).join() : 'empty')
    .digest('hex').slice(0, 16)
  const file = join(CACHE_DIR, `pglite-template-${key}.tar`)
  try {
    return await readFile(file)
  } catch {}
  const database = await openDatabase({ pgliteDir: 'memory://' })
  if (migrated) await migrate(database)
  const dump = Buffer.from(await (await database.dumpDataDir!()).arrayBuffer())
  await database.close()
  await mkdir(CACHE_DIR, { recursive: true })
  const partial = `${file}.${process.pid}.partial`
  await writeFile(partial, dump)
  await rename(partial, file)
  return dump
}

export const testConfig = (overrides: Partial<Config> = {}): Config => ({ ...loadConfig({}), ...overrides })

/** The real app on a fresh database, closed when the test ends. */
export async function buildTestApp (t: Test, options: {
  database?: Database
  config?: Partial<Config>
  logger?: FastifyServerOptions['logger']
  /** The clock time-driven state is computed against (default: the real one). */
  clock?: () => Date
  /** Extra routes a test needs before the app is ready. */
  extend?: (app: FastifyInstance) => void | Promise<void>
} = {}): Promise<FastifyInstance> {
  const database = options.database ?? await createTestDatabase(t)
  const app = await buildApp({ config: testConfig(options.config), database, logger: options.logger ?? false, clock: options.clock })
  t.teardown(async () => { await app.close() })
  await options.extend?.(app)
  await app.ready()
  return app
}

/**
 * Runs an entry point (the server, a CLI) as its own process with the given
 * environment. Entry points under src/ run from the build in dist/ — `npm
 * test` builds first, and a spawn through the TypeScript loader costs ~5 s
 * more — other scripts (test fixtures) through tap's loader.
 */
export function spawnEntry (script: string, env: Record<string, string>, args: string[] = []): ChildProcessWithoutNullStreams {
  const clean = Object.fromEntries(Object.entries(process.env)
    .filter(([key]) => !['DATABASE_URL', 'PORT', 'HOST', 'PGLITE_DIR', 'LOG_LEVEL'].includes(key))) as Record<string, string>
  const entry = script.startsWith('src/')
    ? [builtEntry(script)]
    : [...process.execArgv.filter((arg) => arg === '--import=tsx'), join(ROOT, script)]
  return spawn(process.execPath, [...entry, ...args], { cwd: ROOT, env: { ...clean, ...env } })
}

let buildChecked = false

/** dist/ must be at least as new as every file in src/: a stale build would test old code. */
function builtEntry (script: string): string {
  if (!buildChecked) {
    const built = join(ROOT, 'dist', '.tsbuildinfo')
    const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0
    const stale = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
      .find((file) => file.endsWith('.ts') && statSync(join(ROOT, 'src', file)).mtimeMs > builtAt)
    if (stale !== undefined) throw new Error(`dist/ is older than src/${stale}: run npm run build (npm test does)`)
    buildChecked = true
  }
  return join(ROOT, 'dist', script.slice('src/'.length).replace(/\.ts$/, '.js'))
}

/** Collects a child's output and resolves with its exit code. */
export function exited (child: ChildProcessWithoutNullStreams): Promise<{ code: number | null, stdout: string, stderr: string }> {
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  return new Promise((resolve) => child.on('close', (code) => { resolve({ code, stdout, stderr }) }))
}

/** A client with a token; by default every scope in municipality 101. */
export async function createTestClient (app: FastifyInstance, options: {
  municipalities?: string[] | 'all'
  scopes?: readonly Scope[]
  name?: string
} = {}): Promise<{ client: Client, token: string, headers: { authorization: string } }> {
  const { client, token } = await createClient(app.database.db, {
    name: options.name ?? 'test vendor',
    municipalities: options.municipalities ?? ['101'],
    scopes: options.scopes ?? SCOPES
  })
  return { client, token, headers: { authorization: `Bearer ${token}` } }
}

/** Starts a server process on a free port and resolves once it listens; killed when the test ends. */
export async function startServer (t: Test, script: string, env: Record<string, string>) {
  const child = spawnEntry(script, { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env })
  const done = exited(child)
  t.teardown(() => { child.kill('SIGKILL') })
  let output = ''
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(output)
      if (match !== null) resolve(Number(match[1]))
    })
    done.then(({ code, stderr }) => { reject(new Error(`server exited with ${code}: ${stderr}${output}`)) }, reject)
  })
  return { child, port, done }
}

/** One HTTP request to a server process; a JSON body when given. */
export function send (port: number, method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<{ status: number, body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const req = request({
      port,
      host: '127.0.0.1',
      path,
      method,
      agent: false,
      headers: { ...headers, ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }) }
    }, (res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => { text += chunk.toString() })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body: text }) })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(payload)
  })
}

export function canConnect (port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' })
    socket.on('connect', () => { socket.destroy(); resolve(true) })
    socket.on('error', () => { resolve(false) })
  })
}
