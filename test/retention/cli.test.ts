import t from 'tap'
import { createDiskDatabase, exited, spawnEntry } from '../helper.js'

/**
 * `npm run retention` as its own process, on a database on disk (PGlite
 * directory, or a database on the server): it opens and migrates the
 * database, manages the periods and runs; RETENTION_YEARS is the default.
 */
const { env } = await createDiskDatabase(t)
const retention = async (args: string[], extra: Record<string, string> = {}) => await exited(spawnEntry('src/cli/retention.ts', { ...env, ...extra }, args))

t.test('--set and --unset, which then list the periods with RETENTION_YEARS as the default; a dry run', async (t) => {
  const set = await retention(['--set', '0101=10', '--set', '147=3', '--unset', '147'], { RETENTION_YEARS: '8' })
  t.equal(set.code, 0, set.stderr)
  t.match(set.stdout, /^kommune 101: 10 years\nkommune 147: 3 years\nkommune 147: back to the default\n/, 'the four-digit form is the three-digit kommunekode')
  t.match(set.stdout, /\nperiod: kommune 101 10 years \(set [^)]+\)\nperiod: every other municipality 8 years \(the default, RETENTION_YEARS\)\ncases anonymised so far: 0\n$/)
  const dry = await retention(['--dry-run', '--as-of', '2031-01-01'])
  t.equal(dry.code, 0, dry.stderr)
  t.match(dry.stdout, /^retention run as of 2031-01-01 \(dry run: nothing is changed\)\n(.|\n)*total: 0 citizen\(s\), 0 case\(s\) would anonymise\n$/)
})

t.test('a bad RETENTION_YEARS stops it with the variable named, exit code 1', async (t) => {
  const bad = await retention(['--list'], { RETENTION_YEARS: '0' })
  t.equal(bad.code, 1)
  t.match(bad.stderr, /Invalid environment variable RETENTION_YEARS: expected a whole number from 1 to 100, got "0"/)
})
