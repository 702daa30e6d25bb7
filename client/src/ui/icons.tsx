import type { ReactNode } from 'react';

/**
 * The app's one icon set, drawn inline and shipped with the app: no icon font, no CDN (a citizen on a cheap phone
 * with prepaid data downloads nothing extra, and nothing leaves for a third party). Each icon is decoration only:
 * the control around it carries the accessible name in its visible label. A screen imports only the icons it draws,
 * so the lazy call and staff chunks keep theirs out of the first download.
 */
function Icon({ children }: { children: ReactNode }) {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false"
      fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
      {children}
    </svg>
  );
}

/* In a call */

export const MicIcon = () => (
  <Icon>
    <rect x="9" y="2" width="6" height="12" rx="3" />
    <path d="M5 10v1a7 7 0 0 0 14 0v-1M12 18v4M8 22h8" />
  </Icon>
);

export const MicOffIcon = () => (
  <Icon>
    <path d="M15 9.3V5a3 3 0 0 0-5.7-1.3M9 9v2a3 3 0 0 0 5.1 2.1" />
    <path d="M19 10v1a7 7 0 0 1-.9 3.4M5 10v1a7 7 0 0 0 11.2 5.6M12 18v4M8 22h8M3 3l18 18" />
  </Icon>
);

/** The camera on or off in a call, and "Start video" wherever a call is begun. */
export const CameraIcon = () => (
  <Icon>
    <rect x="2" y="6" width="14" height="12" rx="2" />
    <path d="M16 10.5l6-3.5v10l-6-3.5z" />
  </Icon>
);

export const CameraOffIcon = () => (
  <Icon>
    <path d="M10.7 6H14a2 2 0 0 1 2 2v3.3l6-4.3v10M16 16a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h2M3 3l18 18" />
  </Icon>
);

export const SwitchCameraIcon = () => (
  <Icon>
    <path d="M4 8h3l2-3h6l2 3h3a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V9a1 1 0 0 1 1-1z" />
    <path d="M9 13a3 3 0 0 1 5.2-2M15 13a3 3 0 0 1-5.2 2M14.5 9.5v1.7h-1.7M9.5 16.5v-1.7h1.7" />
  </Icon>
);

/** Sound only: headphones (no picture). */
export const AudioOnlyIcon = () => (
  <Icon>
    <path d="M3 18v-6a9 9 0 0 1 18 0v6" />
    <path d="M21 19a2 2 0 0 1-2 2h-1v-6h3zM3 19a2 2 0 0 0 2 2h1v-6H3z" />
  </Icon>
);

export const ChatIcon = () => (
  <Icon>
    <path d="M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.6A8 8 0 1 1 21 12z" />
  </Icon>
);

/** Leaving or ending: the handset put down. */
export const LeaveIcon = () => (
  <Icon>
    <path d="M2.5 14.5c5.2-4.7 13.8-4.7 19 0l-2.2 2.7a1 1 0 0 1-1.3.2l-2.6-1.6a1 1 0 0 1-.5-.9v-1.8a12 12 0 0 0-5.8 0v1.8a1 1 0 0 1-.5.9l-2.6 1.6a1 1 0 0 1-1.3-.2z" />
  </Icon>
);

/** Closing the chat sheet: down, back to the call. */
export const CloseSheetIcon = () => (
  <Icon>
    <path d="M6 9l6 6 6-6" />
  </Icon>
);

/** "Mere": three dots. */
export const MoreIcon = () => (
  <Icon>
    <circle cx="5" cy="12" r="1.5" fill="currentColor" />
    <circle cx="12" cy="12" r="1.5" fill="currentColor" />
    <circle cx="19" cy="12" r="1.5" fill="currentColor" />
  </Icon>
);

/** Bringing a colleague in: a person with a plus. */
export const InviteIcon = () => (
  <Icon>
    <circle cx="9" cy="8" r="4" />
    <path d="M2 21v-1a6 6 0 0 1 6-6h2a6 6 0 0 1 6 6v1M19 8v6M16 11h6" />
  </Icon>
);

/** Moving one's own picture to another corner. */
export const MovePictureIcon = () => (
  <Icon>
    <rect x="3" y="4" width="18" height="16" rx="2" />
    <rect x="12" y="12" width="7" height="6" rx="1" />
    <path d="M6 8l3 3M6 8h2.5M6 8v2.5" />
  </Icon>
);

/** Writing a line to someone waiting (the chat itself is ChatIcon). */
export const WriteIcon = () => (
  <Icon>
    <path d="M4 20h4L19 9a2.8 2.8 0 0 0-4-4L4 16z" />
  </Icon>
);

/** Kriseplan: a heart with a cross. */
export const CrisisPlanIcon = () => (
  <Icon>
    <path d="M12 21s-7-4.4-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 11c0 5.6-7 10-7 10z" />
    <path d="M9 12h6M12 9v6" />
  </Icon>
);

/** Turning on notifications: a bell. */
export const BellIcon = () => (
  <Icon>
    <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
    <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
  </Icon>
);

/* Staff navigation */

/** I dag: a sun. */
export const TodayIcon = () => (
  <Icon>
    <circle cx="12" cy="12" r="4" />
    <path d="M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4" />
  </Icon>
);

/** Borgere / Personer: two people. */
export const PeopleIcon = () => (
  <Icon>
    <circle cx="9" cy="8" r="3.5" />
    <path d="M2.5 20a6.5 6.5 0 0 1 13 0" />
    <path d="M16 4.6a3.5 3.5 0 0 1 0 6.8M18 14.2a6.5 6.5 0 0 1 3.5 5.8" />
  </Icon>
);

/** Kalender. */
export const CalendarIcon = () => (
  <Icon>
    <rect x="3" y="4.5" width="18" height="16" rx="2" />
    <path d="M3 9.5h18M8 2.5v4M16 2.5v4" />
  </Icon>
);

/** Tal: bars of a chart. */
export const ChartIcon = () => (
  <Icon>
    <path d="M3 20.5h18M6 17V11M11 17V6M16 17v-8M20.5 17v-4" />
  </Icon>
);

/* Duty and the crisis plan */

/** Ringing a number (tel: links): a handset. */
export const PhoneIcon = () => (
  <Icon>
    <path d="M5 3h4l2 5-2.5 1.5a11 11 0 0 0 6 6L16 13l5 2v4a2 2 0 0 1-2 2A17 17 0 0 1 3 5a2 2 0 0 1 2-2z" />
  </Icon>
);

/** Talking to someone: two bubbles. */
export const TalkIcon = () => (
  <Icon>
    <path d="M3 4h12v9H7l-4 3z" />
    <path d="M9 16v1h8l4 3V8h-3" />
  </Icon>
);

/** Vagt: a moon (evenings and nights). */
/** Frivillige: two hands held (a volunteer's support). */
export const VolunteerIcon = () => (
  <Icon>
    <circle cx="8" cy="6" r="3" />
    <circle cx="16" cy="6" r="3" />
    <path d="M3 21v-4a5 5 0 0 1 9-3 5 5 0 0 1 9 3v4" />
  </Icon>
);

export const DutyIcon = () => (
  <Icon>
    <path d="M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5z" />
  </Icon>
);

/* The citizen's answer after a session: three faces */

export const FaceGoodIcon = () => (
  <Icon>
    <circle cx="12" cy="12" r="10" />
    <path d="M8 14a5 5 0 0 0 8 0M9 9.5h.01M15 9.5h.01" />
  </Icon>
);

export const FaceOkIcon = () => (
  <Icon>
    <circle cx="12" cy="12" r="10" />
    <path d="M8 15h8M9 9.5h.01M15 9.5h.01" />
  </Icon>
);

export const FaceBadIcon = () => (
  <Icon>
    <circle cx="12" cy="12" r="10" />
    <path d="M8 16.5a5 5 0 0 1 8 0M9 9.5h.01M15 9.5h.01" />
  </Icon>
);
