/**
 * @module dashboard/api
 * Calls to the HTTP API with the session's key. Errors become ApiError with the contract's code and
 * message (or a network error saying the API could not be reached, or a key that cannot be sent), so pages
 * show what went wrong.
 * The live job stream is read with fetch and a stream reader, not EventSource, because EventSource cannot
 * send the Authorization header.
 */
import { getKey } from './session.js';

export class ApiError extends Error {
  /** @param status HTTP status, 0 for a network failure */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** What a key may hold: printable ASCII, as keys are issued (`eak_…`) and as a header carries safely. */
const SENDABLE_KEY = /^[\x20-\x7e]*$/;

/**
 * The request headers with the session's key. A key holding other characters (a curly quote or an ellipsis
 * pasted along with it) is refused here, naming the problem, and nothing is sent: fetch would throw a
 * TypeError on such a header, which reads as "cannot reach the API". Status 401 as for a refused key, so
 * pages offer to sign in again and a job's stream gives up rather than retrying.
 */
function headers(extra = {}) {
  const key = getKey() ?? '';
  if (!SENDABLE_KEY.test(key)) {
    throw new ApiError(401, 'invalid_api_key', 'the API key contains characters that cannot be sent (only printable ASCII: letters, digits and punctuation); paste the key exactly as it was issued');
  }
  return { authorization: `Bearer ${key}`, ...extra };
}

async function send(path, init) {
  let res;
  try {
    res = await fetch(path, init);
  } catch (err) {
    if (err?.name === 'AbortError') throw err;
    throw new ApiError(0, 'network_error', `cannot reach the API (${err?.message ?? err}); check your connection and reload`);
  }
  return res;
}

async function errorOf(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    // not JSON: fall through to the status line
  }
  const e = body?.error;
  return new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? `the API answered ${res.status} ${res.statusText}`);
}

/** GET (or any method with a JSON body) returning the parsed JSON answer. */
export async function api(path, { method = 'GET', body, signal } = {}) {
  const res = await send(path, {
    method,
    signal,
    headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw await errorOf(res);
  return res.status === 204 ? null : res.json();
}

/** Sends a file as the request body (uploads), returning the parsed JSON answer. */
export async function sendFile(path, file, contentType, { method = 'PUT' } = {}) {
  const res = await send(path, { method, headers: headers({ 'content-type': contentType }), body: file });
  if (!res.ok) throw await errorOf(res);
  return res.json();
}

/** Path segment for a user-chosen name. */
export const seg = (name) => encodeURIComponent(name);

const sleep = (ms, signal) =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * Follows a job's event stream until the job ends or `signal` aborts: `onView` gets every job view,
 * `onState` the connection state ('live', 'reconnecting', 'ended'). A stream the server closes for its
 * time cap, or a dropped connection, is opened again after a pause; API errors (404, 401) are thrown.
 */
export async function followJob(id, { onView, onState, signal }) {
  let failures = 0;
  while (!signal.aborted) {
    let ended = null;
    try {
      const res = await send(`/v1/jobs/${seg(id)}/events`, { headers: headers({ accept: 'text/event-stream' }), signal });
      if (!res.ok) throw await errorOf(res);
      onState('live');
      failures = 0;
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += value;
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = parseEvent(block);
          if (event?.event === 'job') onView(event.data);
          if (event?.event === 'end') ended = event.data.reason;
        }
      }
    } catch (err) {
      if (signal.aborted || err?.name === 'AbortError') return;
      if (err instanceof ApiError && err.status !== 0 && err.status < 500) throw err;
      failures++;
    }
    if (ended === 'finished') {
      onState('ended');
      return;
    }
    onState('reconnecting');
    await sleep(Math.min(15_000, 1_000 * 2 ** Math.min(failures, 4)), signal);
  }
}

function parseEvent(block) {
  let event = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
  }
  if (data.length === 0) return null;
  try {
    return { event, data: JSON.parse(data.join('\n')) };
  } catch {
    return null;
  }
}
