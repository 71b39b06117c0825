import { sql, type Kysely } from 'kysely'
import type { FastifyInstance } from 'fastify'
import type { DB } from '../../src/db/schema.js'
import { AD, LEVEL, MAALGRUPPE, STATUS, STOETTEBEHOV } from '../support/codes.js'
import {
  aCase, aDelmaal, aNote, annulled, aRegistration, corrected, decisionPayload, goalPayload, interventionPayload, made, type Headers, type Made
} from '../support/factories.js'

/**
 * Citizens whose retention is known by construction, on 1 January 2031 with
 * the default period of 5 years and 7 years in municipality 147 (the
 * catalogs begin in 2023, so every course lies after):
 *
 *   P1  two cases in 101: a course ended 1 June 2023 and an investigation of February 2024  → anonymised
 *   P2  a course in 101 ended March 2023, one in 147 ended 31 December 2023 (7 years)          → anonymised, both
 *   P3  a course in 101 ended 2023, and one ended 30 June 2026                                 → kept, both
 *   P4  a course in 147 ended 1 May 2024: due under 5 years, not under 147's 7                 → kept
 *   P5  a course in 101 from 2023, never ended                                                 → kept
 *   P6  a course in 101 ended 2023, one in 147 ended 2025 (not due there)                      → kept, both
 *
 * Every free text of a case carries its tag (`Tekst-P1a`), so a dump of the
 * database shows whether any is left. P1's first case also has corrections
 * (versions with a reason), an annulled registration with a comment, an
 * assessment and idempotent writes; P3's recent case the same, so the kept
 * ones are seen to keep theirs.
 */

export const AS_OF = '2031-01-01'

export interface Course { tag: string, cpr: string, kommunekode: string, caseId: string, caseUrl: string, decisionId: string }

export const CPR = { P1: '0101801111', P2: '0202802222', P3: '0303803333', P4: '0404804444', P5: '0505805555', P6: '0606806666' } as const

const plusDays = (day: string, days: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)

/** One course: a case investigated, a goal, a decision, an intervention, a delmål and a note on `start`; followed up and ended on `end`. */
export async function course (app: FastifyInstance, headers: Headers, tag: string, cpr: string, kommunekode: string,
  { start, end, extras = false }: { start: string, end?: string, extras?: boolean }): Promise<Course> {
  const text = (what: string) => `${what} ${tag}`
  const idempotent = extras ? { ...headers, 'idempotency-key': `"${tag}-case"` } : headers
  const opened = await aCase(app, idempotent, { kommunekode, cpr, openedAt: `${start}T08:00:00Z`, sagsnummer: `Sag ${tag}`, borgerensOensker: text('Ønske') })
  const caseUrl = opened.location
  const registration = await aRegistration(app, headers, caseUrl, 'aktivitet-og-deltagelse', {
    undertema: AD.varetageOekonomi,
    funktionsevneniveau: LEVEL[2],
    registeredAt: `${start}T09:00:00Z`,
    oplysningerFraBorgeren: text('Borgeren'),
    oplysningerFraAndre: text('Andre'),
    sagsbehandlersBemaerkninger: text('Bemærkning')
  })
  const goal = await made(app, headers, `${caseUrl}/goals`, goalPayload({
    maalformulering: text('Mål'), ansvarligForOpfoelgning: text('Ansvarlig'), registeredAt: `${start}T10:00:00Z`, opfoelgningsdato: plusDays(start, 90)
  }))
  const decision = await made(app, headers, `${caseUrl}/decisions`, decisionPayload({
    afgoerelsesdato: start,
    goals: [goal.id],
    stoettebehov: { code: STOETTEBEHOV.let, begrundelse: text('Begrundelse'), registeredAt: `${start}T11:00:00Z` },
    maalgrupper: { primaer: MAALGRUPPE.socialtProblem, registeredAt: `${start}T11:00:00Z` }
  }))
  await made(app, headers, `/v1/decisions/${decision.id}/interventions`, interventionPayload({
    tilbud: { code: interventionPayload().tilbud.code, registeredAt: `${start}T11:00:00Z` },
    ydelser: [{ code: interventionPayload().ydelser[0]!.code, startdato: start, registeredAt: `${start}T11:00:00Z` }],
    bevillingsdato: start
  }))
  const delmaal = await aDelmaal(app, headers, caseUrl, goal.id, { tekst: text('Delmål'), startdato: start })
  await aNote(app, headers, caseUrl, { tekst: text('Note'), tidspunkt: `${start}T14:00:00Z`, delmaalId: delmaal.id })
  if (extras) await extrasOn(app, headers, { tag, start, caseUrl, registration, decisionId: decision.id })
  if (end !== undefined) {
    await made(app, headers, `/v1/decisions/${decision.id}/follow-ups`, {
      registeredAt: `${end}T10:00:00Z`,
      maal: [{
        goalId: goal.id,
        funktionsevneniveau: LEVEL[1],
        maalOpnaaet: true,
        borgerensVurdering: text('Borgerens vurdering'),
        udfoerersVurdering: text('Udførers vurdering'),
        sagsbehandlersVurdering: text('Sagsbehandlers vurdering')
      }],
      stoettebehov: { code: STOETTEBEHOV.intet, begrundelse: text('Revurdering') },
      statusPaaIndsats: STATUS.afslutning
    })
  }
  // Diagnosed after the decision (its målgruppe is the top level of a citizen without one then).
  await corrected(app, headers, caseUrl, { diagnoser: [text('Diagnose')] })
  return { tag, cpr, kommunekode, caseId: opened.id, caseUrl, decisionId: decision.id }
}

/** Versions with reasons, an annulment with a comment, an assessment, an idempotent note. */
async function extrasOn (app: FastifyInstance, headers: Headers, c: { tag: string, start: string, caseUrl: string, registration: Made, decisionId: string }) {
  const text = (what: string) => `${what} ${c.tag}`
  await corrected(app, headers, c.registration.location, { oplysningerFraAndre: text('Rettet'), reason: text('Årsag') })
  await corrected(app, headers, `/v1/decisions/${c.decisionId}`, { stoettebehov: { begrundelse: text('Rettet begrundelse') }, reason: text('Rettelse') })
  const wrong = await aRegistration(app, headers, c.caseUrl, 'funktioner-og-forhold', { sagsbehandlersBemaerkninger: text('Fejl'), registeredAt: `${c.start}T12:00:00Z` })
  await annulled(app, headers, wrong.location, { reason: 'fejlregistrering', comment: text('Annulleret') })
  await made(app, headers, `${c.caseUrl}/assessment`, { samletVurdering: text('Samlet vurdering'), indsatsformaal: text('Indsatsformål') }, 'PUT')
  await made(app, { ...headers, 'idempotency-key': `"${c.tag}-note"` }, `${c.caseUrl}/notes`,
    { tekst: text('Idempotent note'), forfatterrolle: 'sagsbehandler', tidspunkt: `${c.start}T13:00:00Z` })
}

/** The population above; returns the courses by tag. */
export async function buildPopulation (app: FastifyInstance, headers: Headers): Promise<Record<string, Course>> {
  const courses = await Promise.all([
    course(app, headers, 'Tekst-P1a', CPR.P1, '101', { start: '2023-01-01', end: '2023-06-01', extras: true }),
    course(app, headers, 'Tekst-P2a', CPR.P2, '101', { start: '2023-02-01', end: '2023-03-01' }),
    course(app, headers, 'Tekst-P2b', CPR.P2, '147', { start: '2023-01-15', end: '2023-12-31' }),
    course(app, headers, 'Tekst-P3a', CPR.P3, '101', { start: '2023-02-01', end: '2023-05-01' }),
    course(app, headers, 'Tekst-P3b', CPR.P3, '101', { start: '2025-01-01', end: '2026-06-30', extras: true }),
    course(app, headers, 'Tekst-P4a', CPR.P4, '147', { start: '2023-03-01', end: '2024-05-01' }),
    course(app, headers, 'Tekst-P5a', CPR.P5, '101', { start: '2023-01-01' }),
    course(app, headers, 'Tekst-P6a', CPR.P6, '101', { start: '2023-03-01', end: '2023-09-01' }),
    course(app, headers, 'Tekst-P6b', CPR.P6, '147', { start: '2024-01-01', end: '2025-01-01' })
  ])
  // P1's second case: an investigation in 2024, no course.
  const second = await aCase(app, headers, { kommunekode: '101', cpr: CPR.P1, openedAt: '2024-02-01T08:00:00Z', sagsnummer: 'Sag Tekst-P1b', borgerensOensker: 'Ønske Tekst-P1b' })
  await aRegistration(app, headers, second.location, 'funktioner-og-forhold', { registeredAt: '2024-02-01T09:00:00Z', oplysningerFraBorgeren: 'Borgeren Tekst-P1b' })
  return Object.fromEntries(courses.map((c) => [c.tag, c]))
}

/**
 * The whole database as text: every row of every table of the public
 * schema as JSON, table by table — what a grep of a dump sees. `except`
 * leaves tables out (the audit chain, which the app's sealer moves on).
 */
export async function dump (db: Kysely<DB>, except: string[] = []): Promise<string> {
  const { rows: tables } = await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`.execute(db)
  const parts: string[] = []
  for (const { name } of tables.filter((t) => !except.includes(t.name))) {
    const { rows } = await sql<{ row: string }>`SELECT row_to_json(t)::text AS row FROM ${sql.table(name)} t ORDER BY 1`.execute(db)
    parts.push(`-- ${name}\n${rows.map((r) => r.row).join('\n')}`)
  }
  return parts.join('\n')
}
