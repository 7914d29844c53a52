/** The signed-in account, kept in this browser's localStorage. */
export interface Account {
  id: string;
  email: string;
  username?: string;
  firstName?: string;
  lastName?: string;
  role: "admin" | "dealer";
  status: "active" | "inactive";
  accountStatus?: "online" | "offline";
  organizationId?: string | null;
}

export interface Session {
  token: string;
  account: Account;
}

const KEY = "dropin.session";

export function currentSession(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  localStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  localStorage.removeItem(KEY);
}

export function displayName(account: { firstName?: string | null; lastName?: string | null; email?: string }): string {
  const name = [account.firstName, account.lastName].filter(Boolean).join(" ");
  return name || account.email || "";
}
