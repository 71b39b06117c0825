import type { Scope } from '../db/scope.js'
import { annulmentOf } from '../annulment/marker.js'
import type { Selectable } from 'kysely'
import { dayInDenmark, type Catalogs } from '../catalogs/catalogs.js'
import { cprBirthDate } from '../cases/cpr.js'
import type { DecisionRow } from '../decisions/queries.js'
import { deriveDst } from '../decisions/dst.js'
import { maalgruppeMismatch } from '../decisions/rules.js'
import type { InterventionsTable, InterventionYdelserTable } from '../db/schema.js'
import type { Executor } from '../db/unit-of-work.js'
import { loadUddataRows, type UddataRows } from './queries.js'
import type { UddataDocument, UddataTombstone } from './schemas.js'

/**
 * Builds the uddata documents of a batch of decisions in six queries,
 * whatever the batch size (see loadUddataRows). The theme blocks are the
 * case's, with their full history; the rest is the decision's own.
 */
/**
 * The lines of a batch of decisions in their order: a document for each
 * decision standing, a tombstone for each annulled one (a delta's).
 */
export async function exportLines (db: Executor, scope: Scope, catalogs: Catalogs, decisions: DecisionRow[]): Promise<Array<UddataDocument | UddataTombstone>> {
  const documents = new Map((await buildDocuments(db, scope, catalogs, decisions.filter((d) => d.annulled_at === null))).map((doc) => [doc.decisionId, doc]))
  return decisions.map((decision) => documents.get(decision.id) ?? tombstoneOf(decision))
}

function tombstoneOf (decision: DecisionRow): UddataTombstone {
  const { annulment } = annulmentOf(decision)
  return {
    sagsafgoerelsesId: decision.sagsafgoerelses_id,
    decisionId: decision.id,
    kommunekode: decision.kommunekode,
    annulled: true,
    annulledAt: annulment!.annulledAt,
    reason: annulment!.reason
  }
}

export async function buildDocuments (db: Executor, scope: Scope, catalogs: Catalogs, decisions: DecisionRow[]): Promise<UddataDocument[]> {
  if (decisions.length === 0) return []
  const rows = await loadUddataRows(db, scope, decisions)
  return decisions.map((decision) => documentOf(catalogs, decision, rows))
}

const at = (date: Date): string => dayInDenmark(date)

/** One decision's document, and whether it is indberetningsklar (and if not, why). */
function documentOf (catalogs: Catalogs, decision: DecisionRow, rows: UddataRows): UddataDocument {
  const found = rows.caseOf.get(decision.case_id)!
  const theme = (id: string) => rows.registrationsOf.get(`${decision.case_id} ${id}`) ?? []
  const doc: UddataDocument = {
    sagsafgoerelsesId: decision.sagsafgoerelses_id,
    decisionId: decision.id,
    caseId: decision.case_id,
    kommunekode: decision.kommunekode,
    stamdata: { cprNr: found.cpr, kommunekode: found.kommunekode },
    funktionerOgForhold: theme('funktioner-og-forhold').map((r) => ({
      undertemaFunktionerEllerForhold: catalogs.coded('funktioner-og-forhold', r.undertema, at(r.registered_at)),
      datostempel: r.registered_at.toISOString()
    })),
    omgivelser: theme('omgivelsesfaktorer').map((r) => ({
      undertemaOmgivelser: catalogs.coded('omgivelsesfaktorer', r.undertema, at(r.registered_at)),
      datostempel: r.registered_at.toISOString()
    })),
    aktivitetOgDeltagelse: theme('aktivitet-og-deltagelse').map((r) => ({
      undertemaAktivitetOgDeltagelse: catalogs.coded('aktivitet-og-deltagelse', r.undertema, at(r.registered_at)),
      funktionsevneniveau: catalogs.leveled('funktionsevneniveau', r.funktionsevneniveau ?? '', at(r.registered_at)),
      datostempel: r.registered_at.toISOString()
    })),
    stoettebehov: (rows.stoettebehovOf.get(decision.id) ?? []).map((s) => ({
      stoettebehovsvurdering: catalogs.leveled('stoettebehov', s.code, at(s.registered_at)),
      sagsafgoerelsesId: decision.sagsafgoerelses_id,
      datostempelForStoettebehovsvurdering: s.registered_at.toISOString()
    })),
    indsatsmaal: (rows.goalsOf.get(decision.id) ?? []).map((g) => ({
      primaertUndertemaPaaAktivitetOgDeltagelse: catalogs.coded('aktivitet-og-deltagelse', g.primaert_undertema, at(g.registered_at)),
      maaltype: catalogs.coded('maaltype', g.maaltype, at(g.registered_at)),
      forventetFunktionsevneniveau: catalogs.leveled('funktionsevneniveau', g.forventet_funktionsevneniveau, at(g.registered_at)),
      datostempelForRegistreringAfIndsatsmaal: g.registered_at.toISOString(),
      opfoelgningsdato: g.opfoelgningsdato,
      andreRelateredeUndertemaerPaaAktivitetOgDeltagelse: g.relaterede_undertemaer.map((code) => catalogs.coded('aktivitet-og-deltagelse', code, at(g.registered_at)))
    })),
    maalgruppe: {
      primaerMaalgruppe: catalogs.coded('maalgrupper', decision.primaer_maalgruppe, at(decision.maalgrupper_registered_at)),
      oevrigeMaalgrupper: decision.oevrige_maalgrupper.map((code) => catalogs.coded('maalgrupper', code, at(decision.maalgrupper_registered_at))),
      datostempelForRegistreringAfMaalgrupper: decision.maalgrupper_registered_at.toISOString(),
      sagsafgoerelsesId: decision.sagsafgoerelses_id
    },
    socialIndsats: (rows.interventionsOf.get(decision.id) ?? []).map((i) => socialIndsats(catalogs, decision, i, rows.ydelserOf.get(i.id) ?? [])),
    indberetningsklar: false,
    mangler: [],
    changedAt: new Date(Math.max(decision.changed_at.getTime(), found.changed_at.getTime())).toISOString()
  }
  doc.mangler = missing(doc, maalgruppeGaps(catalogs, decision, found.diagnoser.length > 0))
  doc.indberetningsklar = doc.mangler.length === 0
  return doc
}

type YdelseRow = Pick<Selectable<InterventionYdelserTable>, 'code' | 'startdato' | 'slutdato' | 'registered_at'>

/** One intervention of the decision: its ydelser, its provider, and the DST codes it derives. */
function socialIndsats (catalogs: Catalogs, decision: DecisionRow, i: Selectable<InterventionsTable>, ydelser: YdelseRow[]): UddataDocument['socialIndsats'][number] {
  const items = ydelser.map((y) => {
    const entry = catalogs.entry('ydelser', y.code, at(y.registered_at))?.entry
    return {
      ydelse: { code: y.code, label: entry?.label ?? null },
      legalBasis: entry?.legalBasis ?? null,
      startDatoForYdelse: y.startdato,
      slutDatoForYdelse: y.slutdato,
      datostempelForRegistreringAfYdelse: y.registered_at.toISOString()
    }
  })
  return {
    ydelser: items,
    udfoerendeTilbudstype: catalogs.coded('tilbud', i.tilbud, at(i.tilbud_registered_at)),
    datostempelForRegistreringAfUdfoerendeTilbud: i.tilbud_registered_at.toISOString(),
    produktionsenhedsnummer: i.p_nummer,
    cvrNr: i.cvr,
    produktionsEnhedsNavn: i.navn,
    produktionsEnhedsAdresse: i.adresse,
    produktionsEnhedsPostnummer: i.postnummer,
    sagsafgoerelsesId: decision.sagsafgoerelses_id,
    datostempelForBevillingsdato: i.bevillingsdato,
    dst: deriveDst(catalogs, i.tilbud, items.map((y) => y.legalBasis), i.bevillingsdato)
  }
}

/** The målgruppe rule, checked again at export: diagnoser may have been recorded on the case after the decision. */
function maalgruppeGaps (catalogs: Catalogs, decision: DecisionRow, hasDiagnosis: boolean): UddataDocument['mangler'] {
  const day = dayInDenmark(decision.maalgrupper_registered_at)
  return [decision.primaer_maalgruppe, ...decision.oevrige_maalgrupper].flatMap((code) => {
    const entry = catalogs.entry('maalgrupper', code, day)?.entry
    const mismatch = entry === undefined ? undefined : maalgruppeMismatch(catalogs, entry, day, hasDiagnosis)
    return mismatch === undefined ? [] : [{ rule: 'maalgruppe', message: mismatch }]
  })
}

/** The reporting rules in force (DST 2025), each one a line in `mangler` when it is not met. */
function missing (doc: UddataDocument, maalgruppe: UddataDocument['mangler']): UddataDocument['mangler'] {
  const gaps: UddataDocument['mangler'] = [...maalgruppe]
  const gap = (rule: string, message: string): void => { gaps.push({ rule, message }) }
  if (cprBirthDate(doc.stamdata.cprNr) === undefined) gap('cpr', 'the CPR number is not valid (its date part is no real date)')
  if (doc.funktionerOgForhold.length === 0) gap('funktioner-og-forhold', 'at least one Funktioner og forhold sub-theme with a date is required')
  if (!doc.aktivitetOgDeltagelse.some((r) => r.funktionsevneniveau.level !== null)) {
    gap('aktivitet-og-deltagelse', 'at least one Aktivitet og deltagelse sub-theme with a level (not "ikke vurderet") and a date is required')
  }
  if (!doc.stoettebehov.some((s) => s.stoettebehovsvurdering.level !== null)) {
    gap('stoettebehov', 'at least one assessed støttebehov (not "ikke vurderet") with a date is required')
  }
  // Coded values are references in the schema, so TypeBox types them unknown.
  const code = (value: unknown): string => (value as { code: string }).code
  const investigated = new Set(doc.aktivitetOgDeltagelse.map((r) => code(r.undertemaAktivitetOgDeltagelse)))
  if (!doc.indsatsmaal.some((g) => investigated.has(code(g.primaertUndertemaPaaAktivitetOgDeltagelse)))) {
    gap('maaltype', 'at least one goal (måltype) tied to an A&D sub-theme worked on is required')
  }
  if (doc.socialIndsats.length === 0) gap('social-indsats', 'no social intervention is granted on the decision yet')
  doc.socialIndsats.forEach((indsats, i) => {
    const byCvr = [indsats.cvrNr, indsats.produktionsEnhedsNavn, indsats.produktionsEnhedsAdresse, indsats.produktionsEnhedsPostnummer].every((v) => v !== null)
    if (indsats.produktionsenhedsnummer === null && !byCvr) {
      gap('leverandoer', `intervention ${i + 1}: the provider needs a P-nummer, or CVR with name, address and postnummer`)
    }
  })
  return gaps
}
