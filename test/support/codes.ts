/** Official FFB codes (KL's CodeSystem 20240530) the tests use, by label. */

export const FF = {
  organiseringOgPlanlaegning: '9c2173e6-6465-44d3-af16-7c44059193b2',
  oekonomiskSituation: '08aa68ce-acd6-4e03-b6b5-091811324345',
  mentaleFunktioner: '25c5c614-305f-46cd-9891-55d564fc30cf'
} as const
export const OMG = { personerINetvaerk: 'df194a84-6e4b-4f14-a194-d8d9d9a1fcad' } as const
export const AD = {
  varetageOekonomi: '70443014-3faf-402d-abcf-396bfad32eb9',
  indgaaISamspilOgKontakt: '3f9da5ac-9686-4eeb-b517-b46e17fcb1d7',
  varetageRelationerTilNetvaerk: '4c082610-b122-4019-96f2-1061e287445e'
} as const
export const LEVEL = {
  0: 'b508ff66-6326-4862-a6d7-7bbf184c9823',
  1: '8328ce4a-6238-4f73-bf1a-74aadb68eff8',
  2: '5bdde847-2837-416b-ab63-bbff8b7aa531',
  3: 'cae545f5-2813-4d79-98fc-0a7d770af3cd',
  ikkeVurderet: '1c327095-107f-4b96-88d0-ec562cb980be'
} as const
export const STOETTEBEHOV = { intet: 'ae9f388a-91c3-46cf-af55-f81952f2977c', let: 'dd628e73-d6c9-4837-a2b8-aa62d73bd6ae', ikkeVurderet: '2254dac8-8aa3-4334-8502-9720194f49ad' } as const
export const MAALTYPE = { udvikle: 'd41c8072-52f8-42b5-9375-ddbea454d27f' } as const
export const STATUS = {
  fortsaettelse: '1e971d84-10a4-4ef8-a8b3-0daa4c7d088a',
  afslutning: 'd7d03656-4c87-4e67-9146-aa5990460f16',
  afslutningOgVisiterTilNy: 'b4c01aa8-82fd-44e4-83ff-ca19ec02c779'
} as const
export const MAALGRUPPE = {
  psykiskFunktionsnedsaettelse: '9ed67228-b934-4677-9f7e-ebb0d80de44b',
  socialtProblem: '0919515d-9975-4743-a16f-edb45374b0da',
  multipelFunktionsnedsaettelse: 'f1c7ee41-21b4-4dba-9424-c874bf72b5e7',
  psykiskeVanskeligheder: 'a78fb31e-b30a-4815-af85-932859fd06b9',
  opmaerksomhedsforstyrrelse: 'cc6a58cf-d3d2-4e5f-b7fe-98b009647eac',
  angst: '303deb9b-84f0-49d2-ab7a-f8b98eed40a2',
  depression: 'ee5b52bd-b839-4e69-ad04-c8b33eabfbde',
  socialIsolation: '16075f99-3694-4878-a48d-b2f4b515cb76',
  selvskadendeAdfaerd: '3e3f5ebf-82c1-401b-ab5e-e6138a31da3a',
  ikkePersonfarligKriminalitet: '6a038911-d866-4910-90ae-72ca55c641ea',
  stofmisbrug: '0e25a2ec-4f04-4d14-a5ad-a6519a7d1d5f',
  udviklingsforstyrrelseAfSkolefaerdigheder: '93d52b11-faa7-4ff7-b552-11a84cce8bf1'
} as const
export const YDELSE = {
  stoetteTilAdministration: 'd473dea2-4f6d-4f36-a8f0-260f0213f50a',
  stoetteTilTransport: '0886a1b6-4a3a-47e5-9c97-066270529e4f',
  stoetteTilBeskaeftigelse: 'cb1169ee-8969-46d3-813d-f0dd555bd838',
  stoetteTilUddannelse: '1a2daf63-0510-4bf3-8578-662d4300c965',
  stoetteTilBehandling: 'e7c8b42e-b882-4629-8e03-65e44b1aa3e3',
  paedagogiskUdredning: '35b593cf-724f-4058-9f31-fe1b3e8df124',
  midlertidigtOphold: '80aa8ea7-4ad8-405f-876a-4c0f89fde06a',
  service: '55b77d7c-afce-4269-9232-7731ab1ef4fc',
  produktionOgVaerksted: 'fb3d8722-90e0-4a80-ba65-490617ffeb0f'
} as const
export const TILBUD = {
  mobiltTilbud: 'd90f4da6-f87a-43b5-833f-646b4baf16d6',
  midlertidigtBotilbud: '25de7444-3919-4dab-b844-8cec6c15f30e',
  beskyttetBeskaeftigelsestilbud: 'a0fb02a2-367c-48bc-bacd-92e49a861a4c',
  aktivitetsOgSamvaerstilbud: '9401777d-bdc5-4f52-9804-63c8cae9a792',
  almindeligtLaengerevarendeBotilbud: '498fe92c-d7f7-41cd-9404-5b38fe113be0'
} as const
