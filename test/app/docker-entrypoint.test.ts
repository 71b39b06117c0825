import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import { exited, ROOT } from '../helper.js'

/**
 * The image's entrypoint, run here as the image runs it (no Docker daemon
 * needed): `docker compose run --rm api clients …` reaches the clients CLI,
 * no command serves. The commands below fail before a database is opened, so
 * they prove the dispatch in a fraction of a second.
 */
const entrypoint = (args: string[], env: Record<string, string> = {}) => {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !['DATABASE_URL', 'PORT', 'HOST', 'PGLITE_DIR'].includes(key)))
  return exited(spawn('/bin/sh', [join(ROOT, 'docker-entrypoint.sh'), ...args], { cwd: '/', env: { ...clean, ...env } }))
}

t.test('the Dockerfile runs the entrypoint, serving by default', async (t) => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
  t.match(dockerfile, /^COPY docker-entrypoint\.sh \.\/$/m)
  t.match(dockerfile, /^ENTRYPOINT \["\/app\/docker-entrypoint\.sh"\]$/m)
  t.match(dockerfile, /^CMD \["serve"\]$/m)
})

t.test('clients … runs the clients CLI, which names the Docker one-liner in its usage', async (t) => {
  const usage = await entrypoint(['clients', 'frobnicate'])
  t.equal(usage.code, 2)
  t.match(usage.stderr, /^Usage: docker compose run --rm api clients <command>\n {2}create --name NAME/)
  const bad = await entrypoint(['clients', 'create', '--name', 'Ops', '--municipalities', '1010', '--all-scopes'])
  t.equal(bad.code, 2)
  t.match(bad.stderr, /kommunekoder are 3 digits, e\.g\. 101: 1010/)
})

t.test('retention … runs the retention command, which checks its arguments first', async (t) => {
  const bad = await entrypoint(['retention', '--as-of', '2030-02-30'])
  t.equal(bad.code, 2)
  t.match(bad.stderr, /--as-of takes a day, YYYY-MM-DD; got "2030-02-30"\nusage: npm run retention/)
})

t.test('with no command it serves: dist/server.js starts (and here stops at a port in use)', async (t) => {
  const taken = createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { taken.close() })
  const port = (taken.address() as { port: number }).port
  const { code, stdout } = await entrypoint([], { PORT: String(port), HOST: '127.0.0.1', PGLITE_DIR: join(t.testdir(), 'pglite') })
  t.equal(code, 1)
  t.match(stdout, `port ${port} on 127.0.0.1 is already in use`)
})

t.test('any other command runs as given', async (t) => {
  const { code, stdout } = await entrypoint(['echo', 'in', 'the', 'image'])
  t.equal(code, 0)
  t.equal(stdout, 'in the image\n')
})
