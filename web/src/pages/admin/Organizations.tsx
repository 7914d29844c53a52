import { useState } from "preact/hooks";
import { Alert, Field } from "../../components/Field";
import { call } from "../../lib/api";
import { explainFailure, Pager, useLoader } from "./common";

const PAGE = 20;

interface Organization {
  id: string; name: string; code: string; loanLink?: string | null; createdAt: string;
  timezone?: string; businessHours?: Record<string, string[][]>; holidays?: string[];
  crmLeadEmails?: string[]; managerEmails?: string[];
}

/** "a@x.com, b@y.com" -> ["a@x.com", "b@y.com"]; the API validates each address. */
function addressList(text: string): string[] {
  return text.split(",").map((part) => part.trim()).filter(Boolean);
}

function CreateForm({ token, onCreated }: { token: string; onCreated: (o: Organization) => void }) {
  const [form, setForm] = useState({ name: "", code: "", loanLink: "" });
  const [error, setError] = useState("");
  async function submit(event: Event) {
    event.preventDefault();
    setError("");
    try {
      const body: Record<string, string> = { name: form.name.trim(), code: form.code.trim() };
      if (form.loanLink.trim()) body.loanLink = form.loanLink.trim();
      onCreated(await call<Organization>("POST", "/organizations", { token, body }));
      setForm({ name: "", code: "", loanLink: "" });
    } catch (failure) {
      setError(explainFailure(failure));
    }
  }
  return (
    <form class="card inline-form" onSubmit={submit} aria-labelledby="create-org-heading">
      <h2 id="create-org-heading">New organization</h2>
      <Field id="org-new-name" label="Name" required value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />
      <Field id="org-new-code" label="Code" required value={form.code} hint="Used in the shopper button's address"
             onInput={(e) => setForm({ ...form, code: e.currentTarget.value })} />
      <Field id="org-new-loan" label="Loan link" type="url" value={form.loanLink}
             onInput={(e) => setForm({ ...form, loanLink: e.currentTarget.value })} />
      <Alert>{error}</Alert>
      <button type="submit" class="primary">Create organization</button>
    </form>
  );
}

function EditRow({ token, organization, onDone }: { token: string; organization: Organization; onDone: () => void }) {
  const [name, setName] = useState(organization.name);
  const [loanLink, setLoanLink] = useState(organization.loanLink ?? "");
  const [timezone, setTimezone] = useState(organization.timezone ?? "UTC");
  const [hours, setHours] = useState(JSON.stringify(organization.businessHours ?? {}));
  const [holidays, setHolidays] = useState((organization.holidays ?? []).join(", "));
  const [crm, setCrm] = useState((organization.crmLeadEmails ?? []).join(", "));
  const [managers, setManagers] = useState((organization.managerEmails ?? []).join(", "));
  const [error, setError] = useState("");
  async function save(event: Event) {
    event.preventDefault();
    let businessHours: unknown;
    try {
      businessHours = JSON.parse(hours.trim() || "{}");
    } catch {
      setError('Business hours must be JSON, e.g. {"mon": [["09:00", "18:00"]]}.');
      return;
    }
    try {
      await call("PATCH", `/organizations/${organization.id}`, { token, body: {
        name: name.trim(), loanLink: loanLink.trim() || null, timezone: timezone.trim() || "UTC",
        businessHours, holidays: addressList(holidays), crmLeadEmails: addressList(crm), managerEmails: addressList(managers),
      } });
      onDone();
    } catch (failure) {
      setError(explainFailure(failure));
    }
  }
  return (
    <tr>
      <td colSpan={4}>
        <form class="inline-form" onSubmit={save} aria-label={`Edit ${organization.name}`}>
          <Field id={`org-${organization.id}-name`} label="Name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
          <p class="field"><span class="label">Code</span> <code>{organization.code}</code></p>
          <Field id={`org-${organization.id}-loan`} label="Loan link" type="url" value={loanLink}
                 onInput={(e) => setLoanLink(e.currentTarget.value)} />
          <Field id={`org-${organization.id}-tz`} label="Time zone" value={timezone} hint="IANA name, e.g. America/Los_Angeles"
                 onInput={(e) => setTimezone(e.currentTarget.value)} />
          <Field id={`org-${organization.id}-hours`} label="Business hours" value={hours}
                 hint='JSON per weekday, e.g. {"mon": [["09:00", "18:00"]]}; {} = always open'
                 onInput={(e) => setHours(e.currentTarget.value)} />
          <Field id={`org-${organization.id}-holidays`} label="Holidays" value={holidays} hint="Dates, comma-separated (YYYY-MM-DD)"
                 onInput={(e) => setHolidays(e.currentTarget.value)} />
          <Field id={`org-${organization.id}-crm`} label="CRM lead e-mails" value={crm} hint="Up to 5, comma-separated: each lead goes there as ADF/XML"
                 onInput={(e) => setCrm(e.currentTarget.value)} />
          <Field id={`org-${organization.id}-managers`} label="Manager e-mails" value={managers} hint="Up to 10, comma-separated: alerted about missed calls"
                 onInput={(e) => setManagers(e.currentTarget.value)} />
          <Alert>{error}</Alert>
          <div class="actions">
            <button type="submit" class="primary">Save</button>
            <button type="button" onClick={onDone}>Cancel</button>
          </div>
        </form>
      </td>
    </tr>
  );
}

export function Organizations({ token }: { token: string }) {
  const [search, setSearch] = useState("");
  const [name, setName] = useState("");
  const [skip, setSkip] = useState(0);
  const [editing, setEditing] = useState<string | null>(null);
  const [created, setCreated] = useState("");
  const list = useLoader(() => call<Organization[]>("GET", "/organizations", { token, params: { name, skip, limit: PAGE } }), [name, skip]);
  const rows = list.data ?? [];
  const total = list.data && rows.length < PAGE ? skip + rows.length : null;

  return (
    <>
      <CreateForm token={token} onCreated={(o) => { setCreated(`Created ${o.name} (${o.code}).`); list.reload(); }} />
      <Alert kind="info">{created}</Alert>
      <form class="filters" role="search" onSubmit={(e) => { e.preventDefault(); setSkip(0); setName(search); }}>
        <Field id="org-search" label="Organization name" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
        <button type="submit" class="primary">Search</button>
      </form>
      <Alert>{list.error}</Alert>
      <div class="table-wrap">
        <table class="records">
          <caption class="sr-only">Organizations</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Code</th><th scope="col">Loan link</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {rows.map((o) => editing === o.id
              ? <EditRow token={token} organization={o} onDone={() => { setEditing(null); list.reload(); }} />
              : (
                <tr>
                  <td>{o.name}</td><td><code>{o.code}</code></td><td class="wrap">{o.loanLink ?? ""}</td>
                  <td><button type="button" onClick={() => setEditing(o.id)} aria-label={`Edit ${o.name}`}>Edit</button></td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>
      <Pager label="organizations" skip={skip} limit={PAGE} total={total} onPage={setSkip} />
    </>
  );
}
