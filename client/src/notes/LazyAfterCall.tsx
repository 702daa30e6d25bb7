import { lazy, Suspense, type ComponentProps, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';

// The steps after a call, in their own chunks: the host's note and the citizen's question are fetched as the call ends.
const NoteStep = lazy(() => import('./NoteStep').then((m) => ({ default: m.NoteStep })));
const FeedbackStep = lazy(() => import('./FeedbackStep').then((m) => ({ default: m.FeedbackStep })));

function Loading({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  return <Suspense fallback={<p role="status">{t('app.loading')}</p>}>{children}</Suspense>;
}

/** The host's step after a video call: the note, in place of the call. */
export const LazyNoteStep = (props: ComponentProps<typeof NoteStep>) => <Loading><NoteStep {...props} /></Loading>;
/** The citizen's one question after a session. */
export const LazyFeedbackStep = (props: ComponentProps<typeof FeedbackStep>) => <Loading><FeedbackStep {...props} /></Loading>;
