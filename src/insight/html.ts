import type { Catalogs } from '../catalogs/catalogs.js'
import { dayInDenmark } from '../catalogs/catalogs.js'
import { THEMES } from '../investigation/schemas.js'
import type { InsightReport, Versions } from './schemas.js'
import { label, RESOURCE_TEXT, text } from './words.js'

/**
 * The insight answer as a document a caseworker can hand to the citizen:
 * Danish headings, one section per kind of record, readable dates, each
 * code with its catalog label, the access log as a table. Every text is
 * escaped: free text is what people typed, and may be anything.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\'': '&#39;' }
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => ESCAPES[c]!)

const INSTANT = new Intl.DateTimeFormat('da-DK', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Copenhagen' })
const DAY = new Intl.DateTimeFormat('da-DK', { dateStyle: 'long', timeZone: 'UTC' })
const instant = (iso: string): string => escapeHtml(INSTANT.format(new Date(iso)))
const day = (date: string | null): string => date === null ? '—' : escapeHtml(DAY.format(new Date(`${date}T12:00:00Z`)))
const free = (value: string | null | undefined): string => value == null || value === '' ? '—' : `<span class="text">${escapeHtml(value)}</span>`
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null
const isString = (value: unknown): value is string => typeof value === 'string'

/** The label of a code as an answer gives it (`{ code, label }`), else its code. */
const labelOf = (value: unknown): string =>
  isRecord(value) && isString(value.label) ? value.label : isRecord(value) && isString(value.code) ? value.code : '—'

/** A code as an answer gives it — `{ code, label, level? }` — with its label, its code beside it, and its level if it has one. */
const coded = (value: unknown): string => {
  if (!isRecord(value) || !isString(value.code)) return '—'
  const level = typeof value.level === 'number' ? ` — niveau ${value.level}` : ''
  return `${escapeHtml(isString(value.label) ? value.label : 'ukendt kode')}${level} <span class="code">(${escapeHtml(value.code)})</span>`
}
const codes = (list: unknown[]): string => list.length === 0 ? '—' : list.map(coded).join(', ')

/** A record's fields as a definition list; undefined fields are left out. */
const fields = (rows: Array<[string, string | undefined]>): string =>
  `<dl>${rows.filter((row): row is [string, string] => row[1] !== undefined).map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${value}</dd>`).join('')}</dl>`

/** The `annulment` marker of a record (when, why, the caseworker's comment), or nothing. */
const annulled = (marker: unknown): string => !isRecord(marker) || !isString(marker.annulledAt) || !isString(marker.reason)
  ? ''
  : `<p class="annulled"><strong>Annulleret</strong> ${instant(marker.annulledAt)}: ${escapeHtml(label('annulment', marker.reason))}` +
    `${isString(marker.comment) ? ` — ${free(marker.comment)}` : ''}</p>`

const record = (title: string, marker: unknown, body: string): string =>
  `<article class="record${annulled(marker) === '' ? '' : ' is-annulled'}"><h3>${title}</h3>${annulled(marker)}${body}</article>`

const section = (id: string, title: string, items: string[]): string =>
  `<section id="${id}"><h2>${escapeHtml(title)}</h2>${items.length === 0 ? '<p class="empty">Intet registreret.</p>' : items.join('')}</section>`

export interface HtmlContext {
  catalogs: Catalogs
}

/** How the document names what records point at, and renders a record's versions. */
interface Names {
  ofCase: (id: string) => string
  goalName: Map<string, string>
  decisionName: Map<string, string>
  /** A record's versions, under a heading of their own (default: the record's corrections). */
  versions: (list: Versions, title?: string) => string
}

export function insightHtml (report: InsightReport, { catalogs }: HtmlContext): string {
  const clientName = new Map(report.accessLog.map((a) => [a.clientId, a.clientName]))
  const caseName = new Map(report.cases.map((c) => [c.id, `${c.sagsnummer === null ? 'Sag' : `Sag ${c.sagsnummer}`} i kommune ${c.kommunekode}`]))
  const names: Names = {
    ofCase: (id) => escapeHtml(caseName.get(id) ?? id),
    goalName: new Map(report.goals.map(({ goal }) => [goal.id, goal.maalformulering])),
    decisionName: new Map(report.decisions.map(({ decision }) => [decision.id, decision.sagsafgoerelsesId])),
    versions: (list, title) => versionTable(list, catalogs, clientName, title)
  }
  const cpr = `${report.cpr.slice(0, 6)}-${report.cpr.slice(6)}`
  const covered = report.municipalities === 'all' ? 'alle kommuner' : `kommune ${report.municipalities.join(', ')}`
  const parts = [caseSections, courseSections, deliverySections, accessSection].flatMap((sections) => sections(report, names))
  return '<!doctype html>\n<html lang="da"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>Indsigt i oplysninger om dig</title><style>${STYLE}</style></head><body>` +
    '<header><h1>Indsigt i oplysninger om dig</h1>' +
    `<p>Svar på din anmodning om indsigt (databeskyttelsesforordningens artikel 15). CPR-nummer: <strong>${escapeHtml(cpr)}</strong>. ` +
    `Udskrevet ${instant(report.generatedAt)}. Omfatter oplysninger i ${escapeHtml(covered)}.</p>` +
    `<p>${escapeHtml(text.intro)}</p></header><main>${parts.join('')}</main></body></html>\n`
}

/** The case, its assessment and its investigation. */
function caseSections (report: InsightReport, n: Names): string[] {
  const { ofCase, versions } = n
  return [
    section('sager', 'Sager', report.cases.map((c) => record(ofCase(c.id), undefined, fields([
      ['Kommune', escapeHtml(c.kommunekode)],
      ['Sagsnummer', free(c.sagsnummer)],
      ['Åbnet', instant(c.openedAt)],
      ['Borgerens ønsker', free(c.borgerensOensker)],
      ['Diagnoser', c.diagnoser.length === 0 ? '—' : c.diagnoser.map(free).join(', ')]
    ])))),
    section('vurdering', 'Vurdering', report.assessments.map((a) => record(`Vurdering på ${ofCase(a.caseId)}`, a.annulment, fields([
      ['Samlet vurdering', free(a.samletVurdering)],
      ['Indsatsformål', free(a.indsatsformaal)],
      ['Senest ændret', instant(a.updatedAt)]
    ])))),
    section('udredning', 'Udredning', report.registrations.map(({ registration: r, versions: v }) =>
      record(`${escapeHtml(THEMES.find((t) => t.id === r.theme)?.title ?? r.theme)}: ${escapeHtml(labelOf(r.undertema))}`, r.annulment, fields([
        ['Sag', ofCase(r.caseId)],
        ['Overtema', r.overtema === null ? undefined : coded(r.overtema)],
        ['Undertema', coded(r.undertema)],
        ['Funktionsevneniveau', r.funktionsevneniveau === null ? undefined : coded(r.funktionsevneniveau)],
        ['Oplysninger fra borgeren', free(r.oplysningerFraBorgeren)],
        ['Oplysninger fra andre', free(r.oplysningerFraAndre)],
        ['Sagsbehandlers bemærkninger', free(r.sagsbehandlersBemaerkninger)],
        ['Registreret', instant(r.registeredAt)]
      ]) + versions(v))))
  ]
}

/** Goals, decisions, støttebehov, interventions and their ydelser. */
function courseSections (report: InsightReport, n: Names): string[] {
  const { ofCase, versions } = n
  return [
    section('indsatsmaal', 'Indsatsmål', report.goals.map(({ goal: g, versions: v }) => record(escapeHtml(g.maalformulering), g.annulment, fields([
      ['Sag', ofCase(g.caseId)],
      ['Måltype', coded(g.maaltype)],
      ['Primært undertema', coded(g.primaertUndertema)],
      ['Aktuelt funktionsevneniveau', coded(g.aktueltFunktionsevneniveau)],
      ['Forventet funktionsevneniveau', coded(g.forventetFunktionsevneniveau)],
      ['Relaterede undertemaer', codes(g.relateredeUndertemaer)],
      ['Opfølgningsdato', day(g.opfoelgningsdato)],
      ['Ansvarlig for opfølgning', free(g.ansvarligForOpfoelgning)],
      ['Registreret', instant(g.registeredAt)]
    ]) + versions(v)))),
    section('afgoerelser', 'Afgørelser', report.decisions.map(({ decision: d, versions: v }) =>
      record(`Afgørelse ${escapeHtml(d.sagsafgoerelsesId)}`, d.annulment, fields([
        ['Sag', ofCase(d.caseId)],
        ['Afgørelsesdato', day(d.afgoerelsesdato)],
        ['Opfølgningsdato', day(d.opfoelgningsdato)],
        ['Primær målgruppe', coded(d.maalgrupper.primaer)],
        ['Øvrige målgrupper', codes(d.maalgrupper.oevrige)],
        ['Indsatsmål', d.goals.length === 0 ? '—' : d.goals.map((g) => free(isRecord(g) && isString(g.maalformulering) ? g.maalformulering : null)).join(', ')],
        ['Afsluttet', d.closedAt === null ? undefined : `${day(d.closedAt)}${d.closedReason === null ? '' : ` (${free(d.closedReason)})`}`]
      ]) + versions(v)))),
    section('stoettebehov', 'Støttebehov', report.stoettebehov.map((s) => record(coded(s), s.annulment, fields([
      ['Afgørelse', escapeHtml(n.decisionName.get(s.decisionId) ?? s.decisionId)],
      ['Fastsat ved', s.followUpId === null ? 'afgørelsen' : 'opfølgning'],
      ['Begrundelse', free(s.begrundelse)],
      ['Registreret', instant(s.registeredAt)]
    ])))),
    section('indsatser', 'Indsatser og ydelser', report.interventions.map(({ intervention: i, ydelseVersions }) => {
      const leverandoer = [i.leverandoer.navn, i.leverandoer.adresse, i.leverandoer.postnummer].filter((v) => v !== null).map((v) => free(v))
      const ydelser = i.ydelser.map((y) => `<tr${annulled(y.annulment) === '' ? '' : ' class="is-annulled"'}><td>${coded(y)}${annulled(y.annulment)}</td>` +
        `<td>${day(y.startdato)}</td><td>${day(y.slutdato)}</td><td>${escapeHtml(label('period', y.status))}</td></tr>`)
      const corrections = i.ydelser.map((y) => versions(ydelseVersions.find((v) => v.ydelseId === y.id)?.versions ?? [], `Ændringer af ydelsen ${labelOf(y)}`))
      return record(`Tilbud: ${escapeHtml(labelOf(i.tilbud))}`, i.annulment, fields([
        ['Afgørelse', escapeHtml(n.decisionName.get(i.decisionId) ?? i.decisionId)],
        ['Tilbud', coded(i.tilbud)],
        ['Leverandør', [...leverandoer, ...(i.leverandoer.pNummer === null ? [] : [`P-nummer ${escapeHtml(i.leverandoer.pNummer)}`]),
          ...(i.leverandoer.cvr === null ? [] : [`CVR ${escapeHtml(i.leverandoer.cvr)}`])].join(', ')],
        ['Bevillingsdato', day(i.bevillingsdato)],
        ['Slutdato', day(i.slutdato)],
        ['Status', escapeHtml(label('period', i.status))]
      ]) + '<table class="ydelser"><thead><tr><th>Ydelse</th><th>Start</th><th>Slut</th><th>Status</th></tr></thead>' +
        `<tbody>${ydelser.join('')}</tbody></table>${corrections.join('')}`)
    }))
  ]
}

/** Delmål, notes and follow-ups. */
function deliverySections (report: InsightReport, n: Names): string[] {
  const { ofCase, versions } = n
  return [
    section('delmaal', 'Delmål', report.delmaal.map((m) => record(free(m.tekst), m.annulment, fields([
      ['Indsatsmål', free(n.goalName.get(m.goalId) ?? m.goalId)],
      ['Startdato', day(m.startdato)],
      ['Måldato', day(m.maaldato)],
      ['Status', escapeHtml(label('delmaal', m.status))]
    ])))),
    section('notater', 'Notater', report.notes.map((n) => record(`Notat ${instant(n.tidspunkt)}`, n.annulment, fields([
      ['Sag', ofCase(n.caseId)],
      ['Skrevet af', escapeHtml(label('author', n.forfatterrolle))],
      ['Tekst', free(n.tekst)],
      ['Emner', n.tags.length === 0 ? undefined : codes(n.tags)]
    ])))),
    section('opfoelgninger', 'Opfølgninger', report.followUps.map(({ followUp: f, versions: v }) => record(`Opfølgning ${day(f.opfoelgningsdato)}`, f.annulment, fields([
      ['Afgørelse', escapeHtml(n.decisionName.get(f.decisionId) ?? f.decisionId)],
      ['Status på indsats', coded(f.statusPaaIndsats)],
      ['Støttebehov', `${coded(f.stoettebehov)}: ${free(f.stoettebehov.begrundelse)}`],
      ['Næste opfølgningsdato', day(f.naesteOpfoelgningsdato)],
      ['Registreret', instant(f.registeredAt)],
      ...f.maal.map((m): [string, string] => [`Mål: ${n.goalName.get(m.goalId) ?? m.goalId}`, fields([
        ['Funktionsevneniveau', coded(m.funktionsevneniveau)],
        ['Borgerens vurdering', free(m.borgerensVurdering)],
        ['Udførers vurdering', free(m.udfoerersVurdering)],
        ['Sagsbehandlers vurdering', free(m.sagsbehandlersVurdering)],
        ['Mål opnået', m.maalOpnaaet ? 'Ja' : 'Nej']
      ])])
    ]) + versions(v))))
  ]
}

/** The access log, as a table. */
function accessSection (report: InsightReport): string[] {
  return [
    `<section id="adgangslog"><h2>Hvem har set eller ændret oplysningerne</h2>${report.accessLog.length === 0
      ? '<p class="empty">Ingen adgang registreret.</p>'
      : `<table class="log"><thead><tr><th>Tidspunkt</th><th>Klient (system)</th><th>Handling</th><th>Oplysning</th><th>Kommune</th><th>Udfald</th></tr></thead><tbody>${
        report.accessLog.map((a) => `<tr><td>${instant(a.at)}</td><td>${free(a.clientName ?? a.clientId)}</td><td>${escapeHtml(label('action', a.action))}</td>` +
          `<td>${escapeHtml(RESOURCE_TEXT[a.resourceType] ?? a.resourceType)}${a.resourceId === null ? '' : ` <span class="code">(${escapeHtml(a.resourceId)})</span>`}</td>` +
          `<td>${escapeHtml(a.kommunekode ?? '—')}</td><td>${escapeHtml(label('outcome', a.outcome))}</td></tr>`).join('')}</tbody></table>`}</section>`
  ]
}

/** A record's versions as a table: when, by which system, why, and what it said (codes with their labels). */
function versionTable (list: Versions, catalogs: Catalogs, clientName: Map<string, string | null>, title = 'Rettelser'): string {
  if (list.length <= 1) return ''
  const rows = list.map((v) => `<tr><td>${v.version}</td><td>${instant(v.recordedAt)}</td>` +
    `<td>${v.clientId === null ? '—' : free(clientName.get(v.clientId) ?? v.clientId)}</td><td>${free(v.reason)}</td>` +
    `<td>${value(v.data, catalogs, dayInDenmark(new Date(v.recordedAt)))}</td></tr>`)
  return `<div class="versions"><h4>${escapeHtml(title)} (${list.length} versioner)</h4><table><thead><tr><th>Version</th><th>Tidspunkt</th>` +
    `<th>Skrevet af</th><th>Årsag</th><th>Indhold</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A version's stored value, readable: dates and instants in Danish, a code with its label, nested fields as lists. */
function value (v: unknown, catalogs: Catalogs, on: string): string {
  if (v === null || v === undefined) return '—'
  if (typeof v === 'boolean') return v ? 'Ja' : 'Nej'
  if (typeof v === 'number') return String(v)
  if (typeof v === 'string') {
    if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return day(v)
    if (/^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v))) return instant(v)
    if (UUID.test(v)) return codeWithLabel(v, catalogs, on)
    return free(v)
  }
  if (Array.isArray(v)) return v.length === 0 ? '—' : `<ul>${v.map((item) => `<li>${value(item, catalogs, on)}</li>`).join('')}</ul>`
  if (typeof v === 'object') {
    return fields(Object.entries(v as Record<string, unknown>).map(([name, inner]) => [label('field', name), value(inner, catalogs, on)]))
  }
  return '—'
}

/** A code of any FFB list with its label on the day (FFB codes are UUIDs, unique across the lists); another id as it is. */
function codeWithLabel (code: string, catalogs: Catalogs, on: string): string {
  for (const list of catalogs.lists.keys()) {
    const found = catalogs.entry(list, code, on)
    if (found !== undefined) return coded({ code, label: found.entry.label })
  }
  return `<span class="code">${escapeHtml(code)}</span>`
}

const STYLE = 'body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111;line-height:1.4}' +
  'h2{border-bottom:2px solid #444;margin-top:2.5rem}h3{margin:.2rem 0}.record{border:1px solid #ccc;border-radius:4px;padding:.6rem 1rem;margin:.8rem 0}' +
  '.is-annulled{background:#f6f6f6;color:#555}.annulled{color:#8a1c1c}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.4rem 0}' +
  'dt{font-weight:600}dd{margin:0}.code{color:#666;font-size:.8em}.text{white-space:pre-wrap}table{border-collapse:collapse;width:100%;margin:.4rem 0}' +
  'th,td{border:1px solid #ccc;padding:.2rem .4rem;text-align:left;vertical-align:top}.empty{color:#666}h4{margin:.6rem 0 .2rem}'
