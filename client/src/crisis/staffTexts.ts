import { useTextTable } from '../i18n/i18n';
import type { Locale } from '../i18n/locale';

/**
 * The staff's crisis-plan texts, in Danish, English and Swedish. They live here, in the staff screen's own lazy chunk,
 * not in i18n/da.ts: the Danish table is part of every first visit (a citizen's phone too, tests/budget.test.ts), and
 * a citizen never needs these. The citizen's own crisis texts (crisis.*) are in the shared tables, read offline too.
 */
const da = {
  title: 'Kriseplan for {name}',
  notShared: 'Du kan ikke se denne kriseplan. Borgeren deler den ikke med dig.',
  consentOwn: 'Borgeren deler planen med sine egne medarbejdere.',
  consentDuty: 'Borgeren deler planen med vagten.',
  readOnly: 'Du læser planen, fordi borgeren deler den med vagten. Kun borgerens egen medarbejder kan ændre den.',
  reviewDue: 'Planen er {days} dage gammel. Gennemgå den med borgeren.',
  reviewLine: 'Kriseplanen for {name} er {days} dage gammel.',
  reviewTitle: 'Kriseplaner at gennemgå',
  proposal: 'Borgerens forslag, sendt {when}',
  accept: 'Godkend',
  acceptEdited: 'Tilpas og godkend',
  decline: 'Afvis forslaget',
  declineQuestion: 'Vil du afvise forslaget? Planen forbliver, som den er.',
  declineYes: 'Ja, afvis',
  accepted: 'Godkendt. Planen er nu version {version}.',
  declined: 'Forslaget er afvist.',
  empty: 'Der er ingen kriseplan endnu. Skriv den sammen med borgeren.',
  edit: 'Ret planen',
  save: 'Gem som ny version',
  saved: 'Gemt som version {version}.',
  conflict: 'Planen er ændret imens. Hent siden igen, og ret den så.',
  showVersions: 'Vis versioner',
  versions: 'Versioner',
  version: 'Version {version}, {when}, {name}',
  changedSections: 'Ændret: {sections}.',
  fromProposal: '(borgerens forslag)',
  now: 'Nu:',
  noChanges: 'Forslaget er magen til planen.',
} as const;

export type StaffText = keyof typeof da;

const TABLES: Record<Locale, Record<StaffText, string>> = {
  da,
  en: {
    title: 'Crisis plan for {name}',
    notShared: 'You cannot see this crisis plan. The citizen does not share it with you.',
    consentOwn: 'The citizen shares the plan with their own workers.',
    consentDuty: 'The citizen shares the plan with the duty staff.',
    readOnly: 'You are reading the plan because the citizen shares it with the duty staff. Only their own worker can change it.',
    reviewDue: 'The plan is {days} days old. Go through it with the citizen.',
    reviewLine: 'The crisis plan for {name} is {days} days old.',
    reviewTitle: 'Crisis plans to go through',
    proposal: 'The citizen’s suggestion, sent {when}',
    accept: 'Accept',
    acceptEdited: 'Adjust and accept',
    decline: 'Decline the suggestion',
    declineQuestion: 'Decline the suggestion? The plan stays as it is.',
    declineYes: 'Yes, decline',
    accepted: 'Accepted. The plan is now version {version}.',
    declined: 'The suggestion was declined.',
    empty: 'There is no crisis plan yet. Write it with the citizen.',
    edit: 'Edit the plan',
    save: 'Save as a new version',
    saved: 'Saved as version {version}.',
    conflict: 'The plan was changed meanwhile. Reload the page, then make your change.',
    showVersions: 'Show versions',
    versions: 'Versions',
    version: 'Version {version}, {when}, {name}',
    changedSections: 'Changed: {sections}.',
    fromProposal: '(the citizen’s suggestion)',
    now: 'Now:',
    noChanges: 'The suggestion is the same as the plan.',
  },
  sv: {
    title: 'Krisplan för {name}',
    notShared: 'Du kan inte se den här krisplanen. Personen delar den inte med dig.',
    consentOwn: 'Personen delar planen med sina egna boendestödjare.',
    consentDuty: 'Personen delar planen med jouren.',
    readOnly: 'Du läser planen eftersom personen delar den med jouren. Bara personens egen boendestödjare kan ändra den.',
    reviewDue: 'Planen är {days} dagar gammal. Gå igenom den tillsammans med personen.',
    reviewLine: 'Krisplanen för {name} är {days} dagar gammal.',
    reviewTitle: 'Krisplaner att gå igenom',
    proposal: 'Personens förslag, skickat {when}',
    accept: 'Godkänn',
    acceptEdited: 'Justera och godkänn',
    decline: 'Avslå förslaget',
    declineQuestion: 'Vill du avslå förslaget? Planen förblir som den är.',
    declineYes: 'Ja, avslå',
    accepted: 'Godkänt. Planen är nu version {version}.',
    declined: 'Förslaget är avslaget.',
    empty: 'Det finns ingen krisplan än. Skriv den tillsammans med personen.',
    edit: 'Ändra planen',
    save: 'Spara som ny version',
    saved: 'Sparat som version {version}.',
    conflict: 'Planen har ändrats under tiden. Ladda om sidan och gör sedan din ändring.',
    showVersions: 'Visa versioner',
    versions: 'Versioner',
    version: 'Version {version}, {when}, {name}',
    changedSections: 'Ändrat: {sections}.',
    fromProposal: '(personens förslag)',
    now: 'Nu:',
    noChanges: 'Förslaget är likadant som planen.',
  },
};

/** `t` for the staff's crisis-plan texts, in the app's language; `{name}` and the like are filled in as in i18n. */
export function useStaffTexts(): (key: StaffText, values?: Record<string, string>) => string {
  return useTextTable(TABLES);
}
