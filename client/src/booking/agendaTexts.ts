import { useTextTable } from '../i18n/i18n';
import type { Locale } from '../i18n/locale';

/**
 * The staff calendar's (Kalender) texts, in Danish, English and Swedish.
 * They live in the staff screens' lazy chunk, not in i18n/da.ts: the Danish table is part of every first visit (a
 * citizen's phone too, tests/budget.test.ts) and a citizen never needs them.
 */
const da = {
  newAppointment: 'Ny aftale',
  cancelQuestion: 'Aflys aftalen? Skriv kort hvorfor.',
  confirmCancel: 'Aflys aftalen',
  title: 'Kalender',
  day: 'Dag',
  week: 'Uge',
  previous: 'Forrige',
  next: 'Næste',
  today: 'I dag',
  empty: 'Ingen aftaler.',
  book: 'Book en aftale',
  citizen: 'Borger',
  prefers: 'Foretrækker: {modality}',
  date: 'Dato',
  time: 'Klokken',
  duration: 'Varighed (minutter)',
  modality: 'Form',
  repeat: 'Gentag ugentligt (antal gange)',
  note: 'Note til medarbejdere (ses ikke af borgeren)',
  save: 'Book',
  cancel: 'Aflys',
  move: 'Flyt',
  reason: 'Begrundelse',
  confirm: 'Gem',
  outcome: 'Resultat',
  startVideo: 'Start video',
  accept: 'Godkend',
  decline: 'Afvis',
  reminders: 'Påmindelser',
};
type Key = keyof typeof da;

const en: Record<Key, string> = {
  newAppointment: 'New appointment',
  cancelQuestion: 'Cancel the appointment? Say briefly why.',
  confirmCancel: 'Cancel the appointment',
  title: 'Calendar',
  day: 'Day',
  week: 'Week',
  previous: 'Previous',
  next: 'Next',
  today: 'Today',
  empty: 'No appointments.',
  book: 'Book an appointment',
  citizen: 'Citizen',
  prefers: 'Prefers: {modality}',
  date: 'Date',
  time: 'Time',
  duration: 'Duration (minutes)',
  modality: 'Form',
  repeat: 'Repeat weekly (times)',
  note: 'Note for staff (the citizen does not see it)',
  save: 'Book',
  cancel: 'Cancel',
  move: 'Move',
  reason: 'Reason',
  confirm: 'Save',
  outcome: 'Outcome',
  startVideo: 'Start video',
  accept: 'Accept',
  decline: 'Decline',
  reminders: 'Reminders',
};

const sv: Record<Key, string> = {
  newAppointment: 'Ny tid',
  cancelQuestion: 'Ställa in tiden? Skriv kort varför.',
  confirmCancel: 'Ställ in tiden',
  title: 'Kalender',
  day: 'Dag',
  week: 'Vecka',
  previous: 'Föregående',
  next: 'Nästa',
  today: 'I dag',
  empty: 'Inga bokade tider.',
  book: 'Boka en tid',
  citizen: 'Medborgare',
  prefers: 'Föredrar: {modality}',
  date: 'Datum',
  time: 'Tid',
  duration: 'Längd (minuter)',
  modality: 'Form',
  repeat: 'Upprepa varje vecka (antal gånger)',
  note: 'Anteckning för personalen (syns inte för medborgaren)',
  save: 'Boka',
  cancel: 'Avboka',
  move: 'Flytta',
  reason: 'Anledning',
  confirm: 'Spara',
  outcome: 'Resultat',
  startVideo: 'Starta video',
  accept: 'Godkänn',
  decline: 'Avslå',
  reminders: 'Påminnelser',
};

const TABLES: Record<Locale, Record<Key, string>> = { da, en, sv };

export function useAgendaTexts() {
  return useTextTable(TABLES);
}
