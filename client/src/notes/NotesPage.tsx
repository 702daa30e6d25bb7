import type { Screen } from '../router';
import { NoteScreen } from './NoteScreen';
import { OurNotes } from './OurNotes';
import { Timeline } from './Timeline';

export type NotesScreen = Extract<Screen, { name: 'citizen-timeline' | 'note' | 'new-note' | 'our-notes' }>;

/** The notes' own screens, by address: one lazy chunk for all of them (App imports only LazyNotes). */
export function NotesPage({ screen }: { screen: NotesScreen }) {
  switch (screen.name) {
    case 'citizen-timeline':
      return <Timeline citizenId={screen.citizenId} />;
    case 'note':
    case 'new-note':
      return <NoteScreen screen={screen} />;
    case 'our-notes':
      return <OurNotes />;
  }
}
