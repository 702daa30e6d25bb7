import { useEffect, useState, type FormEvent } from 'react';
import type { Me } from '../../../protocol/auth';
import type { CaseloadEntry, Colleague } from '../../../protocol/people';
import {
  VOLUNTEER_LANGUAGES, type VolunteerFollowUp, type VolunteerHoursRow, type VolunteerKind, type VolunteerLanguage, type VolunteerProfile,
  type VolunteerProfileBody, type VolunteerWish,
} from '../../../protocol/volunteers';
import { api, ApiError, routeUrl } from '../api';
import { errorText } from '../errors';
import { useI18n } from '../i18n/i18n';
import { formatDateTime, INTL_LOCALE, organisationToday, type Locale } from '../i18n/locale';
import { useVolunteerTexts, type VolunteerText } from './staffTexts';

/** How a press went: one of this screen's own texts, or the failure (worded by the app's error texts). */
type Said = { ok: VolunteerText; values?: Record<string, string> } | { failed: unknown; already?: boolean } | null;

function Said({ said }: { said: Said }) {
  const v = useVolunteerTexts();
  const { t } = useI18n();
  if (!said) return null;
  if ('ok' in said) return <p role="status" className="notice notice-ok">{v(said.ok, said.values)}</p>;
  return <p role="alert" className="notice notice-error">{said.already ? v('already') : errorText(t, said.failed)}</p>;
}

async function tryIt(work: () => Promise<unknown>, ok: VolunteerText, values?: Record<string, string>): Promise<Said> {
  try {
    await work();
    return { ok, ...(values ? { values } : {}) };
  } catch (failed) {
    return { failed, already: failed instanceof ApiError && failed.code === 'conflict' };
  }
}

const hoursOf = (minutes: number, locale: Locale) => new Intl.NumberFormat(INTL_LOCALE[locale], { maximumFractionDigits: 1 }).format(minutes / 60);
const languageNames = (codes: readonly string[], locale: Locale) => {
  const names = new Intl.DisplayNames([INTL_LOCALE[locale]], { type: 'language' });
  return codes.map((c) => names.of(c) ?? c);
};

/**
 * Frivillige, for staff: the citizens who asked for a volunteer and a way to propose one (a worker's own caseload);
 * the volunteers — all of them with their profiles for the coordinator, a contact person's own for follow-up — and,
 * for the coordinator, a new volunteer and the hours per month for the annual report.
 */
export function VolunteersScreen({ me }: { me: Me }) {
  const v = useVolunteerTexts();
  const coordinator = me.user.role === 'coordinator';
  const [volunteers, setVolunteers] = useState<VolunteerProfile[] | null>(null);
  const [colleagues, setColleagues] = useState<Colleague[]>([]);
  const reload = () => api('GET /api/volunteers').then(setVolunteers, () => setVolunteers([]));
  useEffect(() => {
    void reload();
    api('GET /api/colleagues').then((list) => setColleagues(list.filter((c) => c.role === 'worker' || c.role === 'coordinator')), () => undefined);
  }, []);
  const shown = coordinator ? volunteers : volunteers?.filter((p) => p.contactPersonId === me.user.id);
  return (
    <section className="card wide workspace-page volunteers" aria-labelledby="volunteers-title">
      <header className="page-head">
        <h1 id="volunteers-title">{v('title')}</h1>
      </header>
      <Propose me={me} volunteers={(volunteers ?? []).filter((p) => p.current)} />
      <section aria-labelledby="volunteer-list-title">
        <h2 id="volunteer-list-title">{v(coordinator ? 'listTitle' : 'mineTitle')}</h2>
        {shown === null || shown === undefined ? <p role="status">{v('loading')}</p> : shown.length === 0 ? <p className="calm-empty">{v(coordinator ? 'noVolunteers' : 'noneMine')}</p> : (
          <ul className="volunteer-list">
            {shown.map((p) => <VolunteerRow key={p.volunteerId} profile={p} editable={coordinator} colleagues={colleagues} onSaved={() => void reload()} />)}
          </ul>
        )}
      </section>
      {coordinator && <NewVolunteer colleagues={colleagues} onCreated={() => void reload()} />}
      {coordinator && <Hours />}
    </section>
  );
}

function Propose({ me, volunteers }: { me: Me; volunteers: VolunteerProfile[] }) {
  const v = useVolunteerTexts();
  const [wishes, setWishes] = useState<VolunteerWish[]>([]);
  const [citizens, setCitizens] = useState<CaseloadEntry[]>([]);
  const [citizenId, setCitizenId] = useState('');
  const [volunteerId, setVolunteerId] = useState('');
  const [said, setSaid] = useState<Said>(null);
  const loadWishes = () => api('GET /api/volunteer-wishes').then(setWishes, () => undefined);
  useEffect(() => {
    void loadWishes();
    if (me.user.role === 'worker') api('GET /api/workers/:workerId/caseload', { params: { workerId: me.user.id } }).then(setCitizens, () => undefined);
    else api('GET /api/users', { query: { role: 'citizen' } }).then((users) => setCitizens(users.filter((u) => u.active).map((u) => ({ citizenId: u.id, displayName: u.displayName, since: '' }))), () => undefined);
  }, []);
  const citizen = citizenId || citizens[0]?.citizenId || '';
  const volunteer = volunteerId || volunteers[0]?.volunteerId || '';
  const pickWish = (wish: VolunteerWish) => {
    setCitizenId(wish.citizenId);
    const fitting = volunteers.find((p) => p.kind === wish.kind);
    if (fitting) setVolunteerId(fitting.volunteerId);
    document.getElementById('propose-citizen')?.focus();
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaid(await tryIt(() => api('POST /api/citizens/:citizenId/volunteers', { params: { citizenId: citizen }, body: { volunteerId: volunteer } }), 'proposed'));
    void loadWishes();
  };
  return (
    <section aria-labelledby="propose-title">
      {wishes.length > 0 && (
        <>
          <h2>{v('wishesTitle')}</h2>
          <ul className="volunteer-wishes">
            {wishes.map((w) => (
              <li key={w.id}>
                <span>{v(w.kind === 'peer' ? 'wishPeer' : 'wishIt', { name: w.citizenName })}</span>
                <button type="button" onClick={() => pickWish(w)}>{v('propose')}</button>
              </li>
            ))}
          </ul>
        </>
      )}
      <h2 id="propose-title">{v('proposeTitle')}</h2>
      {volunteers.length === 0 ? <p className="calm-empty">{v('noVolunteers')}</p> : (
        <form className="grid-form volunteer-propose" onSubmit={(e) => void submit(e)}>
          <p className="hint-inline">{v('proposeHint')}</p>
          <label>{v('citizen')}
            <select id="propose-citizen" value={citizen} onChange={(e) => setCitizenId(e.target.value)}>
              {citizens.map((c) => <option key={c.citizenId} value={c.citizenId}>{c.displayName}</option>)}
            </select>
          </label>
          <label>{v('volunteer')}
            <select value={volunteer} onChange={(e) => setVolunteerId(e.target.value)}>
              {volunteers.map((p) => <option key={p.volunteerId} value={p.volunteerId}>{`${p.chosenName} (${p.displayName}) · ${v(p.kind)}`}</option>)}
            </select>
          </label>
          <button type="submit" className="primary" disabled={!citizen || !volunteer}>{v('propose')}</button>
          <Said said={said} />
        </form>
      )}
    </section>
  );
}

function VolunteerRow({ profile, editable, colleagues, onSaved }: { profile: VolunteerProfile; editable: boolean; colleagues: Colleague[]; onSaved(): void }) {
  const v = useVolunteerTexts();
  const { locale } = useI18n();
  const [open, setOpen] = useState<'edit' | 'follow-up' | null>(null);
  const p = profile;
  return (
    <li className="volunteer-row">
      <div className="volunteer-row-head">
        <div>
          <h3>{p.displayName}</h3>
          <p className="volunteer-meta">{v(p.kind)} · {v('shownAs', { name: p.chosenName })}</p>
          <p className="volunteer-meta">
            {p.contactPersonName ? v('contact', { name: p.contactPersonName }) : v('noContact')} · {v('matches', { count: String(p.activeMatches) })}
            {!p.current && <> · <strong>{v('inactive')}</strong></>}
          </p>
          <p className="volunteer-meta">{languageNames(p.languages, locale).join(', ')}</p>
        </div>
        <div className="head-buttons">
          {editable && <button type="button" aria-expanded={open === 'edit'} onClick={() => setOpen(open === 'edit' ? null : 'edit')}>{v('edit')}</button>}
          <button type="button" aria-expanded={open === 'follow-up'} onClick={() => setOpen(open === 'follow-up' ? null : 'follow-up')}>{v('followUp')}</button>
        </div>
      </div>
      {open === 'edit' && <ProfileForm volunteerId={p.volunteerId} initial={p} colleagues={colleagues} onSaved={onSaved} />}
      {open === 'follow-up' && <FollowUp volunteerId={p.volunteerId} />}
    </li>
  );
}

const emptyProfile = (): VolunteerProfileBody => ({
  kind: 'peer', chosenName: '', presentation: '', languages: ['da'], taskDescription: '', contactPersonId: null, activeFrom: organisationToday(), activeUntil: null,
});

/** The profile's fields; used for a new volunteer (with their account above it) and to edit one. */
function ProfileFields({ value, onChange, colleagues }: { value: VolunteerProfileBody; onChange(next: VolunteerProfileBody): void; colleagues: Colleague[] }) {
  const v = useVolunteerTexts();
  const { locale } = useI18n();
  const set = <K extends keyof VolunteerProfileBody>(key: K, next: VolunteerProfileBody[K]) => onChange({ ...value, [key]: next });
  const names = languageNames(VOLUNTEER_LANGUAGES, locale);
  const toggle = (code: VolunteerLanguage, on: boolean) => set('languages', on ? [...value.languages, code] : value.languages.filter((l) => l !== code));
  return (
    <>
      <label>{v('kind')}
        <select value={value.kind} onChange={(e) => set('kind', e.target.value as VolunteerKind)}>
          <option value="peer">{v('peer')}</option>
          <option value="it_helper">{v('it_helper')}</option>
        </select>
      </label>
      <label>{v('chosenName')}
        <input required maxLength={60} value={value.chosenName} onChange={(e) => set('chosenName', e.target.value)} aria-describedby="chosen-name-hint" />
        <span id="chosen-name-hint" className="hint-inline">{v('chosenNameHint')}</span>
      </label>
      <label className="wide-field">{v('presentation')}<textarea maxLength={1000} rows={3} value={value.presentation} onChange={(e) => set('presentation', e.target.value)} /></label>
      <fieldset className="wide-field volunteer-languages">
        <legend>{v('languages')}</legend>
        {VOLUNTEER_LANGUAGES.map((code, i) => (
          <label key={code} className="check">
            <input type="checkbox" checked={value.languages.includes(code)} onChange={(e) => toggle(code, e.target.checked)} />
            <span>{names[i]}</span>
          </label>
        ))}
      </fieldset>
      <label className="wide-field">{v('task')}<textarea maxLength={2000} rows={3} value={value.taskDescription} onChange={(e) => set('taskDescription', e.target.value)} /></label>
      <label>{v('contactPerson')}
        <select value={value.contactPersonId ?? ''} onChange={(e) => set('contactPersonId', e.target.value || null)}>
          <option value="">{v('noContact')}</option>
          {colleagues.map((c) => <option key={c.id} value={c.id}>{c.displayName}</option>)}
        </select>
      </label>
      <label>{v('activeFrom')}<input type="date" required value={value.activeFrom} onChange={(e) => set('activeFrom', e.target.value)} /></label>
      <label>{v('activeUntil')}<input type="date" value={value.activeUntil ?? ''} onChange={(e) => set('activeUntil', e.target.value || null)} /></label>
    </>
  );
}

function ProfileForm({ volunteerId, initial, colleagues, onSaved }: { volunteerId: string; initial: VolunteerProfile; colleagues: Colleague[]; onSaved(): void }) {
  const v = useVolunteerTexts();
  const [value, setValue] = useState<VolunteerProfileBody>({
    kind: initial.kind, chosenName: initial.chosenName, presentation: initial.presentation, languages: initial.languages, taskDescription: initial.taskDescription,
    contactPersonId: initial.contactPersonId, activeFrom: initial.activeFrom, activeUntil: initial.activeUntil,
  });
  const [said, setSaid] = useState<Said>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const outcome = await tryIt(() => api('PUT /api/volunteers/:volunteerId/profile', { params: { volunteerId }, body: value }), 'saved');
    setSaid(outcome);
    if (outcome && 'ok' in outcome) onSaved();
  };
  return (
    <form className="grid-form volunteer-form" onSubmit={(e) => void submit(e)}>
      <ProfileFields value={value} onChange={setValue} colleagues={colleagues} />
      <button type="submit" className="primary">{v('save')}</button>
      <Said said={said} />
    </form>
  );
}

function NewVolunteer({ colleagues, onCreated }: { colleagues: Colleague[]; onCreated(): void }) {
  const v = useVolunteerTexts();
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [value, setValue] = useState<VolunteerProfileBody>(emptyProfile);
  const [said, setSaid] = useState<Said>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const name = displayName.trim();
    // The account through the people route, then the profile; a refused profile leaves an account to edit here.
    const outcome = await tryIt(async () => {
      const user = await api('POST /api/users', { body: { role: 'volunteer', displayName: name, email: email.trim(), ...(password ? { password } : {}) } });
      await api('PUT /api/volunteers/:volunteerId/profile', { params: { volunteerId: user.id }, body: value });
    }, 'created', { name });
    setSaid(outcome);
    if (outcome && 'ok' in outcome) {
      setDisplayName('');
      setEmail('');
      setPassword('');
      setValue(emptyProfile());
      onCreated();
    }
  };
  return (
    <section aria-labelledby="new-volunteer-title">
      <h2 id="new-volunteer-title">{v('newTitle')}</h2>
      <form className="grid-form volunteer-form" onSubmit={(e) => void submit(e)}>
        <label>{v('ownName')}<input required maxLength={200} value={displayName} onChange={(e) => setDisplayName(e.target.value)} autoComplete="off" /></label>
        <label>{v('email')}<input required type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" /></label>
        <label>{v('password')}<input type="password" minLength={12} value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" /></label>
        <ProfileFields value={value} onChange={setValue} colleagues={colleagues} />
        <button type="submit" className="primary">{v('create')}</button>
        <Said said={said} />
      </form>
    </section>
  );
}

function FollowUp({ volunteerId }: { volunteerId: string }) {
  const v = useVolunteerTexts();
  const { locale } = useI18n();
  const [data, setData] = useState<VolunteerFollowUp | null>(null);
  const [note, setNote] = useState('');
  const [said, setSaid] = useState<Said>(null);
  const load = () => api('GET /api/volunteers/:volunteerId/follow-up', { params: { volunteerId } }).then(setData, (failed: unknown) => setSaid({ failed }));
  useEffect(() => {
    void load();
  }, [volunteerId]);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const outcome = await tryIt(() => api('POST /api/volunteers/:volunteerId/supervision-notes', { params: { volunteerId }, body: { body: note } }), 'noteSaved');
    setSaid(outcome);
    if (outcome && 'ok' in outcome) {
      setNote('');
      void load();
    }
  };
  if (!data) return <div className="volunteer-follow-up"><Said said={said} />{!said && <p role="status">{v('loading')}</p>}</div>;
  return (
    <div className="volunteer-follow-up">
      <h4>{v('sessionsTitle')}</h4>
      <p className="hint-inline">{v('sessionsHint')}</p>
      {data.activities.length === 0 ? <p className="calm-empty">{v('noSessions')}</p> : (
        <>
          <ul className="volunteer-activities">
            {data.activities.slice(0, 20).map((a) => (
              <li key={`${a.kind}-${a.startedAt}`}><span>{formatDateTime(a.startedAt, locale)}</span><span>{v(a.kind)}</span><span>{v('minutes', { minutes: String(a.minutes) })}</span></li>
            ))}
          </ul>
          <p><strong>{v('total', { hours: hoursOf(data.totalMinutes, locale) })}</strong></p>
        </>
      )}
      <h4>{v('notesTitle')}</h4>
      {data.notes.length === 0 ? <p className="calm-empty">{v('noNotes')}</p> : (
        <ul className="volunteer-notes">
          {data.notes.map((n) => <li key={n.id}><p>{n.body}</p><p className="volunteer-meta">{n.authorName} · {formatDateTime(n.createdAt, locale)}</p></li>)}
        </ul>
      )}
      <form className="volunteer-note-form" onSubmit={(e) => void submit(e)}>
        <label>{v('note')}
          <textarea required maxLength={4000} rows={3} value={note} onChange={(e) => setNote(e.target.value)} aria-describedby={`notes-hint-${volunteerId}`} />
        </label>
        <p id={`notes-hint-${volunteerId}`} className="hint-inline">{v('notesHint')}</p>
        <button type="submit">{v('addNote')}</button>
        <Said said={said} />
      </form>
    </div>
  );
}

function Hours() {
  const v = useVolunteerTexts();
  const { locale } = useI18n();
  const thisMonth = organisationToday().slice(0, 7);
  const [from, setFrom] = useState(`${thisMonth.slice(0, 4)}-01`);
  const [to, setTo] = useState(thisMonth);
  const [rows, setRows] = useState<VolunteerHoursRow[] | null>(null);
  const [said, setSaid] = useState<Said>(null);
  const load = () => {
    setSaid(null);
    api('GET /api/volunteers/hours', { query: { from, to } }).then(setRows, (failed: unknown) => setSaid({ failed }));
  };
  useEffect(load, []);
  return (
    <section aria-labelledby="hours-title">
      <h2 id="hours-title">{v('hoursTitle')}</h2>
      <form className="grid-form volunteer-hours-form" onSubmit={(e) => { e.preventDefault(); load(); }}>
        <label>{v('from')}<input type="month" required value={from} onChange={(e) => setFrom(e.target.value)} /></label>
        <label>{v('to')}<input type="month" required value={to} onChange={(e) => setTo(e.target.value)} /></label>
        <button type="submit">{v('show')}</button>
        <a className="button-link" href={`${routeUrl('GET /api/volunteers/hours.csv', undefined)}?${new URLSearchParams({ from, to }).toString()}`} download>{v('csv')}</a>
      </form>
      <Said said={said} />
      {rows && rows.length === 0 && <p className="calm-empty">{v('noHours')}</p>}
      {rows && rows.length > 0 && (
        <div className="table-scroll">
          <table className="volunteer-hours">
            <thead><tr><th scope="col">{v('month')}</th><th scope="col">{v('volunteer')}</th><th scope="col">{v('contacts')}</th><th scope="col">{v('citizens')}</th><th scope="col">{v('hours')}</th></tr></thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.month}-${r.volunteerId}`}><td>{r.month}</td><td>{r.displayName} ({r.chosenName})</td><td>{r.contacts}</td><td>{r.citizens}</td><td>{hoursOf(r.minutes, locale)}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
