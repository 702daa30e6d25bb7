import { useEffect, useState } from 'react';
import type { DeviceCheck } from '../../../protocol/volunteer-times';
import { api } from '../api';
import { useI18n } from '../i18n/i18n';
import { INTL_LOCALE, ORGANISATION_ZONE, organisationToday, shiftDate } from '../i18n/locale';
import { useVolunteerTimeTexts } from './texts';

/** One request for every row of Borgere: the newest check of each citizen, shared by the rows of one visit. */
let shared: { at: number; checks: Promise<Map<string, DeviceCheck>> } | null = null;
const FRESH_MS = 30_000;

function deviceChecks(): Promise<Map<string, DeviceCheck>> {
  if (!shared || Date.now() - shared.at > FRESH_MS) {
    const checks = api('GET /api/device-checks').then((list) => new Map(list.map((c) => [c.citizenId, c])), () => new Map<string, DeviceCheck>());
    shared = { at: Date.now(), checks };
  }
  return shared.checks;
}

/** The local day of an instant in the organisation's zone. */
const dayOf = (instant: string) => new Intl.DateTimeFormat('en-CA', { timeZone: ORGANISATION_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(instant));

/**
 * "Video virker · i går" on a citizen's row on Borgere: what the citizen's newest camera-and-microphone check found,
 * and when. Nothing when they never tried.
 */
export function DeviceCheckLine({ citizenId }: { citizenId: string }) {
  const v = useVolunteerTimeTexts();
  const { locale } = useI18n();
  const [check, setCheck] = useState<DeviceCheck | null>(null);
  useEffect(() => {
    let stopped = false;
    void deviceChecks().then((all) => !stopped && setCheck(all.get(citizenId) ?? null));
    return () => {
      stopped = true;
    };
  }, [citizenId]);
  if (!check) return null;
  const day = dayOf(check.checkedAt);
  const today = organisationToday();
  const when = day === today ? v('today') : day === shiftDate(today, -1) ? v('yesterday') : new Intl.DateTimeFormat(INTL_LOCALE[locale], { timeZone: ORGANISATION_ZONE, day: 'numeric', month: 'short' }).format(new Date(check.checkedAt));
  const what = check.result === 'video' ? v('lineVideo') : check.result === 'audio_only' ? v('lineAudio') : v('lineNone');
  return <span className={`device-line device-${check.result}`}>{what} · {when}</span>;
}
