import { call } from "../../lib/api";
import { navigate, onLinkClick } from "../../lib/router";
import { clearSession, displayName } from "../../lib/session";
import { useAdminSession } from "./common";
import { Overview } from "./Overview";
import { Records } from "./Records";
import { Organizations } from "./Organizations";
import { Dealers } from "./Dealers";

const SECTIONS = [
  { path: "/admin", title: "Overview" },
  { path: "/admin/calls", title: "Calls" },
  { path: "/admin/leads", title: "Leads" },
  { path: "/admin/organizations", title: "Organizations" },
  { path: "/admin/dealers", title: "Dealers" },
];

export default function AdminApp({ path }: { path: string }) {
  const session = useAdminSession();
  if (!session) return null;
  const token = session.token;
  const current = SECTIONS.find((section) => section.path === path) ?? SECTIONS[0];

  async function signOut() {
    try {
      await call("POST", "/auth/logout", { token });
    } catch {
      /* signing out locally is what matters */
    }
    clearSession();
    navigate("/");
  }

  return (
    <div class="admin">
      <header class="topbar">
        <span class="brand">Dropin Auto</span>
        <nav aria-label="Admin">
          <ul>
            {SECTIONS.map((section) => (
              <li><a href={section.path} onClick={onLinkClick}
                     aria-current={section === current ? "page" : undefined}>{section.title}</a></li>
            ))}
          </ul>
        </nav>
        <span class="who">{displayName(session.account)}</span>
        <button type="button" onClick={signOut}>Sign out</button>
      </header>
      <main>
        <h1>{current.title}</h1>
        {current.title === "Overview" && <Overview token={token} />}
        {current.title === "Calls" && <Records key="calls" kind="calls" token={token} />}
        {current.title === "Leads" && <Records key="leads" kind="leads" token={token} />}
        {current.title === "Organizations" && <Organizations token={token} />}
        {current.title === "Dealers" && <Dealers token={token} />}
      </main>
    </div>
  );
}
