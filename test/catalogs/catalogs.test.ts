import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { Check } from 'typebox/value'
import { CATALOGS_DIR, codeSchemaId, loadCatalogs } from '../../src/catalogs/catalogs.js'
import type { CatalogFile } from '../../src/catalogs/format.js'
import { importSource, parseCsv } from '../../src/catalogs/import.js'
import { HttpProblem } from '../../src/http/problems.js'
import { buildTestApp, createTestClient, exited, ffbSource, NEEDS_FFB_SOURCES, ROOT, spawnEntry } from '../helper.js'
import { valueSetCodes } from '../support/value-sets.js'

const FACET_FIXTURE = join(ROOT, 'test', 'fixtures', 'catalogs', 'maaltype-facet.csv')
const IMPORTED = ['funktioner-og-forhold', 'omgivelsesfaktorer', 'aktivitet-og-deltagelse', 'funktionsevneniveau', 'stoettebehov',
  'maaltype', 'status-paa-indsats', 'maalgrupper', 'ydelser', 'tilbud']

/** A scratch copy of catalogs/ to break or extend. */
async function copyCatalogs (t: Test): Promise<string> {
  const dir = join(t.testdir(), 'catalogs')
  await cp(CATALOGS_DIR, dir, { recursive: true })
  return dir
}

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T

t.test('the committed catalogs', async (t) => {
  const catalogs = await loadCatalogs()
  const official: Record<string, string> = {
    'funktioner-og-forhold': 'KLConditionFFCodesFFB',
    'aktivitet-og-deltagelse': 'KLConditionADCodesFFB',
    omgivelsesfaktorer: 'KLConditionOCodesFFB',
    funktionsevneniveau: 'KLSeveritiesFFB',
    stoettebehov: 'KLNeedsAssessmentCodesFFB',
    maaltype: 'KLChangeValueCodesFFB',
    'status-paa-indsats': 'KLFollowUpCodesFFB',
    ydelser: 'KLInterventionsFFB',
    tilbud: 'KLServiceCodesFFB',
    maalgrupper: 'KLTargetGroupsFFB'
  }
  const sizes: Record<string, number> = {
    'funktioner-og-forhold': 33,
    'aktivitet-og-deltagelse': 31,
    omgivelsesfaktorer: 3,
    funktionsevneniveau: 6,
    stoettebehov: 6,
    maaltype: 3,
    'status-paa-indsats': 3,
    ydelser: 32,
    tilbud: 8,
    maalgrupper: 45
  }
  const registrable = (list: string) => catalogs.versionAt(list, '2025-01-01')!.entries.filter((e) => e.selectable)

  t.test('every list holds exactly the codes of its official value set', async (t) => {
    t.same([...catalogs.lists.keys()].sort(), [...IMPORTED, 'dst-mapping'].sort())
    for (const [list, valueSet] of Object.entries(official)) {
      t.equal(registrable(list).length, sizes[list], `${list} has ${sizes[list]} registrable codes`)
      t.same(new Set(registrable(list).map((e) => e.code)), new Set(valueSetCodes(valueSet)), `${list} = ${valueSet}`)
    }
    const themes = ['funktioner-og-forhold', 'aktivitet-og-deltagelse', 'omgivelsesfaktorer']
      .flatMap((list) => catalogs.versionAt(list, '2025-01-01')!.entries.filter((e) => e.parent === null).map((e) => e.code))
    t.same(new Set(themes), new Set(valueSetCodes('KLThemesFFB')), 'the overtemaer are the 11 official themes')
  })

  t.test('every list holds exactly KL\'s published value set, with KL\'s labels', { skip: NEEDS_FFB_SOURCES }, async (t) => {
    const valueSets = await readJson<Record<string, Array<{ code: string, display: string }>>>(ffbSource('ffb-valuesets.expanded.json'))
    for (const [list, valueSet] of Object.entries(official)) {
      const expected = new Map((valueSets[valueSet] ?? []).map((c) => [c.code, c.display]))
      t.same(new Map(registrable(list).map((e) => [e.code, e.label])), expected, `${list} = ${valueSet}`)
    }
  })

  t.test('attributes: levels, legal basis, botilbud, opholdsydelse, top-level målgrupper', async (t) => {
    const at = (list: string) => catalogs.versionAt(list, '2025-01-01')!.entries
    t.same(at('funktionsevneniveau').map((e) => e.level).sort(), [0, 1, 2, 3, 4, null])
    t.same(at('stoettebehov').find((e) => e.label === 'Højt støttebehov')?.level, 3)
    t.same(at('ydelser').filter((e) => e.selectable && e.legalBasis === null), [], 'every ydelse has a legal basis')
    t.equal(at('ydelser').find((e) => e.label === 'Støtte til transport')?.legalBasis, 'SEL § 85')
    t.same(at('ydelser').filter((e) => e.selectable && e.opholdsydelse === true).map((e) => e.label).sort(),
      ['Akut ophold', 'Længerevarende ophold', 'Midlertidigt ophold'])
    t.same(at('tilbud').filter((e) => e.selectable && e.botilbud === true).map((e) => e.label).sort(),
      ['Almindeligt længerevarende botilbud til voksne', 'Midlertidigt botilbud til voksne', 'Sikret længerevarende botilbud til voksne'])
    t.equal(at('tilbud').find((e) => e.label === 'Almen ældre- og handicapvenlig bolig')?.legalBasis, 'ABL § 105')
    t.equal(at('maalgrupper').filter((e) => e.topLevel === true).length, 5)
  })

  t.test('hold no definition prose from KL', async (t) => {
    const text = (await Promise.all(IMPORTED.map(async (list) => await readFile(join(CATALOGS_DIR, list, '20240530.json'), 'utf8')))).join('')
    t.notMatch(text, /definition|Visitationsparagraf|er en ydelse/i)
  })

  t.test('are exactly what the importer produces from KL\'s published CodeSystem', { skip: NEEDS_FFB_SOURCES }, async (t) => {
    const dir = t.testdir()
    await cp(join(CATALOGS_DIR, 'lists.json'), join(dir, 'lists.json'))
    const committed = await readJson<CatalogFile>(join(CATALOGS_DIR, 'maaltype', '20240530.json'))
    const report = await importSource(dir, ffbSource('CodeSystem-FFB.kl-term-c32a6c2.json'), { validFrom: committed.validFrom })
    t.same(report.lists.map((l) => l.list).sort(), [...IMPORTED].sort())
    for (const list of IMPORTED) {
      t.equal(await readFile(join(dir, list, '20240530.json'), 'utf8'), await readFile(join(CATALOGS_DIR, list, '20240530.json'), 'utf8'), list)
    }
  })
})

t.test('the loader refuses a broken catalog, naming the file, the entry and the rule', async (t) => {
  const breakages: Array<[string, (dir: string) => Promise<void>, RegExp]> = [
    ['a duplicate code', async (dir) => {
      await edit(dir, 'maaltype', (v) => { v.entries.push({ ...v.entries[0]! }) })
    }, /maaltype\/20240530\.json, entry 10752a63-00b4-4958-b7f4-9f3a18f74266: code is not unique in this version/],
    ['a parent that does not exist', async (dir) => {
      await edit(dir, 'maaltype', (v) => { v.entries[1]!.parent = 'nope' })
    }, /maaltype\/20240530\.json, entry d41c8072-52f8-42b5-9375-ddbea454d27f: parent nope does not exist/],
    ['a cycle', async (dir) => {
      await edit(dir, 'maaltype', (v) => {
        v.entries[0]!.parent = v.entries[1]!.code
        v.entries[1]!.parent = v.entries[0]!.code
      })
    }, /maaltype\/20240530\.json, entry \S+: the parents form a cycle/],
    ['validTo before validFrom', async (dir) => {
      await edit(dir, 'maaltype', (v) => { v.validTo = '2022-12-31' })
    }, /maaltype\/20240530\.json: validTo 2022-12-31 is before validFrom 2023-01-01/],
    ['overlapping versions', async (dir) => {
      await edit(dir, 'maaltype', (v) => { v.validTo = '2030-01-01' })
      await edit(dir, 'maaltype', (v) => {
        v.version = '20250101'
        v.validFrom = '2025-01-01'
        v.validTo = null
      }, '20250101')
    }, /maaltype\/20240530\.json: validTo 2030-01-01 must be the day before version 20250101 takes over \(2024-12-31\)/],
    ['a superseded version without validTo', async (dir) => {
      await edit(dir, 'maaltype', (v) => {
        v.version = '20250101'
        v.validFrom = '2025-01-01'
      }, '20250101')
    }, /maaltype\/20240530\.json: validTo is missing although version 20250101 follows/],
    ['a file in the wrong folder', async (dir) => {
      await edit(dir, 'maaltype', (v) => { v.catalog = 'tilbud' })
    }, /maaltype\/20240530\.json: catalog is "tilbud" but the file is in maaltype\//],
    ['a version that does not match the file name', async (dir) => {
      await edit(dir, 'maaltype', (v) => { v.version = '2' })
    }, /maaltype\/20240530\.json: version is "2" but the file is named 20240530\.json/],
    ['an entry without a label', async (dir) => {
      await edit(dir, 'maaltype', (v) => { delete (v.entries[2] as { label?: string }).label })
    }, /maaltype\/20240530\.json: \/entries\/2 must have required properties? label/],
    ['a bad date', async (dir) => {
      await edit(dir, 'maaltype', (v) => { v.validFrom = '2023-13-01' })
    }, /maaltype\/20240530\.json: \/validFrom must match format "date"/],
    ['broken JSON', async (dir) => {
      await writeFile(join(dir, 'tilbud', '20240530.json'), '{ "catalog": ')
    }, /tilbud\/20240530\.json: not valid JSON/],
    ['a list without any version', async (dir) => {
      await rm(join(dir, 'stoettebehov'), { recursive: true })
    }, /stoettebehov\/: the list has no version file/],
    ['a folder that is no list', async (dir) => {
      await cp(join(dir, 'maaltype'), join(dir, 'goals'), { recursive: true })
    }, /goals: folder is not a list in lists\.json/],
    ['a DST mapping naming an unknown tilbud', async (dir) => {
      await edit(dir, 'dst-mapping', (v) => { v.entries[0]!.when!.tilbud = ['no-such-tilbud'] }, '20230101')
    }, /dst-mapping\/20230101\.json, entry 1\.12\.0\.2: tilbud no-such-tilbud is not in the tilbud list/]
  ]
  for (const [name, breakIt, message] of breakages) {
    t.test(name, async (t) => {
      const dir = await copyCatalogs(t)
      await breakIt(dir)
      await t.rejects(loadCatalogs(dir), { name: 'CatalogError', message })
    })
  }

  t.test('and the server does not start on it', async (t) => {
    const dir = await copyCatalogs(t)
    await edit(dir, 'maaltype', (v) => { v.entries[1]!.parent = 'nope' })
    const { code, stdout } = await exited(spawnEntry('src/server.ts', { CATALOGS_DIR: dir, PGLITE_DIR: join(dir, '..', 'pglite'), PORT: '0', LOG_LEVEL: 'info' }))
    t.equal(code, 1)
    t.match(stdout, /start-up failed: catalogs: maaltype\/20240530\.json, entry d41c8072-52f8-42b5-9375-ddbea454d27f: parent nope does not exist/)
  })
})

async function edit (dir: string, list: string, change: (version: CatalogFile) => void, writeAs = '20240530'): Promise<void> {
  const version = await readJson<CatalogFile>(join(dir, list, `${list === 'dst-mapping' ? '20230101' : '20240530'}.json`))
  change(version)
  await writeFile(join(dir, list, `${writeAs}.json`), JSON.stringify(version))
}

t.test('importing the next version from an FK-klassifikation facet export', async (t) => {
  const dir = await copyCatalogs(t)

  t.test('a dry run prints the diff and writes nothing', async (t) => {
    const before = await readdir(join(dir, 'maaltype'))
    const report = await importSource(dir, FACET_FIXTURE, { validFrom: '2026-01-01', dryRun: true })
    t.equal(report.version, '20260101', 'the version defaults to the date')
    t.equal(report.lists.length, 1, 'only the list whose root the file holds')
    t.same(report.lists[0]?.diff, {
      added: [{ code: '0f0f0f0f-0000-4000-8000-00000000beef', label: 'Ny måltype (fixture)', parent: null, selectable: true }],
      retired: [{ code: 'e47c22bd-d88d-48ab-882b-419923e1f44e', label: 'Begrænse tab af funktionsevne', parent: null, selectable: true }],
      relabelled: [{ code: '10752a63-00b4-4958-b7f4-9f3a18f74266', from: 'Fastholde funktionsevne', to: 'Fastholde funktionsevnen' }],
      moved: [],
      changed: []
    })
    t.match(report.lists[0]?.text, /maaltype: 20240530 → 20260101\n {2}\+ added {6}0f0f0f0f-0000-4000-8000-00000000beef {2}Ny måltype \(fixture\)\n {2}- retired {4}e47c22bd/)
    t.same(await readdir(join(dir, 'maaltype')), before)
  })

  t.test('the command line prints the same diff', async (t) => {
    const { code, stdout } = await exited(spawnEntry('src/catalogs/cli.ts', {}, [FACET_FIXTURE, '--valid-from', '2026-01-01', '--dry-run', '--dir', dir]))
    t.equal(code, 0)
    t.match(stdout, /~ relabelled 10752a63-00b4-4958-b7f4-9f3a18f74266 {2}"Fastholde funktionsevne" → "Fastholde funktionsevnen"/)
    t.match(stdout, /dry run: nothing written/)
    const refused = await exited(spawnEntry('src/catalogs/cli.ts', {}, [FACET_FIXTURE, '--dir', dir]))
    t.equal(refused.code, 2)
    t.match(refused.stderr, /give --valid-from YYYY-MM-DD/)
  })

  t.test('the import writes the new version and closes the old one', async (t) => {
    await importSource(dir, FACET_FIXTURE, { validFrom: '2026-01-01' })
    const old = await readJson<CatalogFile>(join(dir, 'maaltype', '20240530.json'))
    t.equal(old.validTo, '2025-12-31')
    const next = await readJson<CatalogFile>(join(dir, 'maaltype', '20260101.json'))
    t.match(next, { validFrom: '2026-01-01', validTo: null, source: { format: 'fk-facet-csv', file: 'maaltype-facet.csv' } })
    t.notMatch(JSON.stringify(next), /definition|Fixture text/i, 'no definition prose')
    await t.rejects(importSource(dir, FACET_FIXTURE, { validFrom: '2025-06-01' }), /a new version must start later/)
    await t.rejects(importSource(dir, FACET_FIXTURE, { validFrom: '2027-02-30' }), /give --valid-from YYYY-MM-DD/, 'not a calendar day')
    await t.rejects(importSource(dir, FACET_FIXTURE, { validFrom: '2027-01-01', version: '../x' }), /may only hold letters/)
    await t.rejects(importSource(dir, FACET_FIXTURE, { validFrom: '2027-01-01', version: '20240530' }), /version 20240530 exists/)
    t.same((await readdir(join(dir, 'maaltype'))).sort(), ['20240530.json', '20260101.json'], 'refused imports write nothing')
  })

  t.test('registrations are checked against the version in force on their date', async (t) => {
    const catalogs = await loadCatalogs(dir)
    const retired = 'e47c22bd-d88d-48ab-882b-419923e1f44e'
    const added = '0f0f0f0f-0000-4000-8000-00000000beef'
    t.equal(catalogs.check('maaltype', retired, '2025-12-31', '/maaltype').label, 'Begrænse tab af funktionsevne', 'valid the day before')
    const refusal = (fn: () => unknown): HttpProblem | undefined => {
      try {
        fn()
      } catch (error) {
        if (error instanceof HttpProblem) return error
      }
      t.fail('expected a problem')
      return undefined
    }
    const problem = refusal(() => catalogs.check('maaltype', retired, '2026-01-01', '/goal/maaltype'))
    t.match(problem, { code: 'catalog-code', status: 422 })
    t.match(problem?.message, /\/goal\/maaltype: e47c22bd-d88d-48ab-882b-419923e1f44e of maaltype was retired by version 20260101/)
    t.same(problem?.extra.errors, [{ in: 'body', pointer: '/goal/maaltype', code: 'catalog', message: problem?.extra.errors?.[0]?.message }])
    t.match(refusal(() => catalogs.check('maaltype', added, '2025-06-01', '/m'))?.message, /introduced by version 20260101 from 2026-01-01/)
    t.match(refusal(() => catalogs.check('maaltype', 'nope', '2026-06-01', '/m'))?.message, /nope is not a code of maaltype \(version 20260101\)/)
    t.match(refusal(() => catalogs.check('maaltype', added, '2022-06-01', '/m'))?.message, /no version of maaltype is in force on 2022-06-01/)
    const overtema = catalogs.versionAt('aktivitet-og-deltagelse', '2025-01-01')!.entries.find((e) => !e.selectable)!
    t.match(refusal(() => catalogs.check('aktivitet-og-deltagelse', overtema.code, '2025-01-01', '/m'))?.message, /is a grouping, not a registrable code/)
    t.same(catalogs.entry('maaltype', retired)?.entry.label, 'Begrænse tab af funktionsevne', 'stored data keeps its original label')
    t.same(catalogs.entry('maaltype', '10752a63-00b4-4958-b7f4-9f3a18f74266', '2025-01-01')?.entry.label, 'Fastholde funktionsevne')

    const app = await buildTestApp(t, { config: { catalogsDir: dir } })
    const { headers } = await createTestClient(app, { scopes: ['cases:read'] })
    const get = async (url: string) => await app.inject({ method: 'GET', url, headers })
    t.equal((await get(`/v1/catalogs/maaltype/${retired}?at=2025-12-31`)).json().entry.label, 'Begrænse tab af funktionsevne')
    const gone = await get(`/v1/catalogs/maaltype/${retired}`)
    t.equal(gone.statusCode, 404)
    t.match(gone.json().detail, /not in version 20260101 of maaltype; it is in version 20240530/)
    t.same((await get('/v1/catalogs')).json().items.find((l: { id: string }) => l.id === 'maaltype').versions.map((v: { validTo: string | null }) => v.validTo),
      ['2025-12-31', null])
  })
})

t.test('the generated code schemas', async (t) => {
  const app = await buildTestApp(t, {
    extend: async (app) => {
      app.post('/test/goal', {
        schema: {
          body: {
            type: 'object',
            required: ['primary', 'maaltype'],
            additionalProperties: false,
            properties: { primary: { $ref: 'AktivitetOgDeltagelseCode' }, maaltype: { $ref: 'MaaltypeCode' } }
          }
        }
      }, async () => ({ ok: true }))
    }
  })
  const ad = app.catalogs.versionAt('aktivitet-og-deltagelse', '2025-01-01')!.entries
  const ff = app.catalogs.versionAt('funktioner-og-forhold', '2025-01-01')!.entries

  t.test('accept every registrable code of their list, and nothing else', async (t) => {
    for (const list of app.catalogs.lists.keys()) {
      const schema = app.getSchema(codeSchemaId(list)) as Parameters<typeof Check>[0]
      for (const version of app.catalogs.list(list)!.versions) {
        // Top-level målgrupper are sent for citizens without a diagnosis, though some are groupings.
        for (const entry of version.entries) t.equal(Check(schema, entry.code), entry.selectable || entry.topLevel === true, `${list} ${entry.label}`)
      }
    }
    const schema = app.getSchema('AktivitetOgDeltagelseCode') as Parameters<typeof Check>[0]
    t.notOk(ff.some((e) => Check(schema, e.code)), 'no F&F code passes as an A&D code')
  })

  t.test('reject a code from the wrong list with a 400 naming the field', async (t) => {
    const maaltype = app.catalogs.versionAt('maaltype', '2025-01-01')!.entries[0]!.code
    const ok = await app.inject({ method: 'POST', url: '/test/goal', payload: { primary: ad.find((e) => e.selectable)!.code, maaltype } })
    t.equal(ok.statusCode, 200)
    const wrong = await app.inject({ method: 'POST', url: '/test/goal', payload: { primary: ff.find((e) => e.selectable)!.code, maaltype } })
    t.equal(wrong.statusCode, 400)
    t.match(wrong.json().errors, [{ in: 'body', pointer: '/primary', code: 'enum' }])
  })

  t.test('show the allowed codes with their labels in the OpenAPI document', async (t) => {
    const schema = (await app.inject({ method: 'GET', url: '/openapi.json' })).json().components.schemas.MaaltypeCode
    t.same(schema.enum.length, 3)
    t.same(Object.fromEntries(schema.enum.map((code: string, i: number) => [code, schema['x-enum-descriptions'][i]])), {
      '10752a63-00b4-4958-b7f4-9f3a18f74266': 'Fastholde funktionsevne',
      'd41c8072-52f8-42b5-9375-ddbea454d27f': 'Udvikle funktionsevne',
      'e47c22bd-d88d-48ab-882b-419923e1f44e': 'Begrænse tab af funktionsevne'
    })
  })
})

t.test('GET /v1/catalogs…', async (t) => {
  const app = await buildTestApp(t)
  const { headers } = await createTestClient(app, { scopes: ['delivery:write'] })
  const get = async (url: string, extra: Record<string, string> = {}) => await app.inject({ method: 'GET', url, headers: { ...headers, ...extra } })

  t.test('lists every catalog with its versions, for any client', async (t) => {
    const res = await get('/v1/catalogs')
    t.equal(res.statusCode, 200)
    t.match(res.json().items.find((l: { id: string }) => l.id === 'ydelser'), {
      title: 'Ydelser', current: '20240530', versions: [{ version: '20240530', validFrom: '2023-01-01', validTo: null, entries: 43, registrable: 32 }]
    })
  })

  t.test('one list, flat or as a tree', async (t) => {
    const flat = (await get('/v1/catalogs/aktivitet-og-deltagelse')).json()
    t.match(flat, { catalog: 'aktivitet-og-deltagelse', version: '20240530' })
    t.equal(flat.entries.length, 37)
    const tree = (await get('/v1/catalogs/aktivitet-og-deltagelse?tree=true')).json()
    t.equal(tree.entries.length, 6, 'six overtemaer at the top')
    t.equal(tree.entries.reduce((n: number, o: { children: unknown[] }) => n + o.children.length, 0), 31)
    t.match(tree.entries.find((o: { label: string }) => o.label === 'Relationer').children, [{ label: 'Indgå i samspil og kontakt', selectable: true }])
  })

  t.test('one entry', async (t) => {
    const code = (await get('/v1/catalogs/ydelser')).json().entries.find((e: { label: string }) => e.label === 'Støtte til transport').code
    const res = await get(`/v1/catalogs/ydelser/${code}`)
    t.equal(res.statusCode, 200)
    t.match(res.json(), { catalog: 'ydelser', version: '20240530', entry: { code, label: 'Støtte til transport', legalBasis: 'SEL § 85', selectable: true } })
  })

  t.test('choose a version by id or date; unknown lists, codes, versions and dates are problems', async (t) => {
    t.equal((await get('/v1/catalogs/maaltype?version=20240530')).statusCode, 200)
    t.equal((await get('/v1/catalogs/maaltype?at=2024-06-01')).statusCode, 200)
    t.match((await get('/v1/catalogs/maaltype?at=2022-06-01')).json(), { status: 404, detail: 'No version of maaltype is in force on 2022-06-01' })
    t.match((await get('/v1/catalogs/maaltype?version=1999')).json(), { status: 404, detail: 'Catalog maaltype has no version 1999' })
    t.match((await get('/v1/catalogs/goals')).json(), { status: 404, type: 'urn:ffb-api:problem:not-found' })
    t.match((await get('/v1/catalogs/maaltype/nope')).json(), { status: 404, detail: 'No code nope in catalog maaltype' })
    t.match((await get('/v1/catalogs/maaltype?version=20240530&at=2024-06-01')).json(), { status: 400, errors: [{ pointer: '/at' }] })
    t.match((await get('/v1/catalogs/maaltype?at=someday')).json(), { status: 400, errors: [{ in: 'query', pointer: '/at', code: 'format' }] })
  })

  t.test('answers carry a strong ETag and Cache-Control; If-None-Match gives 304', async (t) => {
    for (const url of ['/v1/catalogs', '/v1/catalogs/maaltype', '/v1/catalogs/maaltype/d41c8072-52f8-42b5-9375-ddbea454d27f']) {
      const first = await get(url)
      const etag = first.headers.etag as string
      t.match(etag, /^"[\w-]{27}"$/, `${url} has a strong ETag`)
      t.equal(first.headers['cache-control'], 'private, max-age=300')
      const again = await get(url, { 'if-none-match': etag })
      t.equal(again.statusCode, 304, url)
      t.equal(again.body, '')
      t.equal(again.headers.etag, etag)
      t.equal((await get(url, { 'if-none-match': `"other", W/${etag}` })).statusCode, 304, 'weak comparison, lists')
      t.equal((await get(url, { 'if-none-match': '"other"' })).statusCode, 200)
    }
    t.not((await get('/v1/catalogs/maaltype')).headers.etag, (await get('/v1/catalogs/maaltype?tree=true')).headers.etag, 'a different representation, a different ETag')
  })

  t.test('need a valid token', async (t) => {
    t.equal((await app.inject({ method: 'GET', url: '/v1/catalogs' })).statusCode, 401)
  })
})

t.test('parseCsv reads quoted cells with separators, quotes and newlines', async (t) => {
  t.same(parseCsv('a;"b;c";"d ""e"""\r\n"f\ng";;h', ';'), [['a', 'b;c', 'd "e"'], ['f\ng', '', 'h']])
})
