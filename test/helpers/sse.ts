// A small server-sent events client over fetch, for tests: frames as they
// arrive (id, event, data) and comment lines (heartbeats), and a way to stop.

export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

export interface SseClient {
  frames: SseFrame[];
  status: number;
  /** Resolves once `predicate` holds over the frames received so far. */
  until(predicate: (frames: SseFrame[]) => boolean, timeoutMs?: number): Promise<SseFrame[]>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string>): Promise<SseClient> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const frames: SseFrame[] = [];
  const waiters: Array<() => void> = [];
  if (res.body) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const frame: SseFrame = {};
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) frame.comment = line.slice(1).trim();
              else {
                const i = line.indexOf(':');
                const field = line.slice(0, i);
                const value = line.slice(i + 1).replace(/^ /, '');
                if (field === 'id' || field === 'event' || field === 'data') frame[field] = value;
              }
            }
            frames.push(frame);
          }
          for (const w of waiters.splice(0)) w();
        }
      } catch {
        // aborted
      }
    })();
  }
  return {
    frames,
    status: res.status,
    async until(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(frames)) {
        if (Date.now() > deadline) throw new Error(`SSE condition not met in ${timeoutMs} ms; frames: ${JSON.stringify(frames.slice(-5))}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
      return frames;
    },
    close: () => abort.abort(),
  };
}

/** Frames of outbox events (not the stream's opening position frame). */
export const eventFrames = (frames: SseFrame[]) => frames.filter((f) => f.id !== undefined && f.event !== 'stream.open');
