import { useEffect, useRef, useState, type PointerEvent } from 'react';

/** Where one's own picture sits on the stage. The stage ends above the bar and below the top strip: no corner covers them. */
export type Corner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';

const CORNERS: readonly Corner[] = ['bottom-right', 'bottom-left', 'top-left', 'top-right'];
const STORAGE_KEY = 'naervaer.selfViewCorner';

const isCorner = (value: unknown): value is Corner => CORNERS.some((c) => c === value);

/** The corner chosen, remembered for the browser session (a rejoin or a reload keeps it; a new visit starts over). */
export function useSelfViewCorner(): [Corner, (corner: Corner) => void] {
  const [corner, setCorner] = useState<Corner>(() => {
    const stored = sessionStorage.getItem(STORAGE_KEY);
    return isCorner(stored) ? stored : 'bottom-right';
  });
  const choose = (next: Corner) => {
    sessionStorage.setItem(STORAGE_KEY, next);
    setCorner(next);
  };
  return [corner, choose];
}

/** The keyboard's way to move it ("Flyt mit billede"): round the corners, clockwise from the bottom right. */
export function nextCorner(corner: Corner): Corner {
  return CORNERS[(CORNERS.indexOf(corner) + 1) % CORNERS.length]!;
}

/**
 * One's own camera as a small picture on the stage, mirrored as in a mirror (what people expect of a self-view). It
 * can be dragged with a finger or the mouse and snaps to the nearest corner when let go; while dragged it stays inside
 * the stage (which clips it), so it never lies over the bar.
 */
export function SelfView({ stream, label, corner, onCorner }: { stream: MediaStream; label: string; corner: Corner; onCorner(corner: Corner): void }) {
  const video = useRef<HTMLVideoElement>(null);
  const figure = useRef<HTMLElement>(null);
  const start = useRef<{ x: number; y: number; pointerId: number } | null>(null);
  const [offset, setOffset] = useState<{ x: number; y: number } | null>(null);
  useEffect(() => {
    if (video.current) video.current.srcObject = stream;
  }, [stream]);

  const down = (e: PointerEvent<HTMLElement>) => {
    if (e.button !== 0) return;
    start.current = { x: e.clientX, y: e.clientY, pointerId: e.pointerId };
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const move = (e: PointerEvent<HTMLElement>) => {
    if (start.current?.pointerId !== e.pointerId) return;
    setOffset({ x: e.clientX - start.current.x, y: e.clientY - start.current.y });
  };
  const up = (e: PointerEvent<HTMLElement>) => {
    if (start.current?.pointerId !== e.pointerId) return;
    start.current = null;
    const stage = figure.current?.parentElement?.getBoundingClientRect();
    const own = figure.current?.getBoundingClientRect();
    setOffset(null);
    if (!stage || !own) return;
    const top = own.top + own.height / 2 < stage.top + stage.height / 2;
    const left = own.left + own.width / 2 < stage.left + stage.width / 2;
    onCorner(`${top ? 'top' : 'bottom'}-${left ? 'left' : 'right'}`);
  };
  const cancel = () => {
    start.current = null;
    setOffset(null);
  };

  return (
    <figure ref={figure} className={`tile local corner-${corner}${offset ? ' dragging' : ''}`} data-corner={corner}
      style={offset ? { transform: `translate(${offset.x}px, ${offset.y}px)` } : undefined}
      onPointerDown={down} onPointerMove={move} onPointerUp={up} onPointerCancel={cancel}>
      <video ref={video} autoPlay playsInline muted className="local-video" />
      <figcaption>{label}</figcaption>
    </figure>
  );
}
