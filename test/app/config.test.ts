import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { exited, spawnEntry } from '../helper.js'

t.test('loadConfig', async (t) => {
  t.test('has working defaults: embedded PGlite in ./data/pglite on port 3000', async (t) => {
    t.match(loadConfig({}), { port: 3000, databaseUrl: undefined, pgliteDir: './data/pglite', logLevel: 'info' })
  })

  t.test('reads every variable', async (t) => {
    t.match(loadConfig({
      PORT: '8080', HOST: '0.0.0.0', DATABASE_URL: 'postgres://u:p@db:5432/ffb', PGLITE_DIR: '/var/ffb', LOG_LEVEL: 'warn'
    }), { port: 8080, host: '0.0.0.0', databaseUrl: 'postgres://u:p@db:5432/ffb', pgliteDir: '/var/ffb', logLevel: 'warn' })
  })

  t.test('reads the municipalities\' KOMBIT organisations', async (t) => {
    const { kombitOrganisations } = loadConfig({ KOMBIT_ORGANISATIONS: '101=D4E3F4FB-6761-4D6C-9086-74C49231F11E, 147=1b4e28ba-2fa1-4d2e-883f-0016d3cca427' })
    t.same([...kombitOrganisations], [['101', 'd4e3f4fb-6761-4d6c-9086-74c49231f11e'], ['147', '1b4e28ba-2fa1-4d2e-883f-0016d3cca427']])
    t.equal(loadConfig({}).kombitOrganisations.size, 0)
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
    [{ SHUTDOWN_TIMEOUT_MS: 'soon' }, 'SHUTDOWN_TIMEOUT_MS'],
    [{ KOMBIT_ORGANISATIONS: '101' }, 'KOMBIT_ORGANISATIONS'],
    [{ KOMBIT_ORGANISATIONS: '1010=d4e3f4fb-6761-4d6c-9086-74c49231f11e' }, 'KOMBIT_ORGANISATIONS'],
    [{ KOMBIT_ORGANISATIONS: '101=not-a-uuid' }, 'KOMBIT_ORGANISATIONS']
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
