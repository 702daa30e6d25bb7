import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { Me } from '../../../protocol/auth';
import type { Role } from '../../../protocol/common';
import type { CreateUserBody, Team, User } from '../../../protocol/people';
import { api } from '../api';
import { errorText } from '../errors';
import type { TextKey } from '../i18n/da';
import { useI18n } from '../i18n/i18n';
import { LinkButton } from './LinkButton';

const ROLES: Role[] = ['citizen', 'worker', 'volunteer', 'coordinator'];

export function CoordinatorHome({ me }: { me: Me }) {
  const { t } = useI18n();
  const [users, setUsers] = useState<User[]>([]);
  const [teams, setTeams] = useState<Team[]>([]);
  // What happened, not its text: the text follows a language switch.
  const [message, setMessage] = useState<{ done: TextKey } | { failed: unknown } | null>(null);

  const load = useCallback(async () => {
    const [u, tm] = await Promise.all([api('GET /api/users', { query: { includeInactive: 'true' } }), api('GET /api/teams')]);
    setUsers(u);
    setTeams(tm);
  }, []);
  useEffect(() => {
    load().catch((e: unknown) => setMessage({ failed: e }));
  }, [load]);

  const run = async (work: () => Promise<unknown>, success: TextKey) => {
    setMessage(null);
    try {
      await work();
      setMessage({ done: success });
      await load();
      return true;
    } catch (e) {
      setMessage({ failed: e });
      return false;
    }
  };

  const workers = users.filter((u) => u.role === 'worker' && u.active);
  const citizens = users.filter((u) => u.role === 'citizen' && u.active);

  return (
    <div className="coordinator">
      {message && ('done' in message ? <p role="status" className="ok">{t(message.done)}</p> : <p role="alert" className="error">{errorText(t, message.failed)}</p>)}
      <NewPersonForm teams={teams} onCreate={(body) => run(() => api('POST /api/users', { body }), 'coordinator.created')} />
      <AssignForm workers={workers} citizens={citizens} onAssign={(w, c) => run(() => api('PUT /api/workers/:workerId/caseload/:citizenId', { params: { workerId: w, citizenId: c } }), 'coordinator.assigned')} />
      <h2>{t('coordinator.people')}</h2>
      <ul className="list">
        {users.map((user) => (
          <li key={user.id}>
            <span className="name">
              {user.displayName} <span className="badge">{t(`role.${user.role}`)}</span>
              {!user.active && <em> ({t('coordinator.inactive')})</em>}
              {user.signInLocked && <em> ({t('coordinator.locked')})</em>}
            </span>
            {user.signInLocked && (
              <button type="button" onClick={() => void run(() => api('POST /api/users/:userId/unlock', { params: { userId: user.id } }), 'coordinator.unlocked')}>
                {t('coordinator.unlock')}
              </button>
            )}
            {user.role === 'citizen' && user.active && <LinkButton citizenId={user.id} name={user.displayName} />}
            {user.active && user.id !== me.user.id && (
              <button type="button" onClick={() => void run(() => api('POST /api/users/:userId/deactivate', { params: { userId: user.id } }), 'coordinator.deactivated')}>
                {t('coordinator.deactivate')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <TeamsSection teams={teams} onCreate={(name) => run(() => api('POST /api/teams', { body: { name } }), 'coordinator.created')} />
    </div>
  );
}

function NewPersonForm({ teams, onCreate }: { teams: Team[]; onCreate(body: CreateUserBody): Promise<boolean> }) {
  const { t } = useI18n();
  const [role, setRole] = useState<Role>('citizen');
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [teamId, setTeamId] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body: CreateUserBody = { role, displayName };
    if (email) body.email = email;
    if (phone) body.phone = phone;
    if (teamId) body.teamId = teamId;
    if (role !== 'citizen') body.password = password;
    if (await onCreate(body)) {
      setDisplayName('');
      setEmail('');
      setPhone('');
      setPassword('');
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} className="grid-form" aria-labelledby="new-person">
      <h2 id="new-person">{t('coordinator.newPerson')}</h2>
      <label>
        {t('coordinator.role')}
        <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>{t(`role.${r}`)}</option>
          ))}
        </select>
      </label>
      <label>
        {t('coordinator.name')}
        <input required value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
      </label>
      <label>
        {t('login.email')}
        <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      <label>
        {t('coordinator.phone')}
        <input type="tel" value={phone} onChange={(e) => setPhone(e.target.value)} />
      </label>
      {teams.length > 0 && (
        <label>
          {t('coordinator.teams')}
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
          {t('coordinator.initialPassword')}
          <input type="password" autoComplete="new-password" minLength={12} value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
      )}
      <button type="submit" className="primary">{t('coordinator.addPerson')}</button>
    </form>
  );
}

function AssignForm({ workers, citizens, onAssign }: { workers: User[]; citizens: User[]; onAssign(workerId: string, citizenId: string): Promise<boolean> }) {
  const { t } = useI18n();
  const [workerId, setWorkerId] = useState('');
  const [citizenId, setCitizenId] = useState('');
  if (workers.length === 0 || citizens.length === 0) return null;
  return (
    <form className="grid-form" aria-labelledby="assign" onSubmit={(e) => { e.preventDefault(); if (workerId && citizenId) void onAssign(workerId, citizenId); }}>
      <h2 id="assign">{t('coordinator.caseload')}</h2>
      <label>
        {t('coordinator.worker')}
        <select required value={workerId} onChange={(e) => setWorkerId(e.target.value)}>
          <option value="">—</option>
          {workers.map((w) => <option key={w.id} value={w.id}>{w.displayName}</option>)}
        </select>
      </label>
      <label>
        {t('coordinator.citizen')}
        <select required value={citizenId} onChange={(e) => setCitizenId(e.target.value)}>
          <option value="">—</option>
          {citizens.map((c) => <option key={c.id} value={c.id}>{c.displayName}</option>)}
        </select>
      </label>
      <button type="submit">{t('coordinator.assign')}</button>
    </form>
  );
}

function TeamsSection({ teams, onCreate }: { teams: Team[]; onCreate(name: string): Promise<boolean> }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  return (
    <>
      <h2>{t('coordinator.teams')}</h2>
      <ul className="list">
        {teams.map((team) => <li key={team.id}>{team.name}</li>)}
      </ul>
      <form className="inline-form" onSubmit={(e) => { e.preventDefault(); void onCreate(name).then((ok) => ok && setName('')); }}>
        <label>
          {t('coordinator.teamName')}
          <input required value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit">{t('coordinator.addTeam')}</button>
      </form>
    </>
  );
}
