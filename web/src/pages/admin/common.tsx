import { useEffect, useState } from "preact/hooks";
import { ApiError } from "../../lib/api";
import { navigate } from "../../lib/router";
import { clearSession, currentSession, type Session } from "../../lib/session";
import { offsetChoices, offsetLabel } from "../../lib/dates";

/** The admin's session; anyone else is sent to the sign-in page. */
export function useAdminSession(): Session | null {
  const session = currentSession();
  const allowed = session?.account.role === "admin";
  useEffect(() => {
    if (!allowed) navigate("/", true);
  }, [allowed]);
  return allowed ? session : null;
}

/** Words for a failed call; an ended session goes back to sign-in. */
export function explainFailure(error: unknown): string {
  if (error instanceof ApiError && error.status === 401) {
    clearSession();
    navigate("/", true);
  }
  return error instanceof Error ? error.message : "Something went wrong.";
}

export function useLoader<T>(load: () => Promise<T>, deps: unknown[]): { data: T | null; error: string; busy: boolean; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(true);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    setBusy(true);
    load()
      .then((value) => { if (current) { setData(value); setError(""); } })
      .catch((failure) => { if (current) setError(explainFailure(failure)); })
      .finally(() => { if (current) setBusy(false); });
    return () => { current = false; };
  }, [...deps, generation]);
  return { data, error, busy, reload: () => setGeneration((n) => n + 1) };
}

export function ZoneSelect({ id, value, onChange }: { id: string; value: number; onChange: (offset: number) => void }) {
  return (
    <div class="field">
      <label for={id}>Time zone</label>
      <select id={id} value={String(value)} onChange={(e) => onChange(Number(e.currentTarget.value))}>
        {offsetChoices().map((offset) => <option value={String(offset)}>{offsetLabel(offset)}</option>)}
      </select>
    </div>
  );
}

export function Pager({ skip, limit, total, onPage, label }: {
  skip: number; limit: number; total: number | null; onPage: (skip: number) => void; label: string;
}) {
  const last = total === null ? skip + limit : Math.min(skip + limit, total);
  return (
    <nav class="pager" aria-label={`${label} pages`}>
      <button type="button" disabled={skip === 0} onClick={() => onPage(Math.max(0, skip - limit))}>Previous page</button>
      <span aria-live="polite">{total === 0 ? "No rows" : `Rows ${skip + 1}–${last}${total === null ? "" : ` of ${total}`}`}</span>
      <button type="button" disabled={total !== null && skip + limit >= total} onClick={() => onPage(skip + limit)}>Next page</button>
    </nav>
  );
}
