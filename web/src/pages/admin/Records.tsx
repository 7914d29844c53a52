import { useState } from "preact/hooks";
import { Alert, Field } from "../../components/Field";
import { call, download, type Params } from "../../lib/api";
import { browserOffset, duration, inZone } from "../../lib/dates";
import { explainFailure, Pager, useLoader, ZoneSelect } from "./common";

const STATUSES = ["requested", "streaming", "missed", "completed", "expired"];
const PAGE = 20;

interface Filters {
  name: string; phone: string; organizationName: string; status: string[]; carType: string; carModel: string;
  carMake: string; from: string; to: string; vin: string; timezoneoffset: number;
}

const EMPTY: Filters = { name: "", phone: "", organizationName: "", status: [], carType: "", carModel: "",
  carMake: "", from: "", to: "", vin: "", timezoneoffset: browserOffset() };

function asParams(filters: Filters): Params {
  return { ...filters, status: filters.status.join(",") };
}

const TEXT_FILTERS: [keyof Filters, string][] = [
  ["name", "Shopper name"], ["phone", "Phone"], ["organizationName", "Organization"], ["vin", "VIN"],
  ["carMake", "Make"], ["carModel", "Model"], ["carType", "Type"],
];

function vehicle(v: any): string {
  return v ? [v.year, v.make, v.model].filter(Boolean).join(" ") : "";
}

function CallsTable({ rows, zone }: { rows: any[]; zone: number }) {
  return (
    <table class="records">
      <caption class="sr-only">Calls</caption>
      <thead><tr>{["Requested", "Organization", "Vehicle", "VIN", "Status", "Dealer", "Shopper", "Phone", "Duration"]
        .map((h) => <th scope="col">{h}</th>)}</tr></thead>
      <tbody>
        {rows.map((c) => (
          <tr>
            <td>{inZone(c.requestedAt, zone)}</td><td>{c.organizationName}</td><td>{vehicle(c.vehicle)}</td>
            <td>{c.vin}</td><td><span class={`status status-${c.status}`}>{c.status}</span></td>
            <td>{c.dealerName ?? ""}</td><td>{[c.firstName, c.lastName].filter(Boolean).join(" ")}</td>
            <td>{c.phone ?? ""}</td><td>{c.durationSeconds != null ? duration(c.durationSeconds) : ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function LeadsTable({ rows, zone }: { rows: any[]; zone: number }) {
  return (
    <table class="records">
      <caption class="sr-only">Leads</caption>
      <thead><tr>{["Left", "Organization", "Shopper", "Email", "Phone", "Vehicle", "Call", "Comment"]
        .map((h) => <th scope="col">{h}</th>)}</tr></thead>
      <tbody>
        {rows.map((l) => (
          <tr>
            <td>{inZone(l.createdAt, zone)}</td><td>{l.organizationName}</td>
            <td>{[l.firstName, l.lastName].filter(Boolean).join(" ")}</td><td>{l.email ?? ""}</td>
            <td>{l.phone ?? ""}</td><td>{vehicle(l.vehicle)}</td><td>{l.callStatus ?? ""}</td><td>{l.comment ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Records({ kind, token }: { kind: "calls" | "leads"; token: string }) {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [skip, setSkip] = useState(0);
  const [downloadError, setDownloadError] = useState("");
  const one = kind === "calls" ? "call" : "lead";
  const rows = useLoader(() => call<any[]>("GET", `/dashboard/get${kind}`,
    { token, params: { ...asParams(filters), skip, limit: PAGE } }), [filters, skip]);
  const total = useLoader(() => call<{ count: number }>("GET", `/dashboard/count${one}`,
    { token, params: { ...asParams(filters), timezoneoffset: filters.timezoneoffset } }), [filters]);

  function apply(event: Event) {
    event.preventDefault();
    setSkip(0);
    setFilters({ ...draft });
  }

  function toggleStatus(status: string, on: boolean) {
    setDraft({ ...draft, status: on ? [...draft.status, status] : draft.status.filter((s) => s !== status) });
  }

  async function downloadCsv(event: Event) {
    event.preventDefault();
    setDownloadError("");
    try {
      await download(`/dashboard/exportcsv${kind}`, asParams(filters), token, `${kind}.csv`);
    } catch (failure) {
      setDownloadError(explainFailure(failure));
    }
  }

  return (
    <>
      <form class="filters" onSubmit={apply} aria-label={`Filter ${kind}`}>
        {TEXT_FILTERS.map(([key, label]) => (
          <Field id={`${kind}-${key}`} label={label} value={draft[key] as string}
                 onInput={(e) => setDraft({ ...draft, [key]: e.currentTarget.value })} />
        ))}
        <Field id={`${kind}-from`} label="From" type="date" value={draft.from}
               onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })} />
        <Field id={`${kind}-to`} label="To" type="date" value={draft.to}
               onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })} />
        <ZoneSelect id={`${kind}-zone`} value={draft.timezoneoffset}
                    onChange={(timezoneoffset) => setDraft({ ...draft, timezoneoffset })} />
        <fieldset class="statuses">
          <legend>{kind === "calls" ? "Status" : "Call status"}</legend>
          {STATUSES.map((status) => (
            <label><input type="checkbox" checked={draft.status.includes(status)}
                          onChange={(e) => toggleStatus(status, e.currentTarget.checked)} /> {status}</label>
          ))}
        </fieldset>
        <div class="actions">
          <button type="submit" class="primary">Apply filters</button>
          <button type="button" onClick={() => { setDraft(EMPTY); setFilters(EMPTY); setSkip(0); }}>Clear</button>
        </div>
      </form>
      <div class="toolbar">
        <a href={`/dashboard/exportcsv${kind}`} class="button" onClick={downloadCsv}>Download CSV</a>
      </div>
      <Alert>{rows.error || total.error || downloadError}</Alert>
      <div class="table-wrap" aria-busy={rows.busy}>
        {rows.data && (kind === "calls"
          ? <CallsTable rows={rows.data} zone={filters.timezoneoffset} />
          : <LeadsTable rows={rows.data} zone={filters.timezoneoffset} />)}
      </div>
      <Pager label={kind} skip={skip} limit={PAGE} total={total.data?.count ?? null} onPage={setSkip} />
    </>
  );
}
