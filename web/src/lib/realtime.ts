/** pusher-js, pointed at Pusher itself in production or at the local stand-in (wsHost/wsPort). */
import Pusher from "pusher-js";
import { config } from "./config";
import { requestHeaders } from "./api";

export type { Channel } from "pusher-js";

export function connectPusher(authHeaders: Record<string, string>): Pusher {
  const settings = config().pusher;
  const local = Boolean(settings.wsHost);
  return new Pusher(settings.key, {
    cluster: settings.cluster ?? "mt1",
    ...(local
      ? { wsHost: settings.wsHost, wsPort: settings.wsPort, forceTLS: settings.forceTLS ?? false,
          enabledTransports: ["ws" as const], disableStats: true }
      : { forceTLS: true }),
    channelAuthorization: {
      endpoint: "/socket/auth",
      transport: "ajax",
      headers: requestHeaders(null, authHeaders),
    },
  });
}
