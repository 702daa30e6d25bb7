import type { Me } from '../../../protocol/auth';
import { AgendaPage } from '../pages/AgendaPage';
import { PeoplePage } from '../pages/PeoplePage';
import { WorkerHome } from '../pages/WorkerHome';
import { DutyScreen } from '../duty/DutyScreen';
import { RosterScreen } from '../duty/RosterScreen';
import { VolunteerHome } from './VolunteerHome';
import { VolunteersScreen } from '../volunteers/VolunteersScreen';
import { FollowUpScreen } from '../follow-up/FollowUpScreen';

export { StaffNav } from './StaffNav';

export type StaffPlace = 'home' | 'volunteers' | 'people' | 'agenda' | 'duty' | 'roster' | 'follow-ups';

/** The staff's screens, by place and role (which role may open which place is App's mayOpen). */
export function StaffScreen({ place, me }: { place: StaffPlace; me: Me }) {
  switch (place) {
    case 'home':
      return me.user.role === 'volunteer' ? <VolunteerHome me={me} /> : <WorkerHome me={me} />;
    case 'people':
      return <PeoplePage me={me} />;
    case 'agenda':
      return <AgendaPage me={me} />;
    case 'duty':
      return <DutyScreen />;
    case 'roster':
      return <RosterScreen />;
    case 'volunteers':
      return <VolunteersScreen me={me} />;
    case 'follow-ups':
      return <FollowUpScreen />;
  }
}
