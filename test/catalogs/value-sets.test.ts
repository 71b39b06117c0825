import { readFile } from 'node:fs/promises'
import t from 'tap'
import { ffbSource, NEEDS_FFB_SOURCES } from '../helper.js'
import { VALUE_SETS, VALUE_SETS_FIXTURE } from '../support/value-sets.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

t.test('the committed value-set fixture', async (t) => {
  t.test('holds codes only: FK-klassifikation UUIDs, each once per set', async (t) => {
    t.ok(VALUE_SETS.size > 0)
    for (const [name, codes] of VALUE_SETS) {
      t.same(codes.filter((code) => !UUID.test(code)), [], `${name}: every code is a UUID`)
      t.equal(new Set(codes).size, codes.length, `${name}: no code twice`)
    }
  })

  // Equal, not a subset: the validator binds each element to a whole set and
  // treats any code of any set as an FFB code, so a missing code would fail a
  // valid bundle and a missing set would let a wrong system through.
  t.test('is exactly KL\'s published expansion: every set, every code, in KL\'s order', { skip: NEEDS_FFB_SOURCES }, async (t) => {
    const official = JSON.parse(await readFile(ffbSource('ffb-valuesets.expanded.json'), 'utf8')) as Record<string, Array<{ code: string }>>
    const expected = Object.fromEntries(Object.entries(official).map(([name, concepts]) => [name, concepts.map((c) => c.code)]))
    t.same(Object.fromEntries(VALUE_SETS), expected,
      `${VALUE_SETS_FIXTURE.pathname} matches ffb-valuesets.expanded.json; if KL published a new version, regenerate it from that file (codes only)`)
  })
})
