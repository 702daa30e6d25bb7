/** The plan's icon for the call's menu, drawn as the call's own icons are (client/src/call/icons.tsx). */
export const CrisisPlanIcon = () => (
  <svg className="icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false"
    fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
    <path d="M12 21s-7-4.4-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 11c0 5.6-7 10-7 10z" />
    <path d="M9 12h6M12 9v6" />
  </svg>
);
