import { useEffect, useState } from 'react';
import type { MyVolunteers, VolunteerCard as Card, VolunteerKind } from '../../../protocol/volunteers';
import { api } from '../api';
import { useI18n } from '../i18n/i18n';
import { INTL_LOCALE } from '../i18n/locale';
import { ConfirmButton } from '../ui/ConfirmButton';
import { Notice, type Outcome } from '../ui/Notice';
import { useCitizenVolunteerTexts, type CitizenVolunteerText } from './citizenTexts';

/** "dansk, engelsk": the volunteer's languages as the citizen's language names them. */
function languageNames(codes: string[], locale: keyof typeof INTL_LOCALE): string {
  const names = new Intl.DisplayNames([INTL_LOCALE[locale]], { type: 'language' });
  return codes.map((c) => names.of(c) ?? c).join(', ');
}

/**
 * Volunteers on the citizen's home: a proposal to answer ("Ja tak" / "Nej tak") with only the volunteer's chosen name,
 * kind and presentation; their volunteers; who stopped (never why); and the two ways to ask for one. Nothing shows
 * while it loads, so the home above never jumps.
 */
export function VolunteerCard() {
  const v = useCitizenVolunteerTexts();
  const { locale } = useI18n();
  const [mine, setMine] = useState<MyVolunteers | null>(null);
  const [said, setSaid] = useState<{ text: CitizenVolunteerText; name?: string } | null>(null);
  const [failure, setFailure] = useState<Outcome | null>(null);
  useEffect(() => {
    api('GET /api/my/volunteers').then(setMine, () => undefined);
  }, []);
  if (!mine) return null;

  const run = async (work: () => Promise<MyVolunteers>, then: { text: CitizenVolunteerText; name?: string } | null) => {
    setFailure(null);
    try {
      setMine(await work());
      setSaid(then);
    } catch (failed) {
      setFailure({ failed });
    }
  };
  const decide = (card: Card, accept: boolean) =>
    run(() => api('POST /api/my/volunteers/:matchId/decide', { params: { matchId: card.matchId }, body: { accept } }), accept ? { text: 'accepted', name: card.chosenName } : { text: 'declined' });
  // The list below then says "<name> er ikke længere din frivillige".
  const end = (card: Card) => run(() => api('POST /api/my/volunteers/:matchId/end', { params: { matchId: card.matchId } }), null);
  const ask = (kind: VolunteerKind) => run(() => api('POST /api/my/volunteer-wishes', { body: { kind } }), { text: 'asked' });
  const kinds: VolunteerKind[] = ['peer', 'it_helper'];
  const askable = kinds.filter((k) => !mine.wishes.includes(k) && !mine.active.some((a) => a.kind === k) && !mine.proposals.some((p) => p.kind === k));

  return (
    <section className="volunteer-home" aria-labelledby="volunteer-home-title">
      <h2 id="volunteer-home-title">{v('title')}</h2>
      {mine.proposals.map((card) => (
        <article key={card.matchId} className="volunteer-proposal" aria-labelledby={`proposal-${card.matchId}`}>
          <h3 id={`proposal-${card.matchId}`}>{v('proposal', { name: card.chosenName })}</h3>
          <p className="volunteer-kind">{v(card.kind)}</p>
          {card.presentation && <p className="volunteer-presentation">{card.presentation}</p>}
          <p className="volunteer-languages">{v('languages', { languages: languageNames(card.languages, locale) })}</p>
          <div className="volunteer-answer">
            <button type="button" className="primary big-button" onClick={() => void decide(card, true)}>{v('yes')}</button>
            <button type="button" className="big-button" onClick={() => void decide(card, false)}>{v('no')}</button>
          </div>
        </article>
      ))}
      {mine.active.map((card) => (
        <div key={card.matchId} className="volunteer-mine">
          <p><strong>{v('yours', { name: card.chosenName })}</strong></p>
          <p className="volunteer-kind">{v(card.kind)}</p>
          <ConfirmButton label={v('endIt', { name: card.chosenName })} question={v('endQuestion', { name: card.chosenName })} confirmLabel={v('endYes')} onConfirm={() => void end(card)} />
        </div>
      ))}
      {mine.ended.map((e) => <p key={e.matchId} className="volunteer-ended">{v('ended', { name: e.chosenName })}</p>)}
      {said && <p role="status" className="notice notice-ok">{v(said.text, said.name ? { name: said.name } : {})}</p>}
      <Notice outcome={failure} />
      {askable.length > 0 && (
        <div className="volunteer-ask">
          {askable.map((kind) => (
            <button key={kind} type="button" onClick={() => void ask(kind)}>{v(kind === 'peer' ? 'askPeer' : 'askIt')}</button>
          ))}
        </div>
      )}
    </section>
  );
}
