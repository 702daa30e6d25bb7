import { useEffect, useId, useState, type FormEvent } from 'react';
import { api } from '../api';
import { Notice } from '../ui/Notice';
import { useStatisticsTexts } from './texts';

/**
 * A citizen's one-way distance and travel time from the team's base, set once (PUT /api/citizens/:id/travel): from
 * them the figures count the travel a video or phone session saved instead of a home visit. Shown under the
 * citizen's row when its "Afstand" button is pressed; opening it reads the distance (audited, as any read of a
 * citizen's data).
 */
export function TravelPanel({ id, open, citizenId, name }: { id: string; open: boolean; citizenId: string; name: string }) {
  const s = useStatisticsTexts();
  const [km, setKm] = useState('');
  const [minutes, setMinutes] = useState('');
  const [outcome, setOutcome] = useState<{ ok: true } | { failed: unknown } | null>(null);
  useEffect(() => {
    if (!open) return;
    api('GET /api/citizens/:citizenId/travel', { params: { citizenId } }).then(
      (travel) => {
        setKm(travel.km === null ? '' : String(travel.km).replace('.', ','));
        setMinutes(travel.minutes === null ? '' : String(travel.minutes));
      },
      (failed: unknown) => setOutcome({ failed }),
    );
  }, [citizenId, open]);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    const parsedKm = km.trim() === '' ? null : Math.round(Number(km.replace(',', '.')) * 10) / 10;
    const parsedMinutes = minutes.trim() === '' ? null : Number(minutes);
    try {
      await api('PUT /api/citizens/:citizenId/travel', { params: { citizenId }, body: { km: parsedKm, minutes: parsedMinutes } });
      setOutcome({ ok: true });
    } catch (failed) {
      setOutcome({ failed });
    }
  };
  return (
    <form id={id} hidden={!open} className="travel-panel" onSubmit={(e) => void save(e)} aria-label={`${s('travelTitle')}: ${name}`}>
      <p className="hint-inline">{s('travelHint')}</p>
      <div className="travel-fields">
        <label>{s('travelKm')}<input inputMode="decimal" pattern="[0-9]{1,4}([,.][0-9])?" value={km} onChange={(e) => setKm(e.target.value)} /></label>
        <label>{s('travelMinutes')}<input inputMode="numeric" pattern="[0-9]{1,4}" value={minutes} onChange={(e) => setMinutes(e.target.value)} /></label>
      </div>
      <button type="submit" className="primary">{s('travelSave')}</button>
      {outcome && 'ok' in outcome ? <p role="status" className="notice notice-ok">{s('travelSaved')}</p> : <Notice outcome={outcome} />}
    </form>
  );
}

/** The row's "Afstand" button and whether its panel is open (as the sign-in link's panel, workspace/LinkPanel.tsx). */
export function useTravelPanel(): { open: boolean; panelId: string; toggle: { 'aria-expanded': boolean; 'aria-controls': string; onClick(): void } } {
  const panelId = useId();
  const [open, setOpen] = useState(false);
  return { open, panelId, toggle: { 'aria-expanded': open, 'aria-controls': panelId, onClick: () => setOpen(!open) } };
}

export function TravelButton(toggle: ReturnType<typeof useTravelPanel>['toggle']) {
  const s = useStatisticsTexts();
  return <button type="button" className="col-second" {...toggle}>{s('travelButton')}</button>;
}
