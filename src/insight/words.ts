/** The Danish words of the insight document for the API's own codes (the FFB codes carry their catalog labels). */

const WORDS = {
  annulment: { fejlregistrering: 'Fejlregistrering', 'omgjort-efter-klage': 'Omgjort efter klage', dublet: 'Dublet' },
  period: { planned: 'Planlagt', active: 'Aktiv', ended: 'Afsluttet' },
  delmaal: { aktiv: 'Aktiv', opnaaet: 'Opnået', 'delvist-opnaaet': 'Delvist opnået', 'ikke-opnaaet': 'Ikke opnået', opgivet: 'Opgivet' },
  author: { udfoerer: 'Udfører', sagsbehandler: 'Sagsbehandler', borger: 'Borger', andet: 'Andet' },
  action: {
    read: 'Læst',
    list: 'Læst i en liste',
    search: 'Søgt frem',
    create: 'Oprettet',
    update: 'Ændret',
    annul: 'Annulleret',
    delete: 'Slettet',
    export: 'Indberettet / eksporteret'
  },
  outcome: { success: 'Gennemført', denied: 'Afvist: ingen adgang', 'not-found': 'Ikke fundet', rejected: 'Afvist', failed: 'Fejlede' },
  field: {
    undertema: 'Undertema',
    funktionsevneniveau: 'Funktionsevneniveau',
    registeredAt: 'Registreret',
    oplysningerFraBorgeren: 'Oplysninger fra borgeren',
    oplysningerFraAndre: 'Oplysninger fra andre',
    sagsbehandlersBemaerkninger: 'Sagsbehandlers bemærkninger',
    maalformulering: 'Målformulering',
    maaltype: 'Måltype',
    forventetFunktionsevneniveau: 'Forventet funktionsevneniveau',
    opfoelgningsdato: 'Opfølgningsdato',
    ansvarligForOpfoelgning: 'Ansvarlig for opfølgning',
    relateredeUndertemaer: 'Relaterede undertemaer',
    afgoerelsesdato: 'Afgørelsesdato',
    primaerMaalgruppe: 'Primær målgruppe',
    oevrigeMaalgrupper: 'Øvrige målgrupper',
    stoettebehov: 'Støttebehov',
    code: 'Kode',
    begrundelse: 'Begrundelse',
    startdato: 'Startdato',
    slutdato: 'Slutdato',
    maal: 'Mål',
    goalId: 'Indsatsmål',
    borgerensVurdering: 'Borgerens vurdering',
    udfoerersVurdering: 'Udførers vurdering',
    sagsbehandlersVurdering: 'Sagsbehandlers vurdering',
    maalOpnaaet: 'Mål opnået',
    naesteOpfoelgningsdato: 'Næste opfølgningsdato'
  }
} satisfies Record<string, Record<string, string>>

/** The Danish word for one of the API's codes of a kind; the code itself when there is none. */
export function label (kind: keyof typeof WORDS, code: string): string {
  const words: Record<string, string> = WORDS[kind]
  return words[code] ?? code
}

/** What an audit event's resource type is, in the citizen's words. */
export const RESOURCE_TEXT: Record<string, string> = {
  case: 'Sag',
  investigation: 'Udredning',
  assessment: 'Vurdering',
  goal: 'Indsatsmål',
  decision: 'Afgørelse',
  intervention: 'Indsats',
  ydelse: 'Ydelse',
  delmaal: 'Delmål',
  note: 'Notat',
  'follow-up': 'Opfølgning',
  timeline: 'Sagens forløb',
  uddata: 'Indberetning (FFB uddata)',
  fhir: 'Indberetning til KL (FHIR)',
  insight: 'Indsigt'
}

export const text = {
  intro: 'Dokumentet viser alt, hvad der er registreret om dig i fagsystemets FFB-data i de nævnte kommuner: sager, udredning, ' +
    'indsatsmål, afgørelser, støttebehov, indsatser og ydelser, delmål, notater og opfølgninger — også oplysninger, der er annulleret ' +
    '(registreret ved en fejl), og tidligere versioner af rettede oplysninger. Sidst står, hvilke systemer der har set eller ændret ' +
    'oplysningerne, og hvornår. Koder står med deres betegnelse fra de fælles faglige begreber (FFB).'
}
