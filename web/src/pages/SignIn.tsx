import { useEffect, useState } from "preact/hooks";
import { Alert, Field } from "../components/Field";
import { ApiError, call } from "../lib/api";
import { navigate } from "../lib/router";
import { currentSession, saveSession, type Session } from "../lib/session";

function home(session: Session): string {
  return session.account.role === "admin" ? "/admin" : "/console";
}

function explain(error: unknown): string {
  if (!(error instanceof ApiError)) return "Something went wrong. Try again.";
  if (error.status === 401) return "That email or username and password do not match an account.";
  if (error.status === 429) return "Too many failed sign-ins. Wait a minute, then try again.";
  return error.message;
}

export function SignIn() {
  const [identifier, setIdentifier] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const session = currentSession();
    if (session) navigate(home(session), true);
  }, []);

  async function submit(event: Event) {
    event.preventDefault();
    if (!identifier.trim()) return setError("Enter your email or username.");
    if (!password) return setError("Enter your password.");
    setBusy(true);
    setError("");
    try {
      const key = identifier.includes("@") ? "email" : "username";
      const session = await call<Session>("POST", "/auth", { body: { [key]: identifier.trim(), password } });
      saveSession(session);
      navigate(home(session));
    } catch (failure) {
      setError(explain(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="narrow">
      <h1>Dropin Auto</h1>
      <form class="card" onSubmit={submit} noValidate>
        <h2>Sign in</h2>
        <Field id="signin-identifier" label="Email or username" autocomplete="username" value={identifier}
               onInput={(e) => setIdentifier(e.currentTarget.value)} />
        <Field id="signin-password" label="Password" type="password" autocomplete="current-password"
               value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        <Alert>{error}</Alert>
        <button type="submit" class="primary" disabled={busy}>Sign in</button>
      </form>
    </main>
  );
}
