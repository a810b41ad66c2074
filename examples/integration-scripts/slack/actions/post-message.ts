import { ActionError, createAction } from 'nango';
import { z } from 'zod';

/**
 * Slack Web API: POST /chat.postMessage. Slack answers 200 even on failure, with `ok: false` and an
 * `error` code (`channel_not_found`, `not_in_channel`, …): turned into an ActionError here.
 */
export default createAction({
  description: 'Post a message to a channel',
  version: '1.0.0',
  input: z.object({ channel: z.string().min(1), text: z.string().min(1), thread_ts: z.string().optional() }),
  output: z.object({ channel: z.string(), ts: z.string() }),
  scopes: ['chat:write'],
  exec: async (nango, input) => {
    const { data } = await nango.post<{ ok: boolean; error?: string; channel?: string; ts?: string }>({
      endpoint: '/chat.postMessage',
      data: input,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      retries: 3,
    });
    if (!data.ok || !data.channel || !data.ts)
      throw new ActionError({
        message: `Slack refused the message: ${data.error ?? 'unknown error'}`,
        slack_error: data.error,
      });
    return { channel: data.channel, ts: data.ts };
  },
});
