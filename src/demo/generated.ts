import type { CatalogEntry } from '../catalogs/format.js'
import { addDays, at, type DemoApi } from './api.js'
import type { Dice } from './codes.js'
import { decision, followUp, goal, intervention } from './steps.js'

/** Municipalities of the generated citizens: København, Frederiksberg, Odense, Aarhus, Aalborg. */
export const DEMO_MUNICIPALITIES = ['101', '147', '461', '751', '851']

/** Diagnoses a case may list, with the detailed målgruppe (official label) a decision then reports. */
const DIAGNOSES: ReadonlyArray<[diagnosis: string, maalgruppe: string]> = [
  ['ADHD', 'Opmærksomhedsforstyrrelse'],
  ['Infantil autisme', 'Autismespektrum'],
  ['Depression', 'Depression'],
  ['Generaliseret angst', 'Angst'],
  ['Paranoid skizofreni', 'Forandret virkelighedsopfattelse'],
  ['Emotionelt ustabil personlighedsstruktur', 'Personlighedsforstyrrelse'],
  ['Let mental retardering', 'Udviklingshæmning'],
  ['Alzheimers sygdom', 'Demens'],
  ['Følger efter apopleksi', 'Erhvervet hjerneskade'],
  ['Alkoholafhængighed', 'Alkoholmisbrug'],
  ['Anorexia nervosa', 'Spiseforstyrrelse'],
  ['Nedsat syn', 'Synsnedsættelse']
]

const GOAL_TEXTS = ['Jeg vil klare det mere selv', 'Jeg vil have overblik over min hverdag', 'Jeg vil tage mere del i fællesskaber', 'Jeg vil holde fast i det, jeg kan nu']

/**
 * One generated citizen through the VUM phases: a case, the investigation
 * (two or three F&F sub-themes, one omgivelsesfaktor, two or three A&D
 * sub-themes with a level), one or two goals, a decision with a støttebehov
 * and the målgruppe the diagnosis rule allows, an intervention whose ydelser
 * fit the tilbud's legal basis, and — once the follow-up date has passed —
 * mostly a follow-up. Every code is drawn from the catalogs.
 */
export async function generatedCitizen (api: DemoApi, dice: Dice, index: number, today: string): Promise<void> {
  const c = api.codes
  const day = addDays('2023-01-02', dice.int(0, 900))
  const diagnosis = dice.chance(0.45) ? dice.pick(DIAGNOSES) : undefined
  const caseUrl = (await api.create('cases', '/v1/cases', {
    kommunekode: dice.pick(DEMO_MUNICIPALITIES),
    cpr: cprOf(dice, index),
    // The municipality's own number, as its case management system gives it; unique, as the generated citizens are.
    sagsnummer: `SAG-G-${String(index).padStart(6, '0')}`,
    openedAt: at(day, '09:00'),
    ...(diagnosis === undefined ? {} : { diagnoser: [diagnosis[0]] })
  })).location
  for (const e of dice.some(c.entries('funktioner-og-forhold'), dice.int(2, 3))) await api.register(caseUrl, 'funktioner-og-forhold', e.code, at(day, '10:00'))
  await api.register(caseUrl, 'omgivelsesfaktorer', dice.pick(c.entries('omgivelsesfaktorer')).code, at(day, '10:00'))
  const investigated = dice.some(c.entries('aktivitet-og-deltagelse'), dice.int(2, 3)).map((e) => ({ code: e.code, level: dice.int(1, 4) }))
  for (const ad of investigated) await api.register(caseUrl, 'aktivitet-og-deltagelse', ad.code, at(day, '10:00'), c.level('funktionsevneniveau', ad.level))

  const opfoelgningsdato = addDays(day, dice.pick([90, 180, 365]))
  const goals: Array<{ id: string, level: number }> = []
  for (const ad of investigated.slice(0, dice.int(1, 2))) {
    const maaltype = dice.pick(c.entries('maaltype'))
    const expected = maaltype.label.startsWith('Udvikle') ? ad.level - 1 : maaltype.label.startsWith('Begrænse') ? Math.min(4, ad.level + 1) : ad.level
    goals.push({
      id: await goal(api, caseUrl, day, {
        undertema: ad.code, maaltype: maaltype.code, forventet: c.level('funktionsevneniveau', expected), maalformulering: dice.pick(GOAL_TEXTS), opfoelgningsdato
      }),
      level: expected
    })
  }
  const support = dice.int(1, 4)
  const topLevel = c.entries('maalgrupper').filter((e) => e.topLevel === true)
  const decisionId = await decision(api, caseUrl, day, {
    goals: goals.map((g) => g.id),
    stoettebehov: c.level('stoettebehov', support),
    begrundelse: 'Vurderet ud fra udredningen',
    primaer: diagnosis === undefined ? dice.pick(topLevel).code : c.code('maalgrupper', diagnosis[1])
  })
  const { tilbud, ydelser } = interventionCodes(api, dice)
  await intervention(api, decisionId, day, tilbud, ydelser, `10${String(dice.int(10_000_000, 99_999_999))}`)

  if (opfoelgningsdato >= today || dice.chance(0.25)) return
  const status = dice.pick(c.entries('status-paa-indsats'))
  const continues = status.label.includes('fortsættelse')
  await followUp(api, decisionId, opfoelgningsdato, {
    maal: goals.map((g) => ({ goalId: g.id, funktionsevneniveau: c.level('funktionsevneniveau', g.level), maalOpnaaet: dice.chance(0.6) })),
    stoettebehov: c.level('stoettebehov', continues ? support : Math.max(0, support - 1)),
    begrundelse: 'Vurderet ved opfølgning',
    status: status.code,
    ...(continues ? { naesteOpfoelgningsdato: addDays(opfoelgningsdato, 180) } : {})
  })
}

/**
 * A tilbud and ydelser that belong together, as the catalogs' legal bases
 * say: a botilbud with its opholdsydelse and § 85 støtte; a § 103 or § 104
 * tilbud with ydelser of that section; otherwise § 85 støtte.
 */
function interventionCodes (api: DemoApi, dice: Dice): { tilbud: string, ydelser: string[] } {
  const ydelser = api.codes.entries('ydelser')
  const bySection = (basis: string | null | undefined): CatalogEntry[] => ydelser.filter((y) => y.legalBasis === basis && y.opholdsydelse !== true)
  const tilbud = dice.pick(api.codes.entries('tilbud'))
  const sel85 = bySection('SEL § 85')
  if (tilbud.botilbud === true) {
    const ophold = ydelser.filter((y) => y.opholdsydelse === true && y.legalBasis === tilbud.legalBasis)
    return { tilbud: tilbud.code, ydelser: [...dice.some(ophold, 1), ...dice.some(sel85, dice.int(1, 2))].map((y) => y.code) }
  }
  const own = bySection(tilbud.legalBasis)
  const pool = own.length > 0 && tilbud.legalBasis !== 'ABL § 105' ? own : sel85
  return { tilbud: tilbud.code, ydelser: dice.some(pool, dice.int(1, 3)).map((y) => y.code) }
}

/** A CPR-shaped number on a real birthday (1945–2004); demo data only. */
function cprOf (dice: Dice, index: number): string {
  const birth = addDays('1945-01-01', dice.int(0, 21_900))
  return `${birth.slice(8, 10)}${birth.slice(5, 7)}${birth.slice(2, 4)}${String(1000 + (index % 9000)).padStart(4, '0')}`
}
