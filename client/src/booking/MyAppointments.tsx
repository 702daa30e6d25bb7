import { useCallback, useEffect, useState } from 'react';
import type { MyAppointment } from '../../../protocol/booking';
import { api } from '../api';
import { AppointmentCard } from '../citizen/AppointmentCard';
import { useOnline } from '../citizen/online';
import { firstName } from '../citizen/when';
import { useI18n } from '../i18n/i18n';

type List = { kind: 'loading' } | { kind: 'shown'; items: MyAppointment[] } | { kind: 'unreachable' };

/**
 * "Mine aftaler": the next appointment first and big (`featureNext`, when no session is waiting to be joined), the
 * others below it under "Senere". Offline, the service worker answers with the list last fetched (client/src/sw.ts)
 * and the screen says so; `readOnly` leaves out what needs the server (the offline screen, before anyone is known).
 */
export function MyAppointments({ featureNext, readOnly = false, offline = false }: { featureNext: boolean; readOnly?: boolean; offline?: boolean }) {
  const { t } = useI18n();
  const online = useOnline();
  const [list, setList] = useState<List>({ kind: 'loading' });
  const load = useCallback(
    () => api('GET /api/my/appointments').then((items) => setList({ kind: 'shown', items }), () => setList((previous) => (previous.kind === 'shown' ? previous : { kind: 'unreachable' }))),
    [],
  );
  useEffect(() => {
    void load();
  }, [load, online]);

  const items = list.kind === 'shown' ? list.items : [];
  const [first, ...rest] = items;
  const featured = featureNext ? first : undefined;
  const later = featured ? rest : items;
  const isOffline = offline || !online;

  // Offline before anyone is known, with nothing kept on this phone: only the note (it may not be a citizen's phone).
  if (readOnly && isOffline && list.kind === 'unreachable') return <p role="status" className="offline-note">{t('citizen.offlineNothing')}</p>;
  // …and while the kept copy is still being asked for, nothing yet: not an empty "Mine aftaler" that may never fill.
  if (readOnly && isOffline && list.kind === 'loading') return null;

  return (
    <section aria-labelledby="mine-title" className="my-appointments">
      <h2 id="mine-title">{t('mine.title')}</h2>
      {isOffline && <p role="status" className="offline-note">{list.kind === 'shown' ? t('citizen.offline') : t('citizen.offlineNothing')}</p>}
      {list.kind === 'shown' && items.length === 0 && (
        <>
          <p className="big">{t('citizen.nothing')}</p>
          {!readOnly && <p>{t('citizen.nothingHint', { name: t('citizen.yourWorker') })}</p>}
        </>
      )}
      {featured && (
        <>
          <h3 className="next-title">{t('citizen.next')}</h3>
          <ul className="appointment-list">
            <AppointmentCard appointment={featured} next readOnly={readOnly || isOffline} onChanged={() => void load()} />
          </ul>
        </>
      )}
      {later.length > 0 && (
        <>
          {featured && <h3 className="later-title">{t('citizen.later')}</h3>}
          <ul className="appointment-list">
            {later.map((a) => (
              <AppointmentCard key={a.id} appointment={a} next={false} readOnly={readOnly || isOffline} onChanged={() => void load()} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** The worker's first name from the citizen's appointments, for texts such as "et nyt link fra Bo". */
export function useWorkerName(): string | null {
  const [name, setName] = useState<string | null>(null);
  useEffect(() => {
    api('GET /api/my/appointments').then((items) => setName(items[0] ? firstName(items[0].workerName) : null), () => undefined);
  }, []);
  return name;
}
