import { useEffect, useState, type MouseEvent, type ReactNode } from 'react';
import { api } from '../api';
import type { Role } from '../../../protocol/common';
import type { TextKey } from '../i18n/da';
import { useI18n } from '../i18n/i18n';
import { navigate, screenPath, type Destination, type Screen } from '../router';
import { VolunteerIcon } from '../ui/icons';
import { CalendarIcon, ChartIcon, DutyIcon, PeopleIcon, TodayIcon } from '../ui/icons';

interface Tab {
  screen: Destination;
  label: TextKey;
  icon: ReactNode;
}

const today: Tab = { screen: { name: 'home' }, label: 'nav.today', icon: <TodayIcon /> };

/**
 * The staff's places, by role. Room for what comes (duty, notes, volunteers): a tab is one line here and a screen in
 * workspace/StaffScreen.tsx. A volunteer has one place only, so no bar at all.
 */
function tabsOf(role: Role, onDuty: boolean): Tab[] {
  // Vagt while on a shift (or while looking at it: the tab does not vanish under the finger when a shift ends).
  const duty: Tab[] = onDuty ? [{ screen: { name: 'duty' }, label: 'nav.duty', icon: <DutyIcon /> }] : [];
  const volunteers: Tab = { screen: { name: 'volunteers' }, label: 'nav.volunteers', icon: <VolunteerIcon /> };
  const figures: Tab = { screen: { name: 'statistics' }, label: 'nav.statistics', icon: <ChartIcon /> };
  switch (role) {
    case 'worker':
      return [today, { screen: { name: 'people' }, label: 'nav.citizens', icon: <PeopleIcon /> }, { screen: { name: 'agenda' }, label: 'nav.calendar', icon: <CalendarIcon /> }, figures, volunteers, ...duty];
    case 'coordinator':
      return [today, { screen: { name: 'people' }, label: 'nav.people', icon: <PeopleIcon /> }, { screen: { name: 'roster' }, label: 'nav.roster', icon: <CalendarIcon /> }, figures, volunteers, ...duty];
    default:
      return [];
  }
}

/**
 * I dag · Borgere · Kalender: a bar at the bottom of a phone (where the thumb is, as in the apps people know), tabs
 * under the top bar on a wider screen. Real links to real paths, so a long press, a new tab, back and reload work;
 * a plain click stays in the app.
 */
export function StaffNav({ role, screen }: { role: Role; screen: Screen }) {
  const { t } = useI18n();
  const onDuty = useOnDuty(role);
  const tabs = tabsOf(role, onDuty || screen.name === 'duty');
  if (tabs.length < 2) return null;
  const open = (event: MouseEvent, tab: Tab) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button !== 0) return;
    event.preventDefault();
    if (tab.screen.name !== screen.name) navigate(tab.screen);
  };
  return (
    <nav className="staff-nav" aria-label={t('nav.label')}>
      <ul>
        {tabs.map((tab) => (
          <li key={tab.screen.name}>
            <a href={screenPath(tab.screen)} aria-current={tab.screen.name === screen.name || (tab.screen.name === 'people' && screen.name === 'citizen-crisis-plan') ? 'page' : undefined} onClick={(e) => open(e, tab)}>
              {tab.icon}
              <span>{t(tab.label)}</span>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Whether I am on a duty shift now (GET /api/duty/me), asked once per sign-in; staff who run sessions only. */
function useOnDuty(role: Role): boolean {
  const [onDuty, setOnDuty] = useState(false);
  useEffect(() => {
    if (role === 'worker' || role === 'coordinator') api('GET /api/duty/me').then((duty) => setOnDuty(duty.onDutyNow), () => undefined);
  }, [role]);
  return onDuty;
}
