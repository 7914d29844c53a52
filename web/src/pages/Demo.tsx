import { useEffect, useRef, useState } from "preact/hooks";
import { Chat, mergeMessage, type ChatMessage } from "../components/Chat";
import { Alert, Field } from "../components/Field";
import { ApiError, call } from "../lib/api";
import { connectPusher } from "../lib/realtime";

type Phase = "idle" | "waiting" | "connected" | "ended" | "thanks";

interface Vehicle { vin: string; make?: string | null; model?: string | null; type?: string | null; year?: number | null }
interface Stream {
  id: string; status: string; streamToken?: string; notifiedDealers?: number;
  dealer?: { firstName?: string; lastName?: string } | null;
}

const POLL_SECONDS = 4;

function vehicleTitle(v: Vehicle | null): string {
  if (!v) return "";
  return [v.year, v.make, v.model].filter(Boolean).join(" ") || "This vehicle";
}

function LeadForm({ streamId, missed, onSent }: { streamId: string; missed: boolean; onSent: () => void }) {
  const [form, setForm] = useState({ firstName: "", lastName: "", email: "", phone: "", comment: "" });
  const [error, setError] = useState("");
  const set = (key: keyof typeof form) => (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) =>
    setForm({ ...form, [key]: e.currentTarget.value });
  async function submit(event: Event) {
    event.preventDefault();
    if (!form.email.trim() && !form.phone.trim()) return setError("Enter an email or a phone number so the dealer can reach you.");
    setError("");
    const body: Record<string, string> = { streamId };
    for (const [key, value] of Object.entries(form)) if (value.trim()) body[key] = value.trim();
    try {
      await call("POST", "/leads", { body });
      onSent();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : "Your details were not sent.");
    }
  }
  return (
    <form class="card lead-form" onSubmit={submit} aria-labelledby="lead-heading" noValidate>
      <h2 id="lead-heading">{missed ? "Sorry, no one could answer right now" : "Thanks for watching"}</h2>
      <p>Leave your details and the dealership will get back to you.</p>
      <Field id="lead-first" label="First name" autocomplete="given-name" value={form.firstName} onInput={set("firstName")} />
      <Field id="lead-last" label="Last name" autocomplete="family-name" value={form.lastName} onInput={set("lastName")} />
      <Field id="lead-email" label="Email" type="email" autocomplete="email" value={form.email} onInput={set("email")} />
      <Field id="lead-phone" label="Phone" type="tel" autocomplete="tel" value={form.phone} onInput={set("phone")} />
      <div class="field">
        <label for="lead-comment">Comment</label>
        <textarea id="lead-comment" rows={3} value={form.comment} onInput={set("comment")} />
      </div>
      <Alert>{error}</Alert>
      <button type="submit" class="primary">Send my details</button>
    </form>
  );
}

export default function Demo({ organizationCode }: { organizationCode: string }) {
  const vin = new URLSearchParams(location.search).get("vin") ?? "";
  const [vehicle, setVehicle] = useState<Vehicle | null>(null);
  const [phase, setPhase] = useState<Phase>("idle");
  const [stream, setStream] = useState<Stream | null>(null);
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [error, setError] = useState("");
  const token = useRef("");

  useEffect(() => {
    if (!vin) return;
    call<Vehicle>("GET", `/vin/${encodeURIComponent(vin)}`)
      .then(setVehicle)
      .catch((failure) => setError(failure instanceof Error ? failure.message : "The vehicle could not be read."));
  }, [vin]);

  // One place that moves the page along, whether the news came from Pusher or from polling.
  function follow(next: Stream) {
    setStream((current) => ({ ...current, ...next }));
    if (next.status === "streaming") setPhase((p) => (p === "waiting" ? "connected" : p));
    else if (["missed", "completed", "expired"].includes(next.status)) setPhase((p) => (p === "thanks" ? p : "ended"));
  }

  const live = phase === "waiting" || phase === "connected";
  const streamId = stream?.id;
  useEffect(() => {
    if (!live || !streamId) return;
    const client = connectPusher({ "X-Stream-Token": token.current });
    const channel = client.subscribe(`private-stream-${streamId}`);
    channel.bind("stream.accepted", follow);
    channel.bind("stream.stopped", follow);
    channel.bind("chat.message", (message: ChatMessage) => setMessages((list) => mergeMessage(list, message)));
    // Whatever was said before the subscription took effect comes from the history.
    channel.bind("pusher:subscription_succeeded", () => {
      call<{ messages: ChatMessage[] }>("GET", `/chat/${streamId}`, { params: { start: 0, limit: 100 } })
        .then((page) => setMessages((list) => page.messages.reduce(mergeMessage, list)))
        .catch(() => undefined);
    });
    // Pusher delivers at least once in practice; polling covers a socket that could not connect.
    const timer = window.setInterval(() => {
      call<Stream>("GET", `/streams/${streamId}`).then(follow).catch(() => undefined);
    }, POLL_SECONDS * 1000);
    return () => { clearInterval(timer); client.disconnect(); };
  }, [live, streamId]);

  async function start() {
    setError("");
    try {
      const created = await call<Stream>("POST", `/streams/request/${encodeURIComponent(organizationCode)}`, { body: { vin } });
      token.current = created.streamToken ?? "";
      setStream(created);
      setMessages([]);
      setPhase("waiting");
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 404) setError("This dealership's live walk-around is not available.");
      else setError(failure instanceof Error ? failure.message : "The walk-around could not start.");
    }
  }

  async function stop() {
    if (!stream) return;
    try {
      follow(await call<Stream>("POST", `/streams/stop/${stream.id}`));
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : "The call could not be ended.");
    }
  }

  const dealerName = stream?.dealer?.firstName ?? "the dealer";
  return (
    <main class="narrow demo">
      <h1>{vehicleTitle(vehicle) || "Live walk-around"}</h1>
      {vehicle && <p class="vin">VIN {vehicle.vin}{vehicle.type ? ` · ${vehicle.type}` : ""}</p>}
      {!vin && <Alert>This page needs a vehicle: add ?vin=… to its address.</Alert>}
      <Alert>{error}</Alert>
      {phase === "idle" && vin && (
        <button type="button" class="primary big" onClick={start}>Start live walk-around</button>
      )}
      {phase === "waiting" && stream && (
        <section class="card" aria-labelledby="waiting-heading">
          <h2 id="waiting-heading">Calling the dealership…</h2>
          <p role="status">{stream.notifiedDealers === 1 ? "1 dealer is being rung." : `${stream.notifiedDealers ?? 0} dealers are being rung.`}</p>
          <button type="button" onClick={stop}>Cancel</button>
        </section>
      )}
      {phase === "connected" && stream && (
        <section class="card" aria-labelledby="connected-heading">
          <h2 id="connected-heading">Connected with {dealerName}</h2>
          <Chat messages={messages} me="shopper" otherName={dealerName}
                onSend={async (message) => {
                  const saved = await call<ChatMessage>("POST", `/chat/${stream.id}`, { body: { message } });
                  setMessages((list) => mergeMessage(list, saved));
                }} />
          <button type="button" class="danger" onClick={stop}>End walk-around</button>
        </section>
      )}
      {phase === "ended" && stream && (
        <LeadForm streamId={stream.id} missed={stream.status === "missed"} onSent={() => setPhase("thanks")} />
      )}
      {phase === "thanks" && <p role="status" class="card">Thank you! The dealership will be in touch.</p>}
    </main>
  );
}
