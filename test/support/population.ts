import type { FastifyInstance } from 'fastify'
import { aCase, annulled, aRegistration, corrected, made, type Headers, type Json } from './factories.js'

/**
 * A population of citizens through the API, covering every code of every
 * catalog list a caseworker can choose (read from GET /v1/catalogs/…) and
 * the edge cases of a delivery: no diagnosis (a top-level målgruppe), no
 * goals, an investigation without a decision, courses ended or continued by a
 * follow-up, ydelser before and after 2025-01-01, § 82 c akuttilbud,
 * corrections and annulments. Citizen i's codes are each list's (i mod its
 * length)th code, so a population of n ≥ the longest list covers them all.
 */

export interface Lists {
  ff: string[]
  omg: string[]
  ad: string[]
  levels: string[]
  /** The levels 0–4 (a goal's expected level cannot be "Ikke vurderet"). */
  expectedLevels: string[]
  stoettebehov: string[]
  maaltype: string[]
  status: { fortsaettelse: string, afslutning: string, afslutningOgVisiterTilNy: string }
  tilbud: string[]
  ydelser: string[]
  /** Målgrupper for a citizen with a diagnosis (registrable) and without one (top level). */
  maalgrupper: { detailed: string[], topLevel: string[] }
  /** § 82 c: Socialt akuttilbud and its ydelser (Akut ophold, Akut rådgivning, omsorg og støtte). */
  akut: { tilbud: string, ydelser: string[] }
}

interface Entry { code: string, label: string, selectable: boolean, topLevel?: boolean, legalBasis?: string | null, level?: number | null }

export async function readLists (app: FastifyInstance, headers: Headers): Promise<Lists> {
  const list = async (id: string): Promise<Entry[]> => {
    const res = await app.inject({ method: 'GET', url: `/v1/catalogs/${id}`, headers })
    if (res.statusCode !== 200) throw new Error(`GET /v1/catalogs/${id}: ${res.statusCode}`)
    return res.json<{ entries: Entry[] }>().entries
  }
  const codes = (entries: Entry[]) => entries.filter((e) => e.selectable).map((e) => e.code)
  const byLabel = (entries: Entry[], label: RegExp) => {
    const found = entries.find((e) => label.test(e.label))
    if (found === undefined) throw new Error(`no entry ${String(label)}`)
    return found.code
  }
  const [ff, omg, ad, levels, stoettebehov, maaltype, status, tilbud, ydelser, maalgrupper] = await Promise.all(
    ['funktioner-og-forhold', 'omgivelsesfaktorer', 'aktivitet-og-deltagelse', 'funktionsevneniveau', 'stoettebehov', 'maaltype',
      'status-paa-indsats', 'tilbud', 'ydelser', 'maalgrupper'].map(list))
  const akut = (entries: Entry[]) => entries.filter((e) => e.selectable && e.legalBasis === 'SEL § 82 c').map((e) => e.code)
  return {
    ff: codes(ff!),
    omg: codes(omg!),
    ad: codes(ad!),
    levels: codes(levels!),
    expectedLevels: levels!.filter((e) => e.selectable && typeof e.level === 'number').map((e) => e.code),
    stoettebehov: codes(stoettebehov!),
    maaltype: codes(maaltype!),
    status: {
      fortsaettelse: byLabel(status!, /fortsættelse/),
      afslutning: byLabel(status!, /^Træf afgørelse om afslutning af indsats$/),
      afslutningOgVisiterTilNy: byLabel(status!, /visit/)
    },
    tilbud: codes(tilbud!),
    ydelser: codes(ydelser!),
    maalgrupper: { detailed: codes(maalgrupper!), topLevel: maalgrupper!.filter((e) => e.topLevel === true).map((e) => e.code) },
    akut: { tilbud: akut(tilbud!)[0]!, ydelser: akut(ydelser!) }
  }
}

/** The edge case citizen i is (i mod 10). */
export const KINDS = ['no-diagnosis', 'no-goals', 'ended', 'akut-82c', 'corrected', 'annulled', 'continued', 'ended-new-visitation',
  'investigation-only', 'plain'] as const
export type Kind = typeof KINDS[number]

const at = <T>(list: readonly T[], i: number): T => list[i % list.length]!

/** Every other 'plain' citizen's case has no sagsnummer (KL's CarePlan needs one). */
export const withoutSagsnummer = (i: number): boolean => i % 20 === 19
const pad = (n: number): string => String(n).padStart(2, '0')

/** A valid CPR, unique per i < 1000: a real DDMMYY in the 1900s (7th digit 0). */
export const cprOf = (i: number): string => `${pad(1 + (i % 28))}${pad(1 + (i % 12))}${60 + (i % 30)}0${String(i).padStart(3, '0')}`

/**
 * Citizen i: a case opened on the first of a month (January–June) in 2023, 2024 or 2025,
 * investigated that day (F&F, Omgivelser, two A&D sub-themes), a goal, a
 * decision and an intervention of two ydelser (the second from 1 March 2025
 * for cases before 2025), then what `kind` adds.
 */
export interface Citizen { i: number, kind: Kind, cpr: string, caseUrl: string, maalgrupper: string[] }

export async function recordCitizen (app: FastifyInstance, headers: Headers, lists: Lists, i: number): Promise<Citizen> {
  const kind = at(KINDS, i)
  const cpr = cprOf(i)
  const year = 2023 + (i % 3)
  const month = 1 + (i % 6)
  const day = `${year}-${pad(month)}-01`
  const later = (months: number) => `${year}-${pad(month + months)}-01`
  const stamp = (hour: number, d = day) => `${d}T${pad(hour)}:00:00Z`
  const diagnosed = kind !== 'no-diagnosis'
  const caseUrl = (await aCase(app, headers, {
    cpr, openedAt: stamp(8), ...(diagnosed ? { diagnoser: ['Diagnose'] } : {}), ...(withoutSagsnummer(i) ? { sagsnummer: undefined } : {})
  })).location

  await aRegistration(app, headers, caseUrl, 'funktioner-og-forhold', { undertema: at(lists.ff, i), registeredAt: stamp(10) })
  await aRegistration(app, headers, caseUrl, 'omgivelsesfaktorer', { undertema: at(lists.omg, i), registeredAt: stamp(10) })
  const primary = at(lists.ad, i)
  const related = at(lists.ad, i + 7)
  const adRegistration = await aRegistration(app, headers, caseUrl, 'aktivitet-og-deltagelse',
    { undertema: primary, funktionsevneniveau: at(lists.levels, i), registeredAt: stamp(10) })
  await aRegistration(app, headers, caseUrl, 'aktivitet-og-deltagelse', { undertema: related, funktionsevneniveau: at(lists.levels, i + 1), registeredAt: stamp(10) })
  if (kind === 'investigation-only') return { i, kind, cpr, caseUrl, maalgrupper: [] }

  const goals: Json[] = kind === 'no-goals'
    ? []
    : [(await made(app, headers, `${caseUrl}/goals`, {
        maalformulering: `Mål ${i}`,
        maaltype: at(lists.maaltype, i),
        primaertUndertema: primary,
        relateredeUndertemaer: [related],
        forventetFunktionsevneniveau: at(lists.expectedLevels, i + 2),
        opfoelgningsdato: later(3),
        ansvarligForOpfoelgning: 'Socialafdelingen',
        registeredAt: stamp(11)
      })).body]
  const detailed = lists.maalgrupper.detailed
  const maalgrupper: { primaer: string, oevrige?: string[], registeredAt: string } = diagnosed
    ? { primaer: at(detailed, i), ...(i % 2 === 0 ? { oevrige: [at(detailed, i + 11)] } : {}), registeredAt: stamp(12) }
    : { primaer: at(lists.maalgrupper.topLevel, Math.floor(i / 10)), registeredAt: stamp(12) }
  const decision = await made(app, headers, `${caseUrl}/decisions`, {
    afgoerelsesdato: day,
    goals: goals.map((g) => g.id),
    stoettebehov: { code: at(lists.stoettebehov, i), begrundelse: 'Vurderet', registeredAt: stamp(12) },
    maalgrupper
  })
  const akut = kind === 'akut-82c'
  const [first, second] = akut ? [at(lists.akut.ydelser, i), at(lists.akut.ydelser, i + 1)] : [at(lists.ydelser, i), at(lists.ydelser, i + 16)]
  const secondStart = year < 2025 ? '2025-03-01' : later(1)
  const intervention = await made(app, headers, `/v1/decisions/${decision.id}/interventions`, {
    tilbud: { code: akut ? lists.akut.tilbud : at(lists.tilbud, i), registeredAt: stamp(12) },
    ydelser: [
      { code: first, startdato: day, ...(i % 4 === 1 ? { slutdato: later(2) } : {}), registeredAt: stamp(12) },
      { code: second, startdato: secondStart, registeredAt: stamp(12) }
    ],
    leverandoer: { pNummer: '1012345678' },
    bevillingsdato: day
  })
  const ydelseUrl = (n: number) => `/v1/ydelser/${String(intervention.body.ydelser[n].id)}`

  const followUp = async (status: string, extra: object = {}) => await made(app, headers, `/v1/decisions/${decision.id}/follow-ups`, {
    registeredAt: stamp(10, later(3)),
    maal: goals.map((g) => ({ goalId: g.id, funktionsevneniveau: at(lists.levels, i + 3), maalOpnaaet: i % 2 === 0 })),
    stoettebehov: { code: at(lists.stoettebehov, i + 1), begrundelse: 'Revurderet' },
    statusPaaIndsats: status,
    ...extra
  })
  switch (kind) {
    case 'ended': await followUp(lists.status.afslutning); break
    case 'ended-new-visitation': await followUp(lists.status.afslutningOgVisiterTilNy); break
    case 'continued': await followUp(lists.status.fortsaettelse, { naesteOpfoelgningsdato: later(6) }); break
    case 'corrected':
      await corrected(app, headers, adRegistration.location, { funktionsevneniveau: at(lists.levels, i + 4), reason: 'fejlregistrering' })
      await corrected(app, headers, `${caseUrl}/goals/${String(goals[0]!.id)}`, { maaltype: at(lists.maaltype, i + 1), reason: 'fejlregistrering' })
      await corrected(app, headers, ydelseUrl(0), { slutdato: later(2), reason: 'forkortet' })
      await corrected(app, headers, `/v1/decisions/${decision.id}`, { stoettebehov: { code: at(lists.stoettebehov, i + 2) } })
      break
    case 'annulled': {
      const extra = await aRegistration(app, headers, caseUrl, 'funktioner-og-forhold', { undertema: at(lists.ff, i + 5), registeredAt: stamp(13) })
      await annulled(app, headers, extra.location)
      await annulled(app, headers, ydelseUrl(1))
      if (i % 20 === 5) await annulled(app, headers, `/v1/decisions/${decision.id}`, { reason: 'omgjort-efter-klage' })
      break
    }
    default:
  }
  return { i, kind, cpr, caseUrl, maalgrupper: [maalgrupper.primaer, ...(maalgrupper.oevrige ?? [])] }
}

/** Citizens 0..n-1, `batch` at a time concurrently (each citizen's requests in order). */
export async function recordPopulation (app: FastifyInstance, headers: Headers, lists: Lists, n: number, batch = 8) {
  const citizens: Citizen[] = []
  for (let from = 0; from < n; from += batch) {
    const ids = Array.from({ length: Math.min(batch, n - from) }, (_, k) => from + k)
    citizens.push(...await Promise.all(ids.map(async (i) => await recordCitizen(app, headers, lists, i))))
  }
  return citizens
}
