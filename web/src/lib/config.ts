/** What the gateway tells the app at run time (`/config.json`, written by tools/stack.py or the
 * container's entrypoint): the apikey its API calls carry and where Pusher is. */
export interface PusherConfig {
  key: string;
  cluster?: string;
  wsHost?: string;
  wsPort?: number;
  forceTLS?: boolean;
}

export interface AppConfig {
  apiKey: string;
  pusher: PusherConfig;
}

let loaded: AppConfig | null = null;

export async function loadConfig(): Promise<AppConfig> {
  const response = await fetch("/config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`The app's configuration could not be loaded (${response.status}).`);
  loaded = (await response.json()) as AppConfig;
  return loaded;
}

export function config(): AppConfig {
  if (!loaded) throw new Error("config() before loadConfig()");
  return loaded;
}
