/** The admin token lives in this tab's sessionStorage only: never in a URL, a cookie or a log. */
const TOKEN_KEY = 'parley.adminToken';

export function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

export class Unauthorized extends Error {}

/** Check a token against the admin API; keep it only if it is accepted. */
export async function signIn(candidate: string): Promise<boolean> {
  const response = await fetch('/api/bots', { headers: { authorization: `Bearer ${candidate}` } });
  if (response.status === 401) return false;
  if (!response.ok) throw new Error(`The server answered ${response.status}.`);
  sessionStorage.setItem(TOKEN_KEY, candidate);
  return true;
}

async function request(path: string): Promise<Response> {
  const response = await fetch(path, { headers: { authorization: `Bearer ${token() ?? ''}` } });
  if (response.status === 401) {
    signOut();
    throw new Unauthorized('The admin token was refused.');
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(body?.error?.message ?? `${path}: ${response.status}`);
  }
  return response;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await request(path)).json() as Promise<T>;
}

export async function getText(path: string): Promise<string> {
  return (await request(path)).text();
}

/**
 * Server-Sent Events read with fetch (EventSource cannot send the token in a header). Reconnects after a drop;
 * `stop()` ends it.
 */
export function listen(path: string, onEvent: (event: string, data: unknown) => void): { stop(): void } {
  let stopped = false;
  let controller: AbortController | undefined;
  const run = async () => {
    while (!stopped) {
      controller = new AbortController();
      try {
        const response = await request(path).then(
          (r) => r,
          (e: unknown) => {
            if (e instanceof Unauthorized) stopped = true;
            throw e;
          },
        );
        const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let event = 'message';
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith('event:')) event = line.slice(6).trim();
              else if (line.startsWith('data:')) data.push(line.slice(5).trim());
            }
            if (data.length) onEvent(event, JSON.parse(data.join('\n')));
          }
        }
      } catch {
        // dropped or refused: try again below
      }
      if (!stopped) {
        onEvent('resync', {});
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    }
  };
  void run();
  return {
    stop() {
      stopped = true;
      controller?.abort();
    },
  };
}
