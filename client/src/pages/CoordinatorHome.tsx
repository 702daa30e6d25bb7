import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import type { Me } from '../../../protocol/auth';
import type { Role } from '../../../protocol/common';
import type { CaseloadEntry, CreateUserBody, Team, User } from '../../../protocol/people';
import { api } from '../api';
import type { TextKey } from '../i18n/da';
import { useI18n } from '../i18n/i18n';
import { useCoordinatorTexts } from '../workspace/coordinatorTexts';
import { ConfirmButton } from '../ui/ConfirmButton';
import { attempt, Notice, type Outcome } from '../ui/Notice';
import { LinkPanel, useLinkPanel } from '../workspace/LinkPanel';

const ROLES: Role[] = ['citizen', 'worker', 'volunteer', 'coordinator'];
const GROUP_TITLE: Record<Role, TextKey> = {
  citizen: 'coordinator.group.citizen', worker: 'coordinator.group.worker', volunteer: 'coordinator.group.volunteer', coordinator: 'coordinator.group.coordinator',
};

/** Which citizens each active worker holds (workerId → entries), read once per change. */
type Caseloads = Map<string, CaseloadEntry[]>;

/**
 * Personer, the coordinator's screen: everybody, grouped by role and team, found by a search box; each row's actions
 * in the same columns (the usual one first, "Deaktivér" apart and behind a confirmation). Caseloads are visible on
 * both sides (a worker's citizens, a citizen's worker) and edited on the worker's row.
 */
export function CoordinatorHome({ me }: { me: Me }) {
  const { t } = useI18n();
  const ct = useCoordinatorTexts();
  const [users, setUsers] = useState<User[]>([]);
  const [teams, setTeams] = useState<Team[]>([]);
  const [caseloads, setCaseloads] = useState<Caseloads>(new Map());
  const [loadFailure, setLoadFailure] = useState<Outcome | null>(null);
  const [search, setSearch] = useState('');
  const [form, setForm] = useState<'person' | 'team' | null>(null);

  const load = useCallback(async () => {
    const [u, tm] = await Promise.all([api('GET /api/users', { query: { includeInactive: 'true' } }), api('GET /api/teams')]);
    const workers = u.filter((user) => user.role === 'worker' && user.active);
    const lists = await Promise.all(workers.map((w) => api('GET /api/workers/:workerId/caseload', { params: { workerId: w.id } })));
    setUsers(u);
    setTeams(tm);
    setCaseloads(new Map(workers.map((w, i) => [w.id, lists[i]!])));
  }, []);
  useEffect(() => {
    load().catch((failed: unknown) => setLoadFailure({ failed }));
  }, [load]);

  /** Runs a change and reloads; the caller shows the outcome beside the control that made it. */
  const change = async (work: () => Promise<unknown>, done: TextKey): Promise<Outcome> => {
    const outcome = await attempt(work, done);
    if ('done' in outcome) await load().catch(() => undefined);
    return outcome;
  };

  const wanted = search.trim().toLocaleLowerCase();
  const shown = users.filter((u) => !wanted || u.displayName.toLocaleLowerCase().includes(wanted));
  const workersOf = useMemo(() => {
    const byCitizen = new Map<string, string[]>();
    for (const [workerId, list] of caseloads) {
      const worker = users.find((u) => u.id === workerId);
      for (const entry of list) byCitizen.set(entry.citizenId, [...(byCitizen.get(entry.citizenId) ?? []), worker?.displayName ?? '']);
    }
    return byCitizen;
  }, [caseloads, users]);
  const citizens = users.filter((u) => u.role === 'citizen' && u.active);

  return (
    <section className="card wide workspace-page people-admin" aria-labelledby="people-title">
      <header className="page-head page-head-actions">
        <h1 id="people-title">{ct('people')}</h1>
        <div className="head-buttons">
          <button type="button" className="primary-inline" aria-expanded={form === 'person'} aria-controls="new-person-form" onClick={() => setForm(form === 'person' ? null : 'person')}>
            {ct('newPerson')}
          </button>
          <button type="button" aria-expanded={form === 'team'} aria-controls="new-team-form" onClick={() => setForm(form === 'team' ? null : 'team')}>
            {ct('newTeam')}
          </button>
        </div>
      </header>
      {form === 'person' && <NewPersonForm teams={teams} onCreate={(body) => change(() => api('POST /api/users', { body }), 'coordinator.created')} />}
      {form === 'team' && <NewTeamForm onCreate={(name) => change(() => api('POST /api/teams', { body: { name } }), 'coordinator.created')} />}
      <Notice outcome={loadFailure} />
      <label className="search">
        {ct('search')}
        <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
      </label>
      {shown.length === 0 && users.length > 0 && <p className="calm-empty">{ct('noMatch')}</p>}
      {ROLES.map((role) => {
        const ofRole = shown.filter((u) => u.role === role);
        if (ofRole.length === 0) return null;
        // By team, the people in no team last; the deactivated at the end of their team, greyed.
        const groups = [...teams.map((team) => ({ key: team.id, title: team.name, people: ofRole.filter((u) => u.teamId === team.id) })),
          { key: 'none', title: ofRole.some((u) => teams.some((tm) => tm.id === u.teamId)) ? ct('noTeam') : null, people: ofRole.filter((u) => !u.teamId || !teams.some((tm) => tm.id === u.teamId)) }]
          .filter((group) => group.people.length > 0);
        return (
          <section key={role} aria-labelledby={`group-${role}`} className="people-group">
            <h2 id={`group-${role}`}>{t(GROUP_TITLE[role])} <span className="count">({ofRole.length})</span></h2>
            {groups.map((group) => (
              <div key={group.key}>
                {group.title && <h3 className="team-heading">{group.title}</h3>}
                <ul className="list person-list">
                  {[...group.people].sort((a, b) => Number(b.active) - Number(a.active)).map((user) => (
                    <PersonRow key={user.id} user={user} me={me} change={change}
                      caseload={caseloads.get(user.id) ?? null} workers={workersOf.get(user.id) ?? []} citizens={citizens} />
                  ))}
                </ul>
              </div>
            ))}
          </section>
        );
      })}
      <section aria-labelledby="teams-title">
        <h2 id="teams-title">{ct('teams')}</h2>
        {teams.length === 0 ? <p className="calm-empty">{ct('noTeams')}</p> : (
          <ul className="list">
            {teams.map((team) => (
              <li key={team.id}>
                <span className="name">{team.name}</span>
                <span className="person-detail">{ct('teamSize', { count: String(users.filter((u) => u.teamId === team.id && u.active).length) })}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}

type Change = (work: () => Promise<unknown>, done: TextKey) => Promise<Outcome>;

function PersonRow({ user, me, change, caseload, workers, citizens }: {
  user: User;
  me: Me;
  change: Change;
  /** A worker's citizens (null for anyone else). */
  caseload: CaseloadEntry[] | null;
  /** A citizen's workers' names. */
  workers: string[];
  citizens: User[];
}) {
  const { t } = useI18n();
  const ct = useCoordinatorTexts();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [caseloadOpen, setCaseloadOpen] = useState(false);
  const link = useLinkPanel();
  const run = (work: () => Promise<unknown>, done: TextKey) => {
    setOutcome(null);
    void change(work, done).then(setOutcome);
  };
  const caseloadId = `caseload-${user.id}`;

  let detail: string | null = null;
  if (user.role === 'citizen' && user.active) detail = workers.length > 0 ? ct('workersOf', { names: workers.join(', ') }) : ct('noWorker');

  return (
    <li className={`person-row${user.active ? '' : ' inactive'}`}>
      <div className="person-name">
        <span className="name">{user.displayName}</span>
        {!user.active && <em> ({ct('inactive')})</em>}
        {user.signInLocked && <em> ({ct('locked')})</em>}
        {detail && <span className="person-detail">{detail}</span>}
      </div>
      <div className="person-actions">
        <div className="col-main">
          {user.signInLocked && (
            <button type="button" onClick={() => run(() => api('POST /api/users/:userId/unlock', { params: { userId: user.id } }), 'coordinator.unlocked')}>
              {ct('unlock')}
            </button>
          )}
          {!user.signInLocked && user.role === 'citizen' && user.active && <button type="button" {...link.toggle}>{t('signInLink.menu')}</button>}
          {!user.signInLocked && caseload && (
            <button type="button" aria-expanded={caseloadOpen} aria-controls={caseloadId} onClick={() => setCaseloadOpen(!caseloadOpen)}>
              {ct('caseloadButton', { count: String(caseload.length) })}
            </button>
          )}
        </div>
        <div className="col-danger">
          {user.active && user.id !== me.user.id && (
            <ConfirmButton className="quiet-danger" label={ct('deactivate')} question={ct('deactivateQuestion', { name: user.displayName })}
              confirmLabel={ct('confirmDeactivate')}
              onConfirm={() => run(() => api('POST /api/users/:userId/deactivate', { params: { userId: user.id } }), 'coordinator.deactivated')} />
          )}
        </div>
      </div>
      <Notice outcome={outcome} />
      {user.role === 'citizen' && user.active && <LinkPanel id={link.panelId} open={link.open} citizenId={user.id} name={user.displayName} />}
      {caseload && (
        <CaseloadPanel id={caseloadId} open={caseloadOpen} worker={user} caseload={caseload} citizens={citizens} change={change} />
      )}
    </li>
  );
}

/** A worker's citizens, each removable (after a confirmation), and a citizen to add. */
function CaseloadPanel({ id, open, worker, caseload, citizens, change }: {
  id: string;
  open: boolean;
  worker: User;
  caseload: CaseloadEntry[];
  citizens: User[];
  change: Change;
}) {
  const ct = useCoordinatorTexts();
  const [citizenId, setCitizenId] = useState('');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [removal, setRemoval] = useState<Outcome | null>(null);
  const notHeld = citizens.filter((c) => !caseload.some((entry) => entry.citizenId === c.id));
  const assign = (event: FormEvent) => {
    event.preventDefault();
    if (!citizenId) return;
    setOutcome(null);
    void change(() => api('PUT /api/workers/:workerId/caseload/:citizenId', { params: { workerId: worker.id, citizenId } }), 'coordinator.assigned').then((result) => {
      setOutcome(result);
      if ('done' in result) setCitizenId('');
    });
  };
  const remove = (entry: CaseloadEntry) => {
    setRemoval(null);
    void change(() => api('DELETE /api/workers/:workerId/caseload/:citizenId', { params: { workerId: worker.id, citizenId: entry.citizenId } }), 'coordinator.removed').then(setRemoval);
  };
  return (
    <div id={id} className="caseload-panel" hidden={!open}>
      <h4>{ct('caseloadOf', { name: worker.displayName })}</h4>
      {caseload.length === 0 && <p className="calm-empty">{ct('noCitizensYet')}</p>}
      <ul className="list">
        {caseload.map((entry) => (
          <li key={entry.citizenId}>
            <span>{entry.displayName}</span>
            <ConfirmButton label={ct('remove')} question={ct('removeQuestion', { citizen: entry.displayName, worker: worker.displayName })}
              confirmLabel={ct('confirmRemove')} onConfirm={() => remove(entry)} />
          </li>
        ))}
      </ul>
      <Notice outcome={removal} />
      {notHeld.length > 0 && (
        <form className="inline-form" onSubmit={assign}>
          <label className="grow">
            {ct('citizen')}
            <select required value={citizenId} onChange={(e) => setCitizenId(e.target.value)}>
              <option value="">—</option>
              {notHeld.map((c) => <option key={c.id} value={c.id}>{c.displayName}</option>)}
            </select>
          </label>
          <button type="submit">{ct('assign')}</button>
        </form>
      )}
      {/* Outside the form: after the last citizen is added the form goes, its message stays. */}
      <Notice outcome={outcome} />
    </div>
  );
}

/** A new person. Cleared after it is created; "Oprettet." appears under its button. */
function NewPersonForm({ teams, onCreate }: { teams: Team[]; onCreate(body: CreateUserBody): Promise<Outcome> }) {
  const { t } = useI18n();
  const ct = useCoordinatorTexts();
  const [role, setRole] = useState<Role>('citizen');
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [teamId, setTeamId] = useState('');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body: CreateUserBody = { role, displayName };
    if (email) body.email = email;
    if (phone) body.phone = phone;
    if (teamId) body.teamId = teamId;
    if (role !== 'citizen') body.password = password;
    setOutcome(null);
    const result = await onCreate(body);
    setOutcome(result);
    if ('done' in result) {
      setDisplayName('');
      setEmail('');
      setPhone('');
      setPassword('');
    }
  };
  return (
    <form id="new-person-form" onSubmit={(e) => void submit(e)} className="grid-form" aria-labelledby="new-person">
      <h2 id="new-person">{ct('newPerson')}</h2>
      <label>
        {ct('role')}
        <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>{t(`role.${r}`)}</option>
          ))}
        </select>
      </label>
      <label>
        {ct('name')}
        <input required value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
      </label>
      <label>
        {t('login.email')}
        <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      <label>
        {ct('phone')}
        <input type="tel" value={phone} onChange={(e) => setPhone(e.target.value)} />
      </label>
      {teams.length > 0 && (
        <label>
          {ct('teams')}
          <select value={teamId} onChange={(e) => setTeamId(e.target.value)}>
            <option value="">—</option>
            {teams.map((team) => (
              <option key={team.id} value={team.id}>{team.name}</option>
            ))}
          </select>
        </label>
      )}
      {role !== 'citizen' && (
        <label>
          {ct('initialPassword')}
          <input type="password" autoComplete="new-password" minLength={12} value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
      )}
      <div className="form-end">
        <button type="submit" className="primary">{ct('addPerson')}</button>
        <Notice outcome={outcome} />
      </div>
    </form>
  );
}

function NewTeamForm({ onCreate }: { onCreate(name: string): Promise<Outcome> }) {
  const ct = useCoordinatorTexts();
  const [name, setName] = useState('');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    const result = await onCreate(name);
    setOutcome(result);
    if ('done' in result) setName('');
  };
  return (
    <form id="new-team-form" className="inline-form" aria-labelledby="new-team" onSubmit={(e) => void submit(e)}>
      <h2 id="new-team" className="form-title">{ct('newTeam')}</h2>
      <label className="grow">
        {ct('teamName')}
        <input required value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <button type="submit">{ct('addTeam')}</button>
      <Notice outcome={outcome} />
    </form>
  );
}
