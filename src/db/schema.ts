import type { ColumnType, Generated } from 'kysely'

/** Row types of every table, as Kysely sees them. API types live with their routes. */
export interface DB {
  schema_migrations: SchemaMigrationsTable
  api_clients: ApiClientsTable
  api_tokens: ApiTokensTable
  audit_log: AuditLogTable
  audit_pending: AuditPendingTable
  audit_chain: AuditChainTable
  cases: CasesTable
  theme_registrations: ThemeRegistrationsTable
  idempotency_keys: IdempotencyKeysTable
  assessments: AssessmentsTable
  goals: GoalsTable
  decisions: DecisionsTable
  decision_goals: DecisionGoalsTable
  stoettebehov: StoettebehovTable
  interventions: InterventionsTable
  intervention_ydelser: InterventionYdelserTable
  delmaal: DelmaalTable
  notes: NotesTable
  follow_ups: FollowUpsTable
  follow_up_goals: FollowUpGoalsTable
  record_versions: RecordVersionsTable
  retention_policy: RetentionPolicyTable
}

export interface SchemaMigrationsTable {
  version: number
  name: string
  checksum: string
  applied_at: Generated<Date>
}

export interface ApiClientsTable {
  id: string
  name: string
  municipalities: ColumnType<string[], string[] | undefined, string[]>
  all_municipalities: ColumnType<boolean, boolean | undefined, boolean>
  scopes: string[]
  created_at: Generated<Date>
  revoked_at: Date | null
}

export interface ApiTokensTable {
  id: string
  client_id: string
  token_hash: string
  prefix: string
  created_at: Generated<Date>
  revoked_at: Date | null
  /** When the token stops working; null: never. */
  expires_at: Date | null
  /** When the token last authenticated a request, to the minute (written at most once a minute). */
  last_used_at: Date | null
}

export interface AuditLogTable {
  id: Generated<number>
  at: Generated<Date>
  client_id: string
  kommunekode: string | null
  action: string
  resource_type: string
  resource_id: string | null
  request_id: string
  outcome: string
  status: number
  /** JSON: what an export was asked for and how much it sent. */
  details: ColumnType<string | null, string | null | undefined, never>
}

/** Audit rows committed and not yet sealed into the chain (filled by a trigger on audit_log). */
export interface AuditPendingTable {
  audit_id: number
}

/** The audit trail's hash chain: one link per audit row, in order of sealing (audit/chain.ts). */
export interface AuditChainTable {
  seq: number
  audit_id: number
  hash: string
  sealed_at: Generated<Date>
}

export interface CasesTable {
  id: string
  seq: Generated<number>
  kommunekode: string
  /** The CPR number without hyphen; once anonymised, the citizen's pseudonym (`anon-` and 32 hex digits), never a CPR number. */
  cpr: string
  borgerens_oensker: string | null
  diagnoser: ColumnType<string[], string[] | undefined, string[]>
  /** The municipality's own case number; unique per municipality. */
  sagsnummer: ColumnType<string | null, string | null | undefined, string | null>
  /** When the sagsnummer was set or changed after the case was opened; null: as opened. */
  sagsnummer_changed_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  opened_at: Date
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: Generated<Date>
  changed_at: Generated<Date>
  /** When the retention run anonymised the case (migration 0017); null: it was not. */
  anonymised_at: ColumnType<Date | null, Date | null | undefined, Date | null>
}

export interface ThemeRegistrationsTable extends AnnulledColumns {
  id: string
  seq: Generated<number>
  case_id: string
  kommunekode: string
  theme: string
  undertema: string
  funktionsevneniveau: string | null
  oplysninger_fra_borgeren: string | null
  oplysninger_fra_andre: string | null
  sagsbehandlers_bemaerkninger: string | null
  registered_at: Date
  catalog_version: string
  created_at: Generated<Date>
  follow_up_id: ColumnType<string | null, string | null | undefined, string | null>
  version: Generated<number>
  changed_at: Generated<Date>
}

export interface IdempotencyKeysTable {
  client_id: string
  key: string
  fingerprint: string
  status: number
  headers: string
  body: string
  resource_id: string | null
  kommunekode: string | null
  created_at: Generated<Date>
  expires_at: Date
}

export interface AssessmentsTable extends AnnulledColumns {
  case_id: string
  kommunekode: string
  samlet_vurdering: string | null
  indsatsformaal: string | null
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface GoalsTable extends AnnulledColumns {
  id: string
  seq: Generated<number>
  case_id: string
  kommunekode: string
  maalformulering: string
  maaltype: string
  primaert_undertema: string
  aktuel_registration_id: string
  forventet_funktionsevneniveau: string
  /** YYYY-MM-DD */
  opfoelgningsdato: string
  ansvarlig_for_opfoelgning: string
  relaterede_undertemaer: ColumnType<string[], string[] | undefined, string[]>
  registered_at: Date
  catalog_version: string
  created_at: Generated<Date>
  version: Generated<number>
  changed_at: Generated<Date>
}

export interface DecisionsTable extends AnnulledColumns {
  id: string
  seq: Generated<number>
  case_id: string
  kommunekode: string
  sagsafgoerelses_id: string
  /** YYYY-MM-DD */
  afgoerelsesdato: string
  /** YYYY-MM-DD: the follow-up agreed for the decision's course itself, if any. */
  opfoelgningsdato: ColumnType<string | null, string | null | undefined, string | null>
  primaer_maalgruppe: string
  oevrige_maalgrupper: ColumnType<string[], string[] | undefined, string[]>
  maalgrupper_registered_at: Date
  catalog_version: string
  closed_at: ColumnType<string | null, string | null | undefined, string | null>
  /** Why it ended (ophør): the follow-up's status, or the reason given. */
  closed_reason: ColumnType<string | null, string | null | undefined, string | null>
  closed_recorded_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  version: Generated<number>
  new_decision_expected: Generated<boolean>
  created_at: Generated<Date>
  changed_at: Generated<Date>
}

export interface DecisionGoalsTable {
  decision_id: string
  goal_id: string
  position: number
}

export interface StoettebehovTable extends AnnulledColumns {
  id: string
  seq: Generated<number>
  decision_id: string
  kommunekode: string
  code: string
  begrundelse: string
  registered_at: Date
  created_at: Generated<Date>
  follow_up_id: ColumnType<string | null, string | null | undefined, string | null>
}

export interface InterventionsTable extends AnnulledColumns {
  id: string
  seq: Generated<number>
  decision_id: string
  kommunekode: string
  tilbud: string
  tilbud_registered_at: Date
  p_nummer: string | null
  cvr: string | null
  navn: string | null
  adresse: string | null
  postnummer: string | null
  /** YYYY-MM-DD */
  bevillingsdato: string
  catalog_version: string
  created_at: Generated<Date>
  version: Generated<number>
  /** YYYY-MM-DD: the day the whole intervention ended (its ydelser end then at the latest). */
  slutdato: ColumnType<string | null, string | null | undefined, string | null>
  /** A change of provider: the intervention this one continues from the next day. */
  continues_intervention_id: ColumnType<string | null, string | null | undefined, never>
  ended_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  ended_reason: ColumnType<string | null, string | null | undefined, string | null>
  changed_at: Generated<Date>
}

export interface InterventionYdelserTable extends AnnulledColumns {
  id: string
  seq: Generated<number>
  intervention_id: string
  kommunekode: string
  code: string
  startdato: string
  slutdato: string | null
  registered_at: Date
  created_at: Generated<Date>
  version: Generated<number>
  changed_at: Generated<Date>
}

export interface DelmaalTable extends AnnulledColumns {
  id: string
  seq: Generated<number>
  case_id: string
  goal_id: string
  kommunekode: string
  tekst: string
  startdato: string
  maaldato: string | null
  status: string
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface NotesTable extends AnnulledColumns {
  id: string
  seq: Generated<number>
  case_id: string
  kommunekode: string
  tekst: string
  tidspunkt: Date
  forfatterrolle: string
  delmaal_id: string | null
  tags: ColumnType<string[], string[] | undefined, string[]>
  created_at: Generated<Date>
  version: Generated<number>
  changed_at: Generated<Date>
}

export interface FollowUpsTable extends AnnulledColumns {
  id: string
  seq: Generated<number>
  decision_id: string
  case_id: string
  kommunekode: string
  opfoelgningsdato: string
  registered_at: Date
  status_paa_indsats: string
  naeste_opfoelgningsdato: ColumnType<string | null, string | null | undefined, string | null>
  created_at: Generated<Date>
  version: Generated<number>
  changed_at: Generated<Date>
}

export interface FollowUpGoalsTable {
  follow_up_id: string
  goal_id: string
  kommunekode: string
  registration_id: string
  borgerens_vurdering: string | null
  udfoerers_vurdering: string | null
  sagsbehandlers_vurdering: string | null
  maal_opnaaet: boolean
  position: number
}

export interface RecordVersionsTable {
  resource_type: string
  resource_id: string
  version: number
  kommunekode: string
  /** The record's own fields as written (JSON); rewritten only by the retention run, which removes its free texts. */
  data: ColumnType<unknown, string, string>
  client_id: string | null
  recorded_at: ColumnType<Date, Date | undefined, never>
  reason: string | null
}

/** A record annulled (entered in error) stays, marked: when, why (a reason code) and the caseworker's comment. */
export interface AnnulledColumns {
  annulled_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  annulled_reason: ColumnType<string | null, string | null | undefined, string | null>
  annulled_comment: ColumnType<string | null, string | null | undefined, string | null>
}

/** A municipality's retention period (migration 0017); without a row, RETENTION_YEARS. */
export interface RetentionPolicyTable {
  kommunekode: string
  years: number
  updated_at: Generated<Date>
}
