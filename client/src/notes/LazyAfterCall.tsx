import { lazy, type ComponentProps } from 'react';
import { Loading } from '../ui/Loading';

// The steps after a call, in their own chunks: the host's note and the citizen's question are fetched as the call ends.
const NoteStep = lazy(() => import('./NoteStep').then((m) => ({ default: m.NoteStep })));
const FeedbackStep = lazy(() => import('./FeedbackStep').then((m) => ({ default: m.FeedbackStep })));


/** The host's step after a video call: the note, in place of the call. */
export const LazyNoteStep = (props: ComponentProps<typeof NoteStep>) => <Loading><NoteStep {...props} /></Loading>;
/** The citizen's one question after a session. */
export const LazyFeedbackStep = (props: ComponentProps<typeof FeedbackStep>) => <Loading><FeedbackStep {...props} /></Loading>;
