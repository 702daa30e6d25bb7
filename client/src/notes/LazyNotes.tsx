import { lazy, Suspense } from 'react';
import { useI18n } from '../i18n/i18n';
import type { NotesScreen } from './NotesPage';

// Notes, Forløb and "Det skrev vi" are opened now and then, not on the first visit: a chunk of their own (the first
// download has a budget, tests/budget.test.ts), fetched when one of their screens opens.
const NotesPage = lazy(() => import('./NotesPage').then((m) => ({ default: m.NotesPage })));

/** Forløb (/citizens/<id>), a note (/notes/<id>, /notes/new?…) and the citizen's "Det skrev vi" (/our-notes). */
export function LazyNotes({ screen }: { screen: NotesScreen }) {
  const { t } = useI18n();
  return (
    <Suspense fallback={<p role="status">{t('app.loading')}</p>}>
      <NotesPage screen={screen} />
    </Suspense>
  );
}
