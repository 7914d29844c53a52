import { lazy, Suspense } from "preact/compat";
import { SignIn } from "./pages/SignIn";
import { usePath } from "./lib/router";

// Each audience loads only its own code: the admin pages bring the chart library, the console
// and the demo bring pusher-js.
const loadAdmin = () => import("./pages/admin/AdminApp");
const loadConsole = () => import("./pages/Console");
const loadDemo = () => import("./pages/Demo");
const Admin = lazy(loadAdmin);
const Console = lazy(loadConsole);
const Demo = lazy(loadDemo);

/** Starts fetching the page's code while /config.json loads, instead of after it. */
export function preload(path: string): void {
  if (path.startsWith("/admin")) void loadAdmin();
  else if (path === "/console") void loadConsole();
  else if (path.startsWith("/demo/")) void loadDemo();
}

export function App() {
  const path = usePath();
  let page;
  if (path === "/admin" || path.startsWith("/admin/")) page = <Admin path={path} />;
  else if (path === "/console") page = <Console />;
  else if (path.startsWith("/demo/")) page = <Demo organizationCode={decodeURIComponent(path.slice(6))} />;
  else page = <SignIn />;
  return <Suspense fallback={<main class="loading"><p>Loading…</p></main>}>{page}</Suspense>;
}
