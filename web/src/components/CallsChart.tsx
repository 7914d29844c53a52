import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { DayCount } from "../lib/reports";

/** Calls per day as bars (uPlot draws on a canvas; the figure's label and the table below it
 * carry the same numbers for screen readers). */
export function CallsChart({ days }: { days: DayCount[] }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current || days.length === 0) return;
    const xs = days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000);
    const ys = days.map((d) => d.calls);
    const width = Math.max(280, Math.min(host.current.clientWidth || 640, 1100));
    const chart = new uPlot({
      width, height: 220, tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      legend: { show: false },
      cursor: { show: false },
      // Half a day of room on each side, so the first and last bars are drawn whole.
      scales: { x: { time: true, range: (_u, min, max) => [min - 43_200, max + 43_200] }, y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.15))] } },
      axes: [{ stroke: "#333" }, { stroke: "#333", size: 40 }],
      series: [{}, { label: "Calls", stroke: "#0b5cad", fill: "rgba(11, 92, 173, 0.35)",
                     paths: uPlot.paths.bars!({ size: [0.7, 40] }), points: { show: false } }],
    }, [xs, ys], host.current);
    return () => chart.destroy();
  }, [days]);
  const total = days.reduce((sum, d) => sum + d.calls, 0);
  return (
    <figure class="chart">
      <div ref={host} role="img" aria-label={`Calls per day: ${total} calls over ${days.length} days`} />
      <figcaption>Calls per day</figcaption>
      <details>
        <summary>Calls per day as a table</summary>
        <table>
          <thead><tr><th scope="col">Day</th><th scope="col">Calls</th></tr></thead>
          <tbody>{days.map((d) => <tr><td>{d.day}</td><td>{d.calls}</td></tr>)}</tbody>
        </table>
      </details>
    </figure>
  );
}
