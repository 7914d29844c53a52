const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** Missed calls by weekday and hour: a real table, each cell's number written in it. */
export function Heatmap({ missed }: { missed: number[][] }) {
  const top = Math.max(1, ...missed.flat());
  return (
    <div class="heatmap-wrap">
      <table class="heatmap">
        <caption>Missed calls by hour of day</caption>
        <thead>
          <tr><th scope="col"><span class="sr-only">Weekday</span></th>
            {Array.from({ length: 24 }, (_, hour) => <th scope="col">{String(hour).padStart(2, "0")}</th>)}</tr>
        </thead>
        <tbody>
          {missed.map((row, day) => (
            <tr>
              <th scope="row">{WEEKDAYS[day]}</th>
              {row.map((count) => {
                const level = count === 0 ? 0 : Math.ceil((count / top) * 4);
                return <td class={`heat-${level}`}>{count || ""}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
