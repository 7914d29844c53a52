import { useState } from "preact/hooks";
import { Alert, Field } from "../../components/Field";
import { CallsChart } from "../../components/CallsChart";
import { Heatmap } from "../../components/Heatmap";
import { browserOffset, daysAgo, duration, isoDay } from "../../lib/dates";
import { callsPerDay, figures, missedHeatmap, type Range } from "../../lib/reports";
import { useLoader, ZoneSelect } from "./common";

function percent(rate: number | null): string {
  return rate === null ? "—" : `${Math.round(rate * 1000) / 10}%`;
}

export function Overview({ token }: { token: string }) {
  const [range, setRange] = useState<Range>({ from: daysAgo(13), to: isoDay(new Date()), timezoneoffset: browserOffset() });
  const [draft, setDraft] = useState(range);
  const numbers = useLoader(() => figures(token, range), [range]);
  const days = useLoader(() => callsPerDay(token, range), [range]);
  const heat = useLoader(() => missedHeatmap(token, range), [range]);
  const f = numbers.data;

  return (
    <>
      <form class="filters" onSubmit={(e) => { e.preventDefault(); setRange(draft); }}>
        <Field id="overview-from" label="From" type="date" value={draft.from} required
               onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })} />
        <Field id="overview-to" label="To" type="date" value={draft.to} required
               onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })} />
        <ZoneSelect id="overview-zone" value={draft.timezoneoffset}
                    onChange={(timezoneoffset) => setDraft({ ...draft, timezoneoffset })} />
        <button type="submit" class="primary">Show</button>
      </form>
      <Alert>{numbers.error || days.error || heat.error}</Alert>
      <section aria-labelledby="kpi-heading" aria-busy={numbers.busy}>
        <h2 id="kpi-heading" class="sr-only">Figures</h2>
        <dl class="kpis">
          <div class="kpi"><dt>Calls</dt><dd data-testid="kpi-calls">{f ? f.calls : "…"}</dd></div>
          <div class="kpi"><dt>Leads</dt><dd data-testid="kpi-leads">{f ? f.leads : "…"}</dd></div>
          <div class="kpi"><dt>Answer rate</dt><dd data-testid="kpi-answer-rate">{f ? percent(f.answerRate) : "…"}</dd></div>
          <div class="kpi"><dt>Time to answer (median)</dt>
            <dd data-testid="kpi-time-to-answer">{f ? (f.timeToAnswer ? duration(f.timeToAnswer.p50) : "—") : "…"}</dd>
            {f?.timeToAnswer?.p90 != null && <dd class="sub">90% within {duration(f.timeToAnswer.p90)}</dd>}
          </div>
        </dl>
        {f?.note && <p class="note">{f.note}</p>}
      </section>
      <section aria-labelledby="chart-heading">
        <h2 id="chart-heading">Calls per day</h2>
        {days.busy ? <p>Loading…</p>
          : days.data && days.data.length > 0 ? <CallsChart days={days.data} /> : <p>No days in this range.</p>}
      </section>
      <section aria-labelledby="heat-heading">
        <h2 id="heat-heading">Missed calls by hour</h2>
        {heat.busy || !heat.data ? <p>Loading…</p> : <Heatmap missed={heat.data.missed} />}
        {heat.data?.note && <p class="note">{heat.data.note}</p>}
      </section>
    </>
  );
}
