import t from 'tap'
import { loadConfig } from '../src/config.js'
import { exited, spawnEntry } from './helper.js'

t.test('loadConfig', async (t) => {
  t.test('has working defaults: embedded PGlite in ./data/pglite on port 3000', async (t) => {
    t.match(loadConfig({}), { port: 3000, databaseUrl: undefined, pgliteDir: './data/pglite', logLevel: 'info' })
  })

  t.test('reads every variable', async (t) => {
    t.match(loadConfig({
      PORT: '8080', HOST: '0.0.0.0', DATABASE_URL: 'postgres://u:p@db:5432/ffb', PGLITE_DIR: '/var/ffb', LOG_LEVEL: 'warn'
    }), { port: 8080, host: '0.0.0.0', databaseUrl: 'postgres://u:p@db:5432/ffb', pgliteDir: '/var/ffb', logLevel: 'warn' })
  })

  t.test('an empty variable counts as unset', async (t) => {
    t.equal(loadConfig({ DATABASE_URL: '', PORT: ' ' }).databaseUrl, undefined)
  })

  const bad: Array<[Record<string, string>, string]> = [
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: '-1' }, 'PORT'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'mysql://localhost/x' }, 'DATABASE_URL'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL'],
    [{ BODY_LIMIT: '1k' }, 'BODY_LIMIT'],
    [{ SHUTDOWN_TIMEOUT_MS: 'soon' }, 'SHUTDOWN_TIMEOUT_MS']
  ]
  for (const [env, variable] of bad) {
    t.test(`refuses ${JSON.stringify(env)}, naming ${variable}`, async (t) => {
      t.throws(() => loadConfig(env), {
        name: 'ConfigError', variable, message: new RegExp(`^Invalid environment variable ${variable}: `)
      })
    })
  }
})

t.test('the server refuses to start on a bad variable, naming it, with exit code 1', async (t) => {
  const { code, stderr } = await exited(spawnEntry('src/server.ts', { PORT: 'abc' }))
  t.equal(code, 1)
  t.match(stderr, 'Invalid environment variable PORT: expected a whole number from 0 to 65535, got "abc"')
})
