import { useEffect, useRef, useState } from "preact/hooks";

export interface ChatMessage {
  id: string;
  from: string;
  message: string;
  createdAt: string;
}

/** Adds a message once, whether it came back from POST, history or Pusher. */
export function mergeMessage(list: ChatMessage[], message: ChatMessage): ChatMessage[] {
  if (list.some((m) => m.id === message.id)) return list;
  return [...list, message].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export function Chat({ messages, me, otherName, onSend, disabled }: {
  messages: ChatMessage[]; me: string; otherName: string; onSend: (text: string) => Promise<void>; disabled?: boolean;
}) {
  const [text, setText] = useState("");
  const [error, setError] = useState("");
  const log = useRef<HTMLOListElement>(null);
  useEffect(() => {
    log.current?.lastElementChild?.scrollIntoView({ block: "nearest" });
  }, [messages.length]);

  async function submit(event: Event) {
    event.preventDefault();
    const message = text.trim();
    if (!message) return;
    setError("");
    try {
      await onSend(message);
      setText("");
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : "The message was not sent.");
    }
  }

  return (
    <section class="chat" aria-labelledby="chat-heading">
      <h2 id="chat-heading">Chat</h2>
      <ol class="messages" ref={log} aria-live="polite" aria-label="Chat history">
        {messages.length === 0 && <li class="empty">No messages yet.</li>}
        {messages.map((m) => {
          const mine = m.from === me;
          return (
            <li class={mine ? "mine" : "theirs"}>
              <span class="sender">{mine ? "You" : otherName}</span>
              <span class="text">{m.message}</span>
            </li>
          );
        })}
      </ol>
      <form class="send" onSubmit={submit}>
        <label for="chat-message">Message</label>
        <input id="chat-message" value={text} maxLength={2000} autocomplete="off" disabled={disabled}
               onInput={(e) => setText(e.currentTarget.value)} />
        <button type="submit" class="primary" disabled={disabled}>Send</button>
      </form>
      {error && <p role="alert" class="alert alert-error">{error}</p>}
    </section>
  );
}
