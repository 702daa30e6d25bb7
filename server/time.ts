/**
 * Local wall-clock time in the organisation's IANA zone ↔ UTC instants. Appointments are entered and shown as local
 * times ("2026-03-29T10:00" in Europe/Copenhagen) and stored as timestamptz. Times that do not exist (the hour
 * skipped in spring) are refused; times that exist twice (the hour repeated in autumn) mean the first of the two.
 */

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

const formatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** "YYYY-MM-DDTHH:mm" of an instant in a zone. */
export function toLocal(instant: Date, zone: string): string {
  const p = Object.fromEntries(partsFormatter(zone).formatToParts(instant).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** The instant a local wall-clock time denotes, or undefined when that local time does not exist. */
export function fromLocal(local: string, zone: string): Date | undefined {
  const m = LOCAL.exec(local);
  if (!m) return undefined;
  const naive = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  if (Number.isNaN(naive)) return undefined;
  // The zone's offset is one of the offsets in force half a day either side; try both, keep the ones that fit.
  const offsets = [naive - 12 * 3600_000, naive + 12 * 3600_000].map((t) => offsetMs(new Date(t), zone));
  const fits = [...new Set(offsets)].map((o) => naive - o).filter((t) => toLocal(new Date(t), zone) === local).sort((a, b) => a - b);
  return fits.length > 0 ? new Date(fits[0]!) : undefined;
}

function offsetMs(instant: Date, zone: string): number {
  const local = toLocal(instant, zone);
  const m = LOCAL.exec(local)!;
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  return asUtc - Math.floor(instant.getTime() / 60_000) * 60_000;
}

/** The same wall-clock time n weeks later (so a weekly 10:00 stays 10:00 across DST changes). */
export function addWeeks(local: string, weeks: number): string {
  const m = LOCAL.exec(local)!;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + weeks * 7));
  return `${d.toISOString().slice(0, 10)}T${m[4]}:${m[5]}`;
}

/** "mandag 30. marts kl. 10.00" — the form used in reminders and on the citizen's list. */
export function danishDateTime(instant: Date, zone: string): string {
  const date = new Intl.DateTimeFormat('da-DK', { timeZone: zone, weekday: 'long', day: 'numeric', month: 'long' }).format(instant);
  const time = new Intl.DateTimeFormat('da-DK', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant);
  return `${date} kl. ${time}`;
}
