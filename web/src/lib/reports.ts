/** The Overview's figures. The reports endpoints (`/dashboard/kpis`, `/series`, `/heatmap`) give
 * them directly; where a dashboard does not have them yet (404), they are worked out from the
 * contract's count and list endpoints instead, and say so. */
import { ApiError, call, type Params } from "./api";
import { daysBetween, isoDay } from "./dates";

export interface Range {
  from: string;
  to: string;
  timezoneoffset: number;
}

export interface Figures {
  calls: number;
  leads: number;
  answered: number;
  missed: number;
  answerRate: number | null;
  timeToAnswer: { p50: number | null; p90: number | null } | null;
  note?: string;
}

export interface DayCount {
  day: string;
  calls: number;
}

/** missed[weekday 0=Monday][hour 0-23] */
export interface Heatmap {
  missed: number[][];
  note?: string;
}

const ANSWERED = "streaming,completed,expired";

function isMissing(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 404 || error.status === 405);
}

function rangeParams(range: Range): Params {
  return { from: range.from, to: range.to, timezoneoffset: range.timezoneoffset };
}

export async function figures(token: string, range: Range): Promise<Figures> {
  try {
    const k = await call<any>("GET", "/dashboard/kpis", { token, params: rangeParams(range) });
    return {
      calls: k.calls, leads: k.leads, answered: k.answered, missed: k.missed,
      answerRate: k.answerRate ?? (k.calls ? k.answered / k.calls : null),
      timeToAnswer: k.timeToAnswer ? { p50: k.timeToAnswer.p50 ?? null, p90: k.timeToAnswer.p90 ?? null } : null,
    };
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  const params = rangeParams(range);
  const count = (path: string, extra: Params = {}) =>
    call<{ count: number }>("GET", path, { token, params: { ...params, ...extra } }).then((r) => r.count);
  const [calls, leads, answered, missed, latest] = await Promise.all([
    count("/dashboard/countcall"), count("/dashboard/countlead"),
    count("/dashboard/countcall", { status: ANSWERED }), count("/dashboard/countcall", { status: "missed" }),
    call<any[]>("GET", "/dashboard/getcalls", { token, params: { ...params, status: ANSWERED, limit: 100 } }),
  ]);
  const waits = latest
    .filter((c) => c.acceptedAt && c.requestedAt)
    .map((c) => (Date.parse(c.acceptedAt) - Date.parse(c.requestedAt)) / 1000)
    .sort((a, b) => a - b);
  const pick = (q: number) => (waits.length ? waits[Math.min(waits.length - 1, Math.floor(q * waits.length))] : null);
  return {
    calls, leads, answered, missed, answerRate: calls ? answered / calls : null,
    timeToAnswer: waits.length ? { p50: pick(0.5), p90: pick(0.9) } : null,
    note: waits.length >= 100 ? "Time to answer: from the latest 100 answered calls." : undefined,
  };
}

/** At most the last 62 days of the range that are not in the future: a chart of daily bars. */
function chartDays(range: Range): { from: string; to: string } {
  const today = isoDay(new Date());
  const to = range.to < today ? range.to : today;
  const earliest = new Date(`${to}T12:00:00`);
  earliest.setDate(earliest.getDate() - 61);
  return { from: range.from > isoDay(earliest) ? range.from : isoDay(earliest), to };
}

export async function callsPerDay(token: string, range: Range): Promise<DayCount[]> {
  const { from, to } = chartDays(range);
  try {
    const body = await call<any>("GET", "/dashboard/series", {
      token, params: { from, to, timezoneoffset: range.timezoneoffset, interval: "day" },
    });
    const rows: any[] = Array.isArray(body) ? body : body.buckets ?? body.series ?? body.items ?? [];
    return rows.map((row) => ({ day: String(row.start ?? row.bucket ?? row.day ?? row.date).slice(0, 10), calls: row.calls ?? 0 }));
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  // A few at a time: one count per day must not flood the dashboard's connection pool.
  const days = daysBetween(from, to, 62);
  const counts: DayCount[] = [];
  for (let start = 0; start < days.length; start += 4) {
    counts.push(...await Promise.all(days.slice(start, start + 4).map((day) =>
      call<{ count: number }>("GET", "/dashboard/countcall", {
        token, params: { from: day, to: day, timezoneoffset: range.timezoneoffset },
      }).then((r) => ({ day, calls: r.count })))));
  }
  return counts;
}

function emptyGrid(): number[][] {
  return Array.from({ length: 7 }, () => Array(24).fill(0));
}

/** Reads the reports endpoint's cells, whatever their layout: a 7×24 matrix or a list of cells. */
function gridFrom(body: any): number[][] | null {
  const matrix = body?.missed ?? body?.grid;
  if (Array.isArray(matrix) && matrix.length === 7) return matrix.map((row: number[]) => row.map(Number));
  const cells: any[] | undefined = Array.isArray(body) ? body : body?.cells;
  if (!cells) return null;
  const grid = emptyGrid();
  for (const cell of cells) {
    const weekday = Number(cell.weekday ?? cell.dayOfWeek ?? cell.day);
    const hour = Number(cell.hour);
    // ISO weekdays (1 = Monday ... 7 = Sunday) or 0 = Monday.
    const row = cell.isoWeekday !== undefined ? Number(cell.isoWeekday) - 1 : weekday >= 7 ? 6 : weekday;
    if (row >= 0 && row < 7 && hour >= 0 && hour < 24) grid[row][hour] += Number(cell.missed ?? 0);
  }
  return grid;
}

export async function missedHeatmap(token: string, range: Range): Promise<Heatmap> {
  try {
    const body = await call<any>("GET", "/dashboard/heatmap", { token, params: rangeParams(range) });
    const grid = gridFrom(body);
    if (grid) return { missed: grid };
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  const grid = emptyGrid();
  const pageSize = 100;
  let seen = 0;
  for (let skip = 0; skip < 1000; skip += pageSize) {
    const page = await call<any[]>("GET", "/dashboard/getcalls", {
      token, params: { ...rangeParams(range), status: "missed", skip, limit: pageSize },
    });
    for (const missedCall of page) {
      const local = new Date(Date.parse(missedCall.requestedAt) - range.timezoneoffset * 60_000);
      grid[(local.getUTCDay() + 6) % 7][local.getUTCHours()] += 1;
    }
    seen += page.length;
    if (page.length < pageSize) break;
  }
  return { missed: grid, note: seen >= 1000 ? "From the latest 1,000 missed calls." : undefined };
}
