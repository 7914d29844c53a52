/** Calendar days and time zones the way the API takes them: `from`/`to` as YYYY-MM-DD in the
 * client's zone, `timezoneoffset` in minutes with JavaScript's sign (-420 for GMT+7). */
export function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function daysAgo(days: number): string {
  const date = new Date();
  date.setDate(date.getDate() - days);
  return isoDay(date);
}

export function browserOffset(): number {
  return new Date().getTimezoneOffset();
}

export function offsetLabel(offset: number): string {
  const east = -offset;
  const sign = east >= 0 ? "+" : "-";
  const hours = Math.floor(Math.abs(east) / 60);
  const minutes = Math.abs(east) % 60;
  return `GMT${sign}${hours}${minutes ? `:${String(minutes).padStart(2, "0")}` : ""}`;
}

/** Whole and half hours from GMT-12 to GMT+14, plus the browser's own offset. */
export function offsetChoices(): number[] {
  const choices = new Set<number>([browserOffset()]);
  for (let east = -12 * 60; east <= 14 * 60; east += 60) choices.add(-east);
  [330, 345, 570, 210].forEach((east) => choices.add(-east));
  return [...choices].sort((a, b) => b - a);
}

/** The days from `from` to `to` inclusive (at most `limit`). */
export function daysBetween(from: string, to: string, limit = 366): string[] {
  const days: string[] = [];
  const cursor = new Date(`${from}T12:00:00`);
  const end = new Date(`${to}T12:00:00`);
  while (cursor <= end && days.length < limit) {
    days.push(isoDay(cursor));
    cursor.setDate(cursor.getDate() + 1);
  }
  return days;
}

/** A UTC instant as shown in the chosen zone. */
export function inZone(iso: string | null | undefined, offset: number): string {
  if (!iso) return "";
  const shifted = new Date(new Date(iso).getTime() - offset * 60_000);
  return shifted.toISOString().slice(0, 16).replace("T", " ");
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds < 10) return `${Math.round(seconds * 10) / 10} s`;
  const total = Math.round(seconds);
  if (total < 60) return `${total} s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes} min ${total % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
