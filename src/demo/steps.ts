import { at, type DemoApi } from './api.js'

/**
 * The VUM steps the demo takes, each one API call with a payload a
 * caseworker's system would send. Codes are passed in by the caller, who
 * takes them from the catalogs (codes.ts).
 */

export interface GoalInput {
  undertema: string
  maaltype: string
  forventet: string
  maalformulering: string
  opfoelgningsdato: string
}

export async function goal (api: DemoApi, caseUrl: string, day: string, input: GoalInput): Promise<string> {
  return (await api.create('goals (indsatsmål)', `${caseUrl}/goals`, {
    maalformulering: input.maalformulering,
    maaltype: input.maaltype,
    primaertUndertema: input.undertema,
    forventetFunktionsevneniveau: input.forventet,
    opfoelgningsdato: input.opfoelgningsdato,
    ansvarligForOpfoelgning: 'Myndighedsrådgiver, Socialafdelingen',
    registeredAt: at(day, '11:00')
  })).id
}

export interface DecisionInput {
  goals: string[]
  stoettebehov: string
  begrundelse: string
  primaer: string
  oevrige?: string[]
  sagsafgoerelsesId?: string
}

export async function decision (api: DemoApi, caseUrl: string, day: string, input: DecisionInput): Promise<string> {
  return (await api.create('decisions (sagsafgørelser)', `${caseUrl}/decisions`, {
    ...(input.sagsafgoerelsesId === undefined ? {} : { sagsafgoerelsesId: input.sagsafgoerelsesId }),
    afgoerelsesdato: day,
    goals: input.goals,
    stoettebehov: { code: input.stoettebehov, begrundelse: input.begrundelse, registeredAt: at(day, '12:00') },
    maalgrupper: { primaer: input.primaer, oevrige: input.oevrige ?? [], registeredAt: at(day, '12:00') }
  })).id
}

export async function intervention (api: DemoApi, decisionId: string, day: string, tilbud: string, ydelser: string[], pNummer: string): Promise<void> {
  await api.create('interventions (social indsats)', `/v1/decisions/${decisionId}/interventions`, {
    tilbud: { code: tilbud, registeredAt: at(day, '12:30') },
    ydelser: ydelser.map((code) => ({ code, startdato: day, registeredAt: at(day, '12:30') })),
    leverandoer: { pNummer },
    bevillingsdato: day
  })
}

export interface FollowUpInput {
  /** Each goal of the decision with its new funktionsevneniveau and whether it was reached. */
  maal: Array<{ goalId: string, funktionsevneniveau: string, maalOpnaaet: boolean }>
  stoettebehov: string
  begrundelse: string
  status: string
  /** Required with "fortsættelse". */
  naesteOpfoelgningsdato?: string
}

export async function followUp (api: DemoApi, decisionId: string, day: string, input: FollowUpInput): Promise<void> {
  await api.create('follow-ups (opfølgninger)', `/v1/decisions/${decisionId}/follow-ups`, {
    registeredAt: at(day, '10:00'),
    maal: input.maal.map((m) => ({
      ...m,
      borgerensVurdering: m.maalOpnaaet ? 'Det går godt, jeg klarer mere selv' : 'Det er stadig svært',
      udfoerersVurdering: m.maalOpnaaet ? 'Stabil fremgang i perioden' : 'Behov for fortsat støtte',
      sagsbehandlersVurdering: m.maalOpnaaet ? 'Målet er nået' : 'Målet er ikke nået endnu'
    })),
    stoettebehov: { code: input.stoettebehov, begrundelse: input.begrundelse },
    statusPaaIndsats: input.status,
    ...(input.naesteOpfoelgningsdato === undefined ? {} : { naesteOpfoelgningsdato: input.naesteOpfoelgningsdato })
  })
}
