import { useState } from "preact/hooks";
import { Alert, Field } from "../../components/Field";
import { call, type Params } from "../../lib/api";
import { browserOffset, inZone } from "../../lib/dates";
import { displayName } from "../../lib/session";
import { explainFailure, Pager, useLoader } from "./common";

const PAGE = 20;

interface Dealer {
  id: string; email: string; firstName?: string; lastName?: string; phone?: string | null;
  status: "active" | "inactive"; accountStatus: "online" | "offline"; organizationId?: string | null; createdAt: string;
}

interface Filters {
  name: string; email: string; phone: string; organizationName: string; organizationId: string;
  status: string[]; accountStatus: string[]; from: string; to: string;
}

const EMPTY: Filters = { name: "", email: "", phone: "", organizationName: "", organizationId: "", status: [],
  accountStatus: [], from: "", to: "" };

function asParams(f: Filters): Params {
  return { ...f, status: f.status.join(","), accountStatus: f.accountStatus.join(","), timezoneoffset: browserOffset() };
}

function Checks({ legend, values, chosen, onChange }: { legend: string; values: string[]; chosen: string[]; onChange: (v: string[]) => void }) {
  return (
    <fieldset class="statuses">
      <legend>{legend}</legend>
      {values.map((value) => (
        <label><input type="checkbox" checked={chosen.includes(value)}
                      onChange={(e) => onChange(e.currentTarget.checked ? [...chosen, value] : chosen.filter((c) => c !== value))} /> {value}</label>
      ))}
    </fieldset>
  );
}

function DealerRow({ dealer, organizations, token, onChanged }: {
  dealer: Dealer; organizations: { id: string; name: string }[]; token: string; onChanged: (message: string) => void;
}) {
  const [target, setTarget] = useState(dealer.organizationId ?? "");
  const [error, setError] = useState("");
  const name = displayName(dealer);
  async function change(body: Record<string, unknown>, done: string) {
    setError("");
    try {
      await call("PATCH", `/accounts/${dealer.id}`, { token, body });
      onChanged(done);
    } catch (failure) {
      setError(explainFailure(failure));
    }
  }
  const organization = organizations.find((o) => o.id === dealer.organizationId);
  return (
    <tr>
      <td>{name}</td><td>{dealer.email}</td><td>{dealer.phone ?? ""}</td><td>{organization?.name ?? (dealer.organizationId ? "…" : "none")}</td>
      <td><span class={`status status-${dealer.status}`}>{dealer.status}</span></td><td>{dealer.accountStatus}</td>
      <td>{inZone(dealer.createdAt, browserOffset()).slice(0, 10)}</td>
      <td class="row-actions">
        {dealer.status === "active"
          ? <button type="button" aria-label={`Deactivate ${name}`} onClick={() => change({ status: "inactive" }, `${name} deactivated.`)}>Deactivate</button>
          : <button type="button" aria-label={`Activate ${name}`} onClick={() => change({ status: "active" }, `${name} activated.`)}>Activate</button>}
        <label class="sr-only" for={`attach-${dealer.id}`}>Organization for {name}</label>
        <select id={`attach-${dealer.id}`} value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
          <option value="">Choose…</option>
          {organizations.map((o) => <option value={o.id}>{o.name}</option>)}
        </select>
        <button type="button" aria-label={`Attach ${name}`} disabled={!target || target === dealer.organizationId}
                onClick={() => change({ organizationId: target }, `${name} attached to ${organizations.find((o) => o.id === target)?.name}.`)}>Attach</button>
        {error && <span role="alert" class="inline-error">{error}</span>}
      </td>
    </tr>
  );
}

export function Dealers({ token }: { token: string }) {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [skip, setSkip] = useState(0);
  const [message, setMessage] = useState("");
  const organizations = useLoader(() => call<{ id: string; name: string }[]>("GET", "/organizations", { token, params: { limit: 100 } }), []);
  const rows = useLoader(() => call<Dealer[]>("GET", "/organization/getdealers", { token, params: { ...asParams(filters), skip, limit: PAGE } }), [filters, skip]);
  const total = useLoader(() => call<{ count: number }>("GET", "/organization/countdealer", { token, params: asParams(filters) }), [filters]);
  const orgs = organizations.data ?? [];
  const set = (key: keyof Filters) => (e: { currentTarget: HTMLInputElement }) => setDraft({ ...draft, [key]: e.currentTarget.value });

  return (
    <>
      <form class="filters" aria-label="Filter dealers" onSubmit={(e) => { e.preventDefault(); setSkip(0); setFilters({ ...draft }); }}>
        <Field id="dealers-name" label="Name" value={draft.name} onInput={set("name")} />
        <Field id="dealers-email" label="Email" value={draft.email} onInput={set("email")} />
        <Field id="dealers-phone" label="Phone" value={draft.phone} onInput={set("phone")} />
        <Field id="dealers-org-name" label="Organization name" value={draft.organizationName} onInput={set("organizationName")} />
        <div class="field">
          <label for="dealers-org">Organization</label>
          <select id="dealers-org" value={draft.organizationId} onChange={(e) => setDraft({ ...draft, organizationId: e.currentTarget.value })}>
            <option value="">Any</option>
            {orgs.map((o) => <option value={o.id}>{o.name}</option>)}
          </select>
        </div>
        <Field id="dealers-from" label="Registered from" type="date" value={draft.from} onInput={set("from")} />
        <Field id="dealers-to" label="Registered to" type="date" value={draft.to} onInput={set("to")} />
        <Checks legend="Status" values={["active", "inactive"]} chosen={draft.status} onChange={(status) => setDraft({ ...draft, status })} />
        <Checks legend="Presence" values={["online", "offline"]} chosen={draft.accountStatus} onChange={(accountStatus) => setDraft({ ...draft, accountStatus })} />
        <div class="actions">
          <button type="submit" class="primary">Apply filters</button>
          <button type="button" onClick={() => { setDraft(EMPTY); setFilters(EMPTY); setSkip(0); }}>Clear</button>
        </div>
      </form>
      <Alert kind="info">{message}</Alert>
      <Alert>{rows.error || total.error || organizations.error}</Alert>
      <div class="table-wrap">
        <table class="records">
          <caption class="sr-only">Dealers</caption>
          <thead><tr>{["Name", "Email", "Phone", "Organization", "Status", "Presence", "Registered"].map((h) => <th scope="col">{h}</th>)}
            <th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {(rows.data ?? []).map((dealer) => (
              <DealerRow key={dealer.id} dealer={dealer} organizations={orgs} token={token}
                         onChanged={(done) => { setMessage(done); rows.reload(); total.reload(); }} />
            ))}
          </tbody>
        </table>
      </div>
      <Pager label="dealers" skip={skip} limit={PAGE} total={total.data?.count ?? null} onPage={setSkip} />
    </>
  );
}
