import { useEffect, useState, type FormEvent } from 'react';
import type { DutySettings, DutyTeam, EmergencyNumber, Shift, WorkingPeriod } from '../../../protocol/duty';
import type { User } from '../../../protocol/people';
import { api, ApiError } from '../api';
import { formatClock, formatDayHeading, formatLongDay, organisationToday, shiftDate } from '../i18n/locale';
import { useI18n } from '../i18n/i18n';
import { ConfirmButton } from '../ui/ConfirmButton';
import { DutyNotice, useDutyTexts, type DutyOutcome } from './staffTexts';

/** Monday of the week holding a YYYY-MM-DD day. */
function mondayOf(day: string): string {
  const weekday = (new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7;
  return shiftDate(day, -weekday);
}

/**
 * Vagtplan, the coordinator's: the week's shifts by day (add one, remove one — an overlap is refused and said next
 * to the form), then which teams each team covers at night and its duty phone, each worker's working hours (when a
 * request goes to them first), and what a citizen is told when no one can answer.
 */
export function RosterScreen() {
  const d = useDutyTexts();
  const [teams, setTeams] = useState<DutyTeam[] | null>(null);
  const [workers, setWorkers] = useState<User[]>([]);
  const reloadTeams = () => api('GET /api/duty/teams').then(setTeams, () => setTeams([]));
  useEffect(() => {
    void reloadTeams();
    api('GET /api/users', { query: { role: 'worker' } }).then(setWorkers, () => undefined);
  }, []);
  return (
    <section className="card wide workspace-page roster" aria-labelledby="roster-title">
      <header className="page-head">
        <h1 id="roster-title">{d('rosterTitle')}</h1>
      </header>
      <Week teams={teams ?? []} workers={workers} />
      <Coverage teams={teams ?? []} onSaved={() => void reloadTeams()} />
      <WorkingHoursEditor workers={workers} />
      <SettingsEditor />
    </section>
  );
}

function Week({ teams, workers }: { teams: DutyTeam[]; workers: User[] }) {
  const d = useDutyTexts();
  const { locale } = useI18n();
  const [from, setFrom] = useState(() => mondayOf(organisationToday()));
  const [shifts, setShifts] = useState<Shift[] | null>(null);
  const [rowOutcome, setRowOutcome] = useState<Record<string, DutyOutcome>>({});
  const load = () => api('GET /api/duty/shifts', { query: { from } }).then(setShifts, () => setShifts([]));
  useEffect(() => {
    void load();
  }, [from]);
  const days = Array.from({ length: 7 }, (_, i) => shiftDate(from, i));
  const remove = async (shift: Shift) => {
    try {
      await api('DELETE /api/duty/shifts/:shiftId', { params: { shiftId: shift.id } });
      await load();
    } catch (failed) {
      setRowOutcome({ ...rowOutcome, [shift.id]: { failed } });
    }
  };
  const time = (s: Shift) => `${formatClock(s.start, locale)}–${formatClock(s.end, locale)}`;
  return (
    <section aria-labelledby="week-title">
      <div className="page-head-actions">
        <h2 id="week-title">{d('weekOf', { day: formatLongDay(from, locale) })}</h2>
        <div className="head-buttons">
          <button type="button" onClick={() => setFrom(shiftDate(from, -7))}>{d('previousWeek')}</button>
          <button type="button" onClick={() => setFrom(shiftDate(from, 7))}>{d('nextWeek')}</button>
        </div>
      </div>
      {shifts === null && <p role="status">{d('loading')}</p>}
      {shifts && (
        <ol className="roster-week">
          {days.map((day) => {
            const ofDay = shifts.filter((s) => s.start.slice(0, 10) === day);
            return (
              <li key={day}>
                <h3>{formatDayHeading(day, locale)}</h3>
                {ofDay.length === 0 && <p className="roster-none">{d('noShifts')}</p>}
                <ul className="list">
                  {ofDay.map((shift) => (
                    <li key={shift.id}>
                      <span><span className="name">{time(shift)}</span> {shift.workerName} · {shift.teamName}</span>
                      <ConfirmButton className="quiet-danger" label={d('removeShift')} question={d('removeShiftQuestion', { name: shift.workerName, time: time(shift) })}
                        confirmLabel={d('removeShiftYes')} onConfirm={() => void remove(shift)} />
                      <DutyNotice outcome={rowOutcome[shift.id] ?? null} />
                    </li>
                  ))}
                </ul>
              </li>
            );
          })}
        </ol>
      )}
      <AddShift teams={teams} workers={workers} firstDay={from} onAdded={() => void load()} />
    </section>
  );
}

function AddShift({ teams, workers, firstDay, onAdded }: { teams: DutyTeam[]; workers: User[]; firstDay: string; onAdded(): void }) {
  const d = useDutyTexts();
  const { locale } = useI18n();
  const [teamId, setTeamId] = useState('');
  const [workerId, setWorkerId] = useState('');
  const [day, setDay] = useState(firstDay);
  const [start, setStart] = useState('23:00');
  const [end, setEnd] = useState('07:00');
  const [outcome, setOutcome] = useState<DutyOutcome | null>(null);
  useEffect(() => setDay(firstDay), [firstDay]);
  const team = teamId || teams[0]?.teamId || '';
  const worker = workerId || workers[0]?.id || '';
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    // An end at or before the start is the next morning: a night shift 23:00–07:00.
    const endDay = end <= start ? shiftDate(day, 1) : day;
    try {
      await api('POST /api/duty/shifts', { body: { teamId: team, workerId: worker, start: `${day}T${start}`, end: `${endDay}T${end}` } });
      setOutcome({ ok: 'shiftAdded' });
      onAdded();
    } catch (failed) {
      setOutcome({ failed });
    }
  };
  return (
    <form className="grid-form roster-add" onSubmit={(e) => void submit(e)} aria-labelledby="add-shift-title">
      <h3 id="add-shift-title">{d('addShift')}</h3>
      <label>{d('team')}<select value={team} onChange={(e) => setTeamId(e.target.value)}>{teams.map((t) => <option key={t.teamId} value={t.teamId}>{t.teamName}</option>)}</select></label>
      <label>{d('worker')}<select value={worker} onChange={(e) => setWorkerId(e.target.value)}>{workers.map((w) => <option key={w.id} value={w.id}>{w.displayName}</option>)}</select></label>
      <label>{d('day')}<input type="date" required value={day} onChange={(e) => setDay(e.target.value)} /></label>
      <label>{d('from')}<input type="time" required value={start} onChange={(e) => setStart(e.target.value)} /></label>
      <label>{d('to')}<input type="time" required value={end} onChange={(e) => setEnd(e.target.value)} /></label>
      <button type="submit" className="primary">{d('addShiftButton')}</button>
      <div className="roster-add-notice">
        {(
          <DutyNotice outcome={outcome} describe={(e) => e instanceof ApiError && e.code === 'overlap'
            ? e.overlapsWith ? d('overlap', { start: `${formatLongDay(e.overlapsWith.start.slice(0, 10), locale)} ${formatClock(e.overlapsWith.start, locale)}`, end: formatClock(e.overlapsWith.end, locale) }) : d('overlapPlain')
            : null} />
        )}
      </div>
    </form>
  );
}

function Coverage({ teams, onSaved }: { teams: DutyTeam[]; onSaved(): void }) {
  const d = useDutyTexts();
  if (teams.length === 0) return null;
  return (
    <section aria-labelledby="coverage-title">
      <h2 id="coverage-title">{d('coverageTitle')}</h2>
      <p className="hint-inline">{d('coverageHint')}</p>
      {teams.map((team) => <TeamCoverage key={team.teamId} team={team} teams={teams} onSaved={onSaved} />)}
    </section>
  );
}

function TeamCoverage({ team, teams, onSaved }: { team: DutyTeam; teams: DutyTeam[]; onSaved(): void }) {
  const d = useDutyTexts();
  const [covers, setCovers] = useState<string[]>(team.covers);
  const [phone, setPhone] = useState(team.dutyPhone ?? '');
  const [outcome, setOutcome] = useState<DutyOutcome | null>(null);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    try {
      await api('PUT /api/duty/teams/:teamId', { params: { teamId: team.teamId }, body: { covers, dutyPhone: phone.trim() || null } });
      setOutcome({ ok: 'saved' });
      onSaved();
    } catch (failed) {
      setOutcome({ failed });
    }
  };
  const others = teams.filter((t) => t.teamId !== team.teamId);
  return (
    <form className="roster-team" onSubmit={(e) => void save(e)}>
      <fieldset>
        <legend>{d('teamCovers', { team: team.teamName })}</legend>
        {others.length === 0 && <p className="roster-none">{d('noOtherTeams')}</p>}
        {others.map((other) => (
          <label key={other.teamId} className="check">
            <input type="checkbox" checked={covers.includes(other.teamId)}
              onChange={(e) => setCovers(e.target.checked ? [...covers, other.teamId] : covers.filter((id) => id !== other.teamId))} />
            <span>{other.teamName}</span>
          </label>
        ))}
        <label>{d('dutyPhone')}<input type="tel" value={phone} onChange={(e) => setPhone(e.target.value)} /></label>
        <button type="submit">{d('save')}</button>
        <DutyNotice outcome={outcome} />
      </fieldset>
    </form>
  );
}

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
/** A Monday (2026-11-23) and the six days after it, named as the language names weekdays. */
const weekdayName = (weekday: number, locale: string) =>
  new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : locale === 'sv' ? 'sv-SE' : 'da-DK', { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2026, 10, 22 + weekday, 12)));

function WorkingHoursEditor({ workers }: { workers: User[] }) {
  const d = useDutyTexts();
  const { locale } = useI18n();
  const [workerId, setWorkerId] = useState('');
  const worker = workerId || workers[0]?.id || '';
  const [periods, setPeriods] = useState<WorkingPeriod[] | null>(null);
  const [outcome, setOutcome] = useState<DutyOutcome | null>(null);
  useEffect(() => {
    if (!worker) return;
    setPeriods(null);
    setOutcome(null);
    api('GET /api/duty/working-hours/:workerId', { params: { workerId: worker } }).then((h) => setPeriods(h.periods), (failed: unknown) => setOutcome({ failed }));
  }, [worker]);
  const of = (weekday: number) => periods?.find((p) => p.weekday === weekday);
  const set = (weekday: number, period: WorkingPeriod | null) =>
    setPeriods([...(periods ?? []).filter((p) => p.weekday !== weekday), ...(period ? [period] : [])].sort((a, b) => a.weekday - b.weekday));
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    try {
      const saved = await api('PUT /api/duty/working-hours/:workerId', { params: { workerId: worker }, body: { periods: periods ?? [] } });
      setPeriods(saved.periods);
      setOutcome({ ok: 'saved' });
    } catch (failed) {
      setOutcome({ failed });
    }
  };
  if (workers.length === 0) return null;
  return (
    <section aria-labelledby="hours-title">
      <h2 id="hours-title">{d('hoursTitle')}</h2>
      <p className="hint-inline">{d('hoursHint')}</p>
      <form onSubmit={(e) => void save(e)}>
        <label>{d('worker')}<select value={worker} onChange={(e) => setWorkerId(e.target.value)}>{workers.map((w) => <option key={w.id} value={w.id}>{w.displayName}</option>)}</select></label>
        {periods && (
          <ul className="roster-hours">
            {WEEKDAYS.map((weekday) => {
              const period = of(weekday);
              const name = weekdayName(weekday, locale);
              return (
                <li key={weekday}>
                  <label className="check">
                    <input type="checkbox" checked={!!period} onChange={(e) => set(weekday, e.target.checked ? { weekday, start: '08:00', end: '15:30' } : null)} />
                    <span>{name}</span>
                  </label>
                  {period && (
                    <>
                      <label>{d('from')}<input type="time" required value={period.start} aria-label={`${name} ${d('from')}`} onChange={(e) => set(weekday, { ...period, start: e.target.value })} /></label>
                      <label>{d('to')}<input type="time" required value={period.end === '24:00' ? '23:59' : period.end} aria-label={`${name} ${d('to')}`} onChange={(e) => set(weekday, { ...period, end: e.target.value })} /></label>
                    </>
                  )}
                </li>
              );
            })}
          </ul>
        )}
        <button type="submit" className="primary">{d('saveHours')}</button>
        <DutyNotice outcome={outcome} />
      </form>
    </section>
  );
}

function SettingsEditor() {
  const d = useDutyTexts();
  const [settings, setSettings] = useState<DutySettings | null>(null);
  const [outcome, setOutcome] = useState<DutyOutcome | null>(null);
  useEffect(() => {
    api('GET /api/duty/settings').then(setSettings, (failed: unknown) => setOutcome({ failed }));
  }, []);
  if (!settings) return <DutyNotice outcome={outcome} />;
  const setNumber = (index: number, number: EmergencyNumber | null) =>
    setSettings({ ...settings, emergencyNumbers: number ? settings.emergencyNumbers.map((n, i) => (i === index ? number : n)) : settings.emergencyNumbers.filter((_, i) => i !== index) });
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    try {
      setSettings(await api('PATCH /api/duty/settings', { body: settings }));
      setOutcome({ ok: 'saved' });
    } catch (failed) {
      setOutcome({ failed });
    }
  };
  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">{d('settingsTitle')}</h2>
      <form onSubmit={(e) => void save(e)} className="roster-settings">
        <label>{d('answerMinutes')}
          <input type="number" min={1} max={240} required value={settings.requestAnswerMinutes} onChange={(e) => setSettings({ ...settings, requestAnswerMinutes: Number(e.target.value) })} />
        </label>
        <label>{d('outOfHoursText')}
          <textarea rows={3} maxLength={1000} value={settings.outOfHoursText} onChange={(e) => setSettings({ ...settings, outOfHoursText: e.target.value })} />
        </label>
        <fieldset>
          <legend>{d('emergencyNumbers')}</legend>
          {settings.emergencyNumbers.map((n, index) => (
            <div key={index} className="roster-number">
              <label>{d('numberLabel')}<input type="text" required value={n.label} onChange={(e) => setNumber(index, { ...n, label: e.target.value })} /></label>
              <label>{d('number')}<input type="tel" required pattern="\+?[0-9][0-9 ]{1,19}" value={n.number} onChange={(e) => setNumber(index, { ...n, number: e.target.value })} /></label>
              <button type="button" className="quiet-danger" onClick={() => setNumber(index, null)}>{d('removeNumber')}</button>
            </div>
          ))}
          {settings.emergencyNumbers.length < 6 && (
            <button type="button" onClick={() => setSettings({ ...settings, emergencyNumbers: [...settings.emergencyNumbers, { label: '', number: '' }] })}>{d('addNumber')}</button>
          )}
        </fieldset>
        <label className="check">
          <input type="checkbox" checked={settings.escalateToCoordinators} onChange={(e) => setSettings({ ...settings, escalateToCoordinators: e.target.checked })} />
          <span>{d('escalateToCoordinators')}</span>
        </label>
        <button type="submit" className="primary">{d('saveSettings')}</button>
        <DutyNotice outcome={outcome} />
      </form>
    </section>
  );
}
