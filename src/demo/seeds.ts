import { at, type DemoApi } from './api.js'
import { decision, followUp, goal, intervention } from './steps.js'

const STATUS = {
  fortsaettelse: 'Træf afgørelse om fortsættelse af indsats',
  visiterTilNy: 'Træf afgørelse om afslutning af indsats og visiter til ny',
  afslutning: 'Træf afgørelse om afslutning af indsats'
}

/**
 * The seeds' worked example: citizen X of municipality 101, investigated on
 * 1 January 2023 (økonomi: level 2, let støttebehov, § 85 støtte til
 * administration from a mobilt tilbud) and followed up on 1 June 2023,
 * when the goal is reached and the intervention ends.
 */
export async function citizenX (api: DemoApi): Promise<void> {
  const c = api.codes
  const day = '2023-01-01'
  const caseUrl = (await api.create('cases', '/v1/cases', {
    kommunekode: '101',
    cpr: '0101904321',
    sagsnummer: 'SAG-2023-000001',
    openedAt: at(day, '09:00'),
    borgerensOensker: 'Jeg vil selv kunne betale mine regninger'
  })).location
  for (const label of ['Organisering og planlægning', 'Økonomisk situation']) await api.register(caseUrl, 'funktioner-og-forhold', c.code('funktioner-og-forhold', label), at(day, '10:00'))
  await api.register(caseUrl, 'omgivelsesfaktorer', c.code('omgivelsesfaktorer', 'Personer i netværk'), at(day, '10:00'))
  const oekonomi = c.code('aktivitet-og-deltagelse', 'Varetage økonomi')
  await api.register(caseUrl, 'aktivitet-og-deltagelse', oekonomi, at(day, '10:00'), c.level('funktionsevneniveau', 2))
  const goalId = await goal(api, caseUrl, day, {
    undertema: oekonomi,
    maaltype: c.code('maaltype', 'Udvikle funktionsevne'),
    forventet: c.level('funktionsevneniveau', 1),
    maalformulering: 'Jeg vil selv kunne betale mine regninger',
    opfoelgningsdato: '2023-06-01'
  })
  const decisionId = await decision(api, caseUrl, day, {
    goals: [goalId], stoettebehov: c.level('stoettebehov', 1), begrundelse: 'Behov for støtte til økonomi en gang imellem', primaer: c.code('maalgrupper', 'Socialt problem')
  })
  await intervention(api, decisionId, day, c.code('tilbud', 'Mobilt tilbud'), [c.code('ydelser', 'Støtte til administration')], '1012345678')
  const june = '2023-06-01'
  for (const label of ['Organisering og planlægning', 'Økonomisk situation']) await api.register(caseUrl, 'funktioner-og-forhold', c.code('funktioner-og-forhold', label), at(june, '09:30'))
  await followUp(api, decisionId, june, {
    maal: [{ goalId, funktionsevneniveau: c.level('funktionsevneniveau', 0), maalOpnaaet: true }],
    stoettebehov: c.level('stoettebehov', 0),
    begrundelse: 'Klarer sig uden støtte',
    status: c.code('status-paa-indsats', STATUS.afslutning)
  })
}

/**
 * Mikkel's journey (seed 002, "Mikkels borgerrejse"): visited to a § 107
 * midlertidigt botilbud with pædagogisk udredning and støtte til etablering
 * i bolig (moderat støttebehov); diagnosed with ADHD and extended with
 * støtte til administration, daily tasks and education; then he moves into
 * his own home with § 85 støtte from a mobilt tilbud (let støttebehov).
 */
export async function mikkel (api: DemoApi): Promise<void> {
  const c = api.codes
  const ad = (label: string): string => c.code('aktivitet-og-deltagelse', label)
  const ydelser = (...labels: string[]): string[] => labels.map((label) => c.code('ydelser', label))
  const level = (n: number): string => c.level('funktionsevneniveau', n)
  const status = (s: string): string => c.code('status-paa-indsats', s)
  const udvikle = c.code('maaltype', 'Udvikle funktionsevne')
  const botilbud = c.code('tilbud', 'Midlertidigt botilbud til voksne')
  const start = '2023-03-01'
  const caseUrl = (await api.create('cases', '/v1/cases', {
    kommunekode: '101',
    cpr: '1502034417',
    sagsnummer: 'SAG-2023-000002',
    openedAt: at(start, '09:00'),
    borgerensOensker: 'Jeg vil gerne bo for mig selv og tage en uddannelse',
    diagnoser: ['Kognitive vanskeligheder']
  })).location
  const decide = async (day: string, goals: string[], stoettebehov: number, begrundelse: string, maalgruppe: string, n: number): Promise<string> =>
    await decision(api, caseUrl, day, {
      goals, stoettebehov: c.level('stoettebehov', stoettebehov), begrundelse, primaer: c.code('maalgrupper', maalgruppe), sagsafgoerelsesId: `MIKKEL-${n}`
    })

  for (const label of ['Opmærksomhed og koncentrationsevne', 'Boligsituation', 'Uddannelse og job']) {
    await api.register(caseUrl, 'funktioner-og-forhold', c.code('funktioner-og-forhold', label), at(start, '10:00'))
  }
  await api.register(caseUrl, 'omgivelsesfaktorer', c.code('omgivelsesfaktorer', 'Personer i netværk'), at(start, '10:00'))
  for (const [label, n] of [['Varetage bolig', 3], ['Varetage økonomi', 3], ['Varetage uddannelse', 2], ['Varetage beskæftigelse', 3]] as const) {
    await api.register(caseUrl, 'aktivitet-og-deltagelse', ad(label), at(start, '10:00'), level(n))
  }
  const bolig = await goal(api, caseUrl, start, { undertema: ad('Varetage bolig'), maaltype: udvikle, forventet: level(2), maalformulering: 'Jeg vil kunne klare mig i en bolig', opfoelgningsdato: '2023-09-01' })
  const visitation = await decide(start, [bolig], 2, 'Visiteres til § 107 med afklaring', 'Anden intellektuel/kognitiv forstyrrelse', 1)
  await intervention(api, visitation, start, botilbud, ydelser('Midlertidigt ophold', 'Støtte til etablering i bolig', 'Pædagogisk udredning'), '1023456789')

  // Six months on: diagnosed with ADHD, the § 107 stay is extended.
  const extension = '2023-09-01'
  await api.patch(caseUrl, { diagnoser: ['Kognitive vanskeligheder', 'ADHD'] })
  await followUp(api, visitation, extension, {
    maal: [{ goalId: bolig, funktionsevneniveau: level(2), maalOpnaaet: true }],
    stoettebehov: c.level('stoettebehov', 2),
    begrundelse: 'Fortsat moderat støttebehov',
    status: status(STATUS.visiterTilNy)
  })
  const oekonomi = await goal(api, caseUrl, extension, { undertema: ad('Varetage økonomi'), maaltype: udvikle, forventet: level(2), maalformulering: 'Jeg vil selv betale husleje', opfoelgningsdato: '2024-03-01' })
  const uddannelse = await goal(api, caseUrl, extension, { undertema: ad('Varetage uddannelse'), maaltype: udvikle, forventet: level(1), maalformulering: 'Jeg vil gennemføre HF', opfoelgningsdato: '2024-03-01' })
  const forlaengelse = await decide(extension, [oekonomi, uddannelse], 2, 'Forlængelse af § 107; ADHD diagnosticeret', 'Opmærksomhedsforstyrrelse', 2)
  await intervention(api, forlaengelse, extension, botilbud,
    ydelser('Midlertidigt ophold', 'Støtte til administration', 'Støtte til daglige opgaver i hjemmet', 'Støtte til uddannelse'), '1023456789')

  // He moves into his own home.
  const moving = '2024-03-01'
  await followUp(api, forlaengelse, moving, {
    maal: [{ goalId: oekonomi, funktionsevneniveau: level(2), maalOpnaaet: true }, { goalId: uddannelse, funktionsevneniveau: level(1), maalOpnaaet: true }],
    stoettebehov: c.level('stoettebehov', 1),
    begrundelse: 'Klar til egen bolig med støtte',
    status: status(STATUS.visiterTilNy)
  })
  const beskaeftigelse = await goal(api, caseUrl, moving, { undertema: ad('Varetage beskæftigelse'), maaltype: udvikle, forventet: level(2), maalformulering: 'Jeg vil have et fritidsjob', opfoelgningsdato: '2024-09-01' })
  const egenBolig = await decide(moving, [beskaeftigelse], 1, 'Flytter i egen bolig; socialpædagogisk støtte 2 timer om ugen', 'Opmærksomhedsforstyrrelse', 3)
  await intervention(api, egenBolig, moving, c.code('tilbud', 'Mobilt tilbud'), ydelser(
    'Støtte til etablering i bolig', 'Støtte til administration', 'Støtte til kontakt til offentlige og private instanser', 'Støtte til beskæftigelse'
  ), '1034567890')
}
