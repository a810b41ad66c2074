/**
 * CPU profiles of the local runtime's isolates over the DevTools protocol (workerd's inspector,
 * `PIER_INSPECTOR_PORT`), for the diagnosis benches (`profile-*`).
 */
import WebSocket from 'ws';

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number } };
export type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
export type Frame = ProfileNode['callFrame'];

/** One DevTools-protocol session: numbered commands, answered by id. */
export async function devtools(url: string) {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  let next = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  });
  return {
    send: <T>(method: string, params: object = {}) =>
      new Promise<T>((resolve) => {
        const id = ++next;
        waiting.set(id, resolve as (result: unknown) => void);
        socket.send(JSON.stringify({ id, method, params }));
      }),
    close: () => socket.close(),
  };
}

/** The isolates the inspector offers (the Worker is `core:user:pier-local`; D1 and queues have their own). */
export async function inspectorTargets(port: number) {
  return (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as {
    id: string;
    webSocketDebuggerUrl?: string;
  }[];
}

/** Starts sampling (every 100 µs) in one isolate; `stop` returns the profile. */
export async function startProfile(webSocketDebuggerUrl: string) {
  const session = await devtools(webSocketDebuggerUrl);
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 100 });
  await session.send('Profiler.start');
  return {
    stop: async () => {
      const { profile } = await session.send<{ profile: Profile }>('Profiler.stop');
      session.close();
      return profile;
    },
  };
}

/** Self time (µs) per call frame of a profile. */
export function selfTimes(profile: Profile): { frame: Frame; us: number }[] {
  const self = new Map<number, number>();
  for (const [i, node] of profile.samples.entries())
    self.set(node, (self.get(node) ?? 0) + (profile.timeDeltas[i] ?? 0));
  return profile.nodes.map((node) => ({ frame: node.callFrame, us: self.get(node.id) ?? 0 }));
}

/** `name  file:line` for a report. */
export const frameKey = (frame: Frame) =>
  `${frame.functionName || '(anonymous)'}  ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}`;
