import { useState } from 'react';
import type { StaffHelp } from '../../../protocol/volunteer-times';
import { api } from '../api';
import { errorText } from '../errors';
import { useI18n } from '../i18n/i18n';
import { InviteIcon } from '../ui/icons';
import { useVolunteerTimeTexts, type VolunteerTimeText } from './texts';

const SAID: Record<StaffHelp['reached'], VolunteerTimeText> = { contact_person: 'helpContact', duty: 'helpDuty', no_one: 'helpNoOne' };

/**
 * "Jeg har brug for hjælp fra en medarbejder", in the "Mere" sheet of a call a volunteer hosts: their contact person
 * is brought into the call; with none (or not active), the citizen's worker or the duty queue gets a request. The
 * volunteer is told which, right under the button.
 */
export function StaffHelpButton({ callId }: { callId: string }) {
  const v = useVolunteerTimeTexts();
  const { t } = useI18n();
  const [state, setState] = useState<{ busy: true } | { reached: StaffHelp['reached'] } | { failed: unknown } | null>(null);
  const ask = async () => {
    setState({ busy: true });
    try {
      setState(await api('POST /api/volunteer-calls/:callId/staff-help', { params: { callId } }));
    } catch (failed) {
      setState({ failed });
    }
  };
  return (
    <>
      <button type="button" className="menu-button" onClick={() => void ask()} disabled={state !== null && 'busy' in state}>
        <span className="menu-icon"><InviteIcon /></span>
        <span>{v('helpButton')}</span>
      </button>
      {state && 'busy' in state && <p role="status" className="staff-help-said">{v('helpBusy')}</p>}
      {state && 'reached' in state && <p role="status" className="staff-help-said">{v(SAID[state.reached])}</p>}
      {state && 'failed' in state && <p role="alert" className="staff-help-said error">{errorText(t, state.failed)}</p>}
    </>
  );
}
