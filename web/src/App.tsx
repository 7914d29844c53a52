import { lazy, Suspense } from "preact/compat";
import { SignIn } from "./pages/SignIn";
import { usePath } from "./lib/router";

// Each audience loads only its own code: the admin pages bring the chart library, the console
// and the demo bring pusher-js.
const Admin = lazy(() => import("./pages/admin/AdminApp"));
const Console = lazy(() => import("./pages/Console"));
const Demo = lazy(() => import("./pages/Demo"));

export function App() {
  const path = usePath();
  let page;
  if (path === "/admin" || path.startsWith("/admin/")) page = <Admin path={path} />;
  else if (path === "/console") page = <Console />;
  else if (path.startsWith("/demo/")) page = <Demo organizationCode={decodeURIComponent(path.slice(6))} />;
  else page = <SignIn />;
  return <Suspense fallback={<main class="loading"><p>Loading…</p></main>}>{page}</Suspense>;
}
