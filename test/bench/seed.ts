import type pg from 'pg'
import { loadCatalogs } from '../../src/catalogs/catalogs.js'

/**
 * The benchmarks' population, inserted by SQL: decisions whose citizens have
 * realistic block counts (2–5 F&F, 1–3 omgivelser, 2–6 A&D, 1–3 goals, 1–2
 * follow-ups, 1–2 interventions with 1–3 ydelser), all in municipality 101.
 */

const catalogs = await loadCatalogs()
const codes = (list: string, keep: (e: { selectable: boolean, topLevel?: boolean }) => boolean = (e) => e.selectable): string[] =>
  catalogs.versionAt(list, '2024-01-01')!.entries.filter(keep).map((e) => e.code)

// Every block of every citizen, made in SQL from the decision number g.
const SEED = `
INSERT INTO cases (id, kommunekode, cpr, opened_at)
  SELECT md5('c'||g)::uuid, '101', lpad((1 + g % 28)::text, 2, '0') || lpad((1 + g / 28 % 12)::text, 2, '0') || lpad((g / 336 % 100)::text, 2, '0') ||
    lpad((g / 33600)::text, 4, '0'), timestamptz '2024-01-01' + g * interval '1 second' FROM generate_series($1::int + 1, $2::int) g;
INSERT INTO theme_registrations (id, case_id, kommunekode, theme, undertema, funktionsevneniveau, registered_at, catalog_version)
  SELECT md5('ff'||g||'-'||k)::uuid, md5('c'||g)::uuid, '101', 'funktioner-og-forhold', ($3::text[])[1 + (g + k) % cardinality($3::text[])], NULL,
    timestamptz '2024-01-01' + g * interval '1 second', '20240530'
  FROM generate_series($1::int + 1, $2::int) g, generate_series(1, 2 + g % 4) k;
INSERT INTO theme_registrations (id, case_id, kommunekode, theme, undertema, funktionsevneniveau, registered_at, catalog_version)
  SELECT md5('om'||g||'-'||k)::uuid, md5('c'||g)::uuid, '101', 'omgivelsesfaktorer', ($4::text[])[1 + (g + k) % cardinality($4::text[])], NULL,
    timestamptz '2024-01-01' + g * interval '1 second', '20240530'
  FROM generate_series($1::int + 1, $2::int) g, generate_series(1, 1 + g % 3) k;
INSERT INTO theme_registrations (id, case_id, kommunekode, theme, undertema, funktionsevneniveau, registered_at, catalog_version)
  SELECT md5('ad'||g||'-'||k)::uuid, md5('c'||g)::uuid, '101', 'aktivitet-og-deltagelse', ($5::text[])[1 + (g + k) % cardinality($5::text[])],
    ($6::text[])[1 + (g + k) % cardinality($6::text[])], timestamptz '2024-01-01' + g * interval '1 second', '20240530'
  FROM generate_series($1::int + 1, $2::int) g, generate_series(1, 2 + g % 5) k;
INSERT INTO goals (id, case_id, kommunekode, maalformulering, maaltype, primaert_undertema, aktuel_registration_id, forventet_funktionsevneniveau,
    opfoelgningsdato, ansvarlig_for_opfoelgning, registered_at, catalog_version)
  SELECT md5('g'||g||'-'||k)::uuid, md5('c'||g)::uuid, '101', 'Mål nummer '||k, ($7::text[])[1 + k % 3],
    ($5::text[])[1 + (g + (1 + (k - 1) % (2 + g % 5))) % cardinality($5::text[])], md5('ad'||g||'-'||(1 + (k - 1) % (2 + g % 5)))::uuid,
    ($6::text[])[1 + k % cardinality($6::text[])], date '2024-06-01', 'Socialafdelingen', timestamptz '2024-01-01' + g * interval '1 second', '20240530'
  FROM generate_series($1::int + 1, $2::int) g, generate_series(1, 1 + g % 3) k;
INSERT INTO decisions (id, case_id, kommunekode, sagsafgoerelses_id, afgoerelsesdato, primaer_maalgruppe, maalgrupper_registered_at, catalog_version)
  SELECT md5('d'||g)::uuid, md5('c'||g)::uuid, '101', 'B-'||g, date '2024-01-02', ($9::text[])[1 + g % cardinality($9::text[])],
    timestamptz '2024-01-02' + g * interval '1 second', '20240530'
  FROM generate_series($1::int + 1, $2::int) g;
INSERT INTO decision_goals (decision_id, goal_id, position)
  SELECT md5('d'||g)::uuid, md5('g'||g||'-'||k)::uuid, k FROM generate_series($1::int + 1, $2::int) g, generate_series(1, 1 + g % 3) k;
INSERT INTO stoettebehov (id, decision_id, kommunekode, code, begrundelse, registered_at)
  SELECT md5('s'||g)::uuid, md5('d'||g)::uuid, '101', ($8::text[])[1 + g % cardinality($8::text[])], 'Vurderet ved afgørelsen',
    timestamptz '2024-01-02' + g * interval '1 second' FROM generate_series($1::int + 1, $2::int) g;
INSERT INTO follow_ups (id, decision_id, case_id, kommunekode, opfoelgningsdato, registered_at, status_paa_indsats)
  SELECT md5('f'||g||'-'||k)::uuid, md5('d'||g)::uuid, md5('c'||g)::uuid, '101', date '2024-06-01' + k * 30,
    timestamptz '2024-06-01' + k * interval '30 days', $10::text FROM generate_series($1::int + 1, $2::int) g, generate_series(1, 1 + g % 2) k;
INSERT INTO theme_registrations (id, case_id, kommunekode, theme, undertema, funktionsevneniveau, registered_at, catalog_version, follow_up_id)
  SELECT md5('fr'||g||'-'||k||'-'||j)::uuid, md5('c'||g)::uuid, '101', 'aktivitet-og-deltagelse', goal.primaert_undertema,
    ($6::text[])[1 + (g + j) % cardinality($6::text[])], timestamptz '2024-06-01' + k * interval '30 days', '20240530', md5('f'||g||'-'||k)::uuid
  FROM generate_series($1::int + 1, $2::int) g, generate_series(1, 1 + g % 2) k, generate_series(1, 1 + g % 3) j, goals goal
  WHERE goal.id = md5('g'||g||'-'||j)::uuid;
INSERT INTO follow_up_goals (follow_up_id, goal_id, kommunekode, registration_id, sagsbehandlers_vurdering, maal_opnaaet, position)
  SELECT md5('f'||g||'-'||k)::uuid, md5('g'||g||'-'||j)::uuid, '101', md5('fr'||g||'-'||k||'-'||j)::uuid, 'Fortsat arbejde', false, j
  FROM generate_series($1::int + 1, $2::int) g, generate_series(1, 1 + g % 2) k, generate_series(1, 1 + g % 3) j;
INSERT INTO stoettebehov (id, decision_id, kommunekode, code, begrundelse, registered_at, follow_up_id)
  SELECT md5('s'||g||'-'||k)::uuid, md5('d'||g)::uuid, '101', ($8::text[])[1 + (g + k) % cardinality($8::text[])], 'Vurderet ved opfølgning',
    timestamptz '2024-06-01' + k * interval '30 days', md5('f'||g||'-'||k)::uuid FROM generate_series($1::int + 1, $2::int) g, generate_series(1, 1 + g % 2) k;
INSERT INTO interventions (id, decision_id, kommunekode, tilbud, tilbud_registered_at, p_nummer, bevillingsdato, catalog_version)
  SELECT md5('i'||g||'-'||k)::uuid, md5('d'||g)::uuid, '101', ($11::text[])[1 + (g + k) % cardinality($11::text[])],
    timestamptz '2024-01-02' + g * interval '1 second', '1012345678', date '2024-01-02', '20240530'
  FROM generate_series($1::int + 1, $2::int) g, generate_series(1, 1 + g % 2) k;
INSERT INTO intervention_ydelser (id, intervention_id, kommunekode, code, startdato, registered_at)
  SELECT md5('y'||g||'-'||k||'-'||j)::uuid, md5('i'||g||'-'||k)::uuid, '101', ($12::text[])[1 + (g + k + j) % cardinality($12::text[])],
    date '2024-02-01', timestamptz '2024-01-02' + g * interval '1 second'
  FROM generate_series($1::int + 1, $2::int) g, generate_series(1, 1 + g % 2) k, generate_series(1, 1 + g % 3) j;
`

/** Seeds decisions `from + 1` to `to` (numbers), then ANALYZE. */
export async function seedDecisions (seeder: pg.Client, from: number, to: number): Promise<void> {
  const params = [
    codes('funktioner-og-forhold'), codes('omgivelsesfaktorer'), codes('aktivitet-og-deltagelse'), codes('funktionsevneniveau'),
    codes('maaltype'), codes('stoettebehov'), codes('maalgrupper', (e) => e.topLevel === true),
    '1e971d84-10a4-4ef8-a8b3-0daa4c7d088a', codes('tilbud'), codes('ydelser')
  ]
  // The statements share their parameters; pg sends one statement per query.
  for (const statement of SEED.split(';').map((s) => s.trim()).filter((s) => s !== '')) {
    const used = [...new Set([...statement.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])))].sort((a, b) => a - b)
    const values = [from, to, ...params]
    const renumbered = statement.replace(/\$(\d+)/g, (_, n: string) => `$${used.indexOf(Number(n)) + 1}`)
    await seeder.query(renumbered, used.map((n) => values[n - 1]))
  }
  await seeder.query('ANALYZE')
}
