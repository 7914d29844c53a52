import { useEffect, useRef, useState } from "preact/hooks";
import { Chat, mergeMessage, type ChatMessage } from "../components/Chat";
import { Alert } from "../components/Field";
import { ApiError, call } from "../lib/api";
import { connectPusher, type Channel } from "../lib/realtime";
import { setRinging, unlock } from "../lib/ringer";
import { navigate } from "../lib/router";
import { clearSession, currentSession, displayName, saveSession, type Account } from "../lib/session";

const PING_SECONDS = 5;

interface Stream {
  id: string; organizationId: string; organizationName?: string; vin: string; status: string;
  vehicle?: { make?: string; model?: string; type?: string; year?: number } | null;
  dealerId?: string | null; requestedAt: string; note?: string | null;
}

function vehicleName(stream: Stream): string {
  const v = stream.vehicle;
  const name = v ? [v.year, v.make, v.model].filter(Boolean).join(" ") : "";
  return name || "A vehicle";
}

function words(error: unknown): string {
  if (error instanceof ApiError && error.status === 409 && error.code !== "stream_ended") {
    return "Another dealer answered this call first.";
  }
  return error instanceof Error ? error.message : "Something went wrong.";
}

export default function Console() {
  const session = currentSession();
  const token = session?.token ?? "";
  const [account, setAccount] = useState<Account | null>(session?.account ?? null);
  const [ringing, setRingingCalls] = useState<Stream[]>([]);
  const [active, setActive] = useState<Stream | null>(null);
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [notice, setNotice] = useState("");
  const [error, setError] = useState("");
  const [note, setNote] = useState("");
  const activeRef = useRef<Stream | null>(null);
  activeRef.current = active;
  const pusher = useRef<ReturnType<typeof connectPusher> | null>(null);
  const online = account?.accountStatus === "online";
  const onlineRef = useRef(online);
  onlineRef.current = online;

  useEffect(() => {
    if (!session || session.account.role !== "dealer") navigate("/", true);
  }, []);

  // The account as auth knows it now (activated? attached? online?).
  useEffect(() => {
    if (!token) return;
    call<Account>("GET", "/accounts/me", { token })
      .then((me) => { setAccount(me); saveSession({ token, account: me }); })
      .catch((failure) => {
        if (failure instanceof ApiError && failure.status === 401) { clearSession(); navigate("/", true); }
      });
  }, [token]);

  const ready = Boolean(account && account.status === "active" && account.organizationId);

  // Real time: the dealer's and the organization's channels, for as long as the console is open.
  useEffect(() => {
    if (!ready || !account) return;
    const client = connectPusher({ Authorization: `JWT ${token}` });
    pusher.current = client;
    const ring = (stream: Stream) => {
      if (!onlineRef.current || stream.status !== "requested") return;
      setRingingCalls((calls) => (calls.some((c) => c.id === stream.id) ? calls : [...calls, stream]));
    };
    const settle = (stream: Stream) => {
      setRingingCalls((calls) => calls.filter((c) => c.id !== stream.id));
      if (stream.status === "streaming" && stream.dealerId !== account.id && activeRef.current?.id !== stream.id) {
        setNotice(`${vehicleName(stream)}: another dealer answered.`);
      }
    };
    for (const name of [`private-dealer-${account.id}`, `private-organization-${account.organizationId}`]) {
      const channel = client.subscribe(name);
      channel.bind("stream.requested", ring);
      channel.bind("stream.accepted", settle);
      channel.bind("stream.stopped", settle);
    }
    return () => { client.disconnect(); pusher.current = null; };
  }, [ready, account?.id, account?.organizationId]);

  useEffect(() => { setRinging(ringing.length > 0 && !active); }, [ringing.length, active]);
  useEffect(() => () => setRinging(false), []);

  // While a call is live: its channel (chat, the shopper stopping) and the pings that keep it alive.
  const liveId = active?.status === "streaming" ? active.id : null;
  useEffect(() => {
    if (!liveId || !pusher.current) return;
    const channel: Channel = pusher.current.subscribe(`private-stream-${liveId}`);
    channel.bind("chat.message", (message: ChatMessage) => setMessages((list) => mergeMessage(list, message)));
    channel.bind("stream.stopped", (stream: Stream) => { setActive(stream); setNotice("The shopper ended the call."); });
    // Messages sent before the subscription took effect are not pushed to it: read the history
    // again once it has (mergeMessage keeps each message once).
    const loadHistory = () => {
      call<{ messages: ChatMessage[] }>("GET", `/chat/${liveId}`, { token, params: { start: 0, limit: 100 } })
        .then((page) => setMessages((list) => page.messages.reduce(mergeMessage, list)))
        .catch(() => undefined);
    };
    channel.bind("pusher:subscription_succeeded", loadHistory);
    loadHistory();
    const timer = window.setInterval(() => {
      call("POST", "/ping", { token }).catch(() => undefined);
    }, PING_SECONDS * 1000);
    return () => { clearInterval(timer); pusher.current?.unsubscribe(`private-stream-${liveId}`); };
  }, [liveId]);

  if (!session || !account) return null;

  async function setPresence(next: "online" | "offline") {
    setError("");
    if (next === "online") unlock();
    try {
      const updated = await call<Account>("POST", `/accounts/status/${next}`, { token });
      setAccount(updated);
      saveSession({ token, account: updated });
      if (next === "offline") setRingingCalls([]);
    } catch (failure) {
      setError(words(failure));
    }
  }

  async function accept(stream: Stream) {
    setError("");
    setNotice("");
    try {
      const accepted = await call<Stream>("POST", `/streams/accept/${stream.id}`, { token });
      setRingingCalls((calls) => calls.filter((c) => c.id !== stream.id));
      setMessages([]);
      setNote("");
      setActive(accepted);
    } catch (failure) {
      setRingingCalls((calls) => calls.filter((c) => c.id !== stream.id));
      setError(words(failure));
    }
  }

  async function stop() {
    if (!active) return;
    try {
      setActive(await call<Stream>("POST", `/streams/stop/${active.id}`, { token }));
    } catch (failure) {
      setError(words(failure));
    }
  }

  async function saveNote(event: Event) {
    event.preventDefault();
    if (!active) return;
    try {
      await call("POST", `/streams/note/${active.id}`, { token, body: { note } });
      setNotice("Note saved.");
    } catch (failure) {
      setError(words(failure));
    }
  }

  async function sendLoanLink() {
    if (!active) return;
    try {
      await call("POST", `/streams/sendloanlink/${active.id}`, { token });
      setNotice("Loan link sent to the shopper.");
    } catch (failure) {
      setError(words(failure));
    }
  }

  async function signOut() {
    try { await call("POST", "/auth/logout", { token }); } catch { /* local sign-out is enough */ }
    clearSession();
    navigate("/");
  }

  return (
    <div class="console">
      <header class="topbar">
        <span class="brand">Dropin Auto</span>
        <span class="who">{displayName(account)}</span>
        <button type="button" onClick={signOut}>Sign out</button>
      </header>
      <main>
        <h1>Dealer console</h1>
        {!ready && <Alert kind="info">Your account is waiting for an admin to activate it and attach it to a dealership.</Alert>}
        {ready && (
          <section class="presence card" aria-labelledby="presence-heading">
            <h2 id="presence-heading">You are {online ? "online" : "offline"}</h2>
            <p>{online ? "Incoming calls ring here." : "Go online to receive calls."}</p>
            {online
              ? <button type="button" onClick={() => setPresence("offline")}>Go offline</button>
              : <button type="button" class="primary" onClick={() => setPresence("online")}>Go online</button>}
          </section>
        )}
        <Alert>{error}</Alert>
        <Alert kind="info">{notice}</Alert>
        {!active && ringing.length > 0 && (
          <section aria-labelledby="ringing-heading">
            <h2 id="ringing-heading">Incoming calls</h2>
            <ul class="ringing-list">
              {ringing.map((stream) => (
                <li class="card ringing" aria-label={`Incoming call: ${vehicleName(stream)}`}>
                  <p class="vehicle">{vehicleName(stream)}</p>
                  <p class="vin">VIN {stream.vin}</p>
                  <button type="button" class="primary big" onClick={() => accept(stream)}>Accept</button>
                </li>
              ))}
            </ul>
          </section>
        )}
        {active && (
          <section class="card live" aria-labelledby="live-heading">
            <h2 id="live-heading">{active.status === "streaming" ? "Live" : "Call ended"}: {vehicleName(active)}</h2>
            <p class="vin">VIN {active.vin}</p>
            {active.status === "streaming" && (
              <>
                <Chat messages={messages} me={account.id} otherName="Shopper"
                      onSend={async (message) => {
                        const saved = await call<ChatMessage>("POST", `/chat/${active.id}`, { token, body: { message } });
                        setMessages((list) => mergeMessage(list, saved));
                      }} />
                <button type="button" class="danger" onClick={stop}>Stop</button>
              </>
            )}
            {active.status !== "streaming" && (
              <>
                <form onSubmit={saveNote} class="note-form">
                  <label for="call-note">Note</label>
                  <textarea id="call-note" rows={3} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
                  <button type="submit" class="primary">Save note</button>
                </form>
                <div class="actions">
                  <button type="button" onClick={sendLoanLink}>Send loan link</button>
                  <button type="button" onClick={() => { setActive(null); setNotice(""); setError(""); }}>Done</button>
                </div>
              </>
            )}
          </section>
        )}
        {ready && online && !active && ringing.length === 0 && <p class="waiting">Waiting for calls…</p>}
      </main>
    </div>
  );
}
