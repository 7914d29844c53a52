/** Calls through the gateway: every request carries the web app's apikey; a JWT when given. */
import { config } from "./config";

export class ApiError extends Error {
  constructor(message: string, readonly status: number, readonly code?: string, readonly field?: string) {
    super(message);
  }
}

export type Params = Record<string, string | number | undefined | null>;

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  params?: Params;
  headers?: Record<string, string>;
}

export function queryString(params?: Params): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

export function requestHeaders(token?: string | null, extra?: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = { apikey: config().apiKey, ...extra };
  if (token) headers.Authorization = `JWT ${token}`;
  return headers;
}

/** Words a person can act on, for failures the server did not explain. */
function fallbackMessage(status: number): string {
  if (status === 401) return "Your session has ended. Sign in again.";
  if (status === 403) return "You are not allowed to do that.";
  if (status === 404) return "Not found.";
  if (status === 429) return "Too many attempts. Wait a minute and try again.";
  if (status >= 500) return "The server had a problem. Try again in a moment.";
  return `The request failed (${status}).`;
}

export async function fetchOrExplain(path: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError("Cannot reach the server. Check your connection and try again.", 0, "network");
  }
  if (response.ok) return response;
  let code: string | undefined;
  let message = fallbackMessage(response.status);
  let field: string | undefined;
  try {
    const body = await response.json();
    code = body?.error?.code;
    field = body?.error?.field;
    if (body?.error?.message && response.status !== 401) message = body.error.message;
  } catch {
    /* not JSON: keep the fallback */
  }
  throw new ApiError(message, response.status, code, field);
}

export async function call<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  const headers = requestHeaders(options.token, options.headers);
  let body: string | undefined;
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  const url = path + queryString(options.params);
  let response: Response;
  try {
    response = await fetchOrExplain(url, { method, headers, body });
  } catch (error) {
    // A read that met a passing server failure is tried once more before the person sees it.
    if (method !== "GET" || !(error instanceof ApiError) || error.status < 500) throw error;
    await new Promise((resolve) => setTimeout(resolve, 500));
    response = await fetchOrExplain(url, { method, headers, body });
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** Downloads an attachment (the CSV exports need the apikey and JWT headers, so a plain link
 * cannot fetch them): fetches it, then saves it under the server's file name. */
export async function download(path: string, params: Params, token: string, fallbackName: string): Promise<string> {
  const response = await fetchOrExplain(path + queryString(params), { headers: requestHeaders(token) });
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
