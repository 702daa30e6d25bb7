import type { ReactNode } from 'react';

/** Duty's icons: inline SVG in the style of call/icons.tsx (shipped with the app). Decoration: a text always goes with them. */
function Icon({ children }: { children: ReactNode }) {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false"
      fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
      {children}
    </svg>
  );
}

/** Video: a camera. */
export const VideoIcon = () => (
  <Icon>
    <rect x="2" y="6" width="14" height="12" rx="2" />
    <path d="M16 10l6-3v10l-6-3z" />
  </Icon>
);

/** Telefon: a handset. */
export const PhoneIcon = () => (
  <Icon>
    <path d="M5 3h4l2 5-2.5 1.5a11 11 0 0 0 6 6L16 13l5 2v4a2 2 0 0 1-2 2A17 17 0 0 1 3 5a2 2 0 0 1 2-2z" />
  </Icon>
);

/** Skriv: a speech bubble with lines. */
export const WriteIcon = () => (
  <Icon>
    <path d="M4 4h16v12H8l-4 4z" />
    <path d="M8 9h8M8 12h5" />
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
export const DutyIcon = () => (
  <Icon>
    <path d="M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5z" />
  </Icon>
);
