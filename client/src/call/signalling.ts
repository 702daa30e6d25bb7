import { io, type Socket } from 'socket.io-client';
import type {
  Ack, ClientMessage, ClientMessageName, ClientToServerEvents, ServerToClientEvents, SignalErrorCode, SignalReply,
} from '../../../protocol/signalling';
import type { RoomToken } from '../../../protocol/calls';
import { ApiError } from '../api';
import { fetchRoomToken, takeRoomToken, type TokenRoute } from './roomTokens';

/** socket.io typed with the signalling contract (protocol/signalling.ts), as the call screen uses it. */
export type CallSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type { TokenRoute } from './roomTokens';

/** A request the server refused, with the contract's code. */
export class SignalRequestError extends Error {
  constructor(
    readonly code: SignalErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** While the call's host cannot be reached, how often to ask whether the call has moved to another host. */
const LOOK_FOR_HOST_EVERY_MS = 4000;

/** A host refused the token because the call has moved: this long before connecting again where it runs now. */
const MOVED_RETRY_MS = 500;

/** How long a request waits for its acknowledgement. */
const REQUEST_TIMEOUT_MS = 10_000;

/** Each message as a request: its payload in, its acknowledgement out (or socket.io's timeout error). */
type Requests = { [N in ClientMessageName]: (message: ClientMessage<N>) => Promise<Ack<SignalReply<N>>> };

function acknowledged<T>(send: (ack: (err: Error, reply: Ack<T>) => void) => void): Promise<Ack<T>> {
  return new Promise((resolve, reject) => send((err, reply) => (err ? reject(err) : resolve(reply))));
}

/**
 * The requests, each through socket.io's typed emit under its literal name: socket.io's types follow a literal event
 * name, not a generic one. The table is checked against the contract (a missing or mistyped message does not compile).
 */
function requests(socket: CallSocket): Requests {
  const timed = () => socket.timeout(REQUEST_TIMEOUT_MS);
  return {
    join: (message) => acknowledged((ack) => timed().emit('join', message, ack)),
    createTransport: (message) => acknowledged((ack) => timed().emit('createTransport', message, ack)),
    connectTransport: (message) => acknowledged((ack) => timed().emit('connectTransport', message, ack)),
    produce: (message) => acknowledged((ack) => timed().emit('produce', message, ack)),
    consume: (message) => acknowledged((ack) => timed().emit('consume', message, ack)),
    resumeConsumer: (message) => acknowledged((ack) => timed().emit('resumeConsumer', message, ack)),
    setProducerPaused: (message) => acknowledged((ack) => timed().emit('setProducerPaused', message, ack)),
    closeProducer: (message) => acknowledged((ack) => timed().emit('closeProducer', message, ack)),
    restartIce: (message) => acknowledged((ack) => timed().emit('restartIce', message, ack)),
    setAudioOnly: (message) => acknowledged((ack) => timed().emit('setAudioOnly', message, ack)),
    chat: (message) => acknowledged((ack) => timed().emit('chat', message, ack)),
    admit: (message) => acknowledged((ack) => timed().emit('admit', message, ack)),
    waitingMessage: (message) => acknowledged((ack) => timed().emit('waitingMessage', message, ack)),
    quality: (message) => acknowledged((ack) => timed().emit('quality', message, ack)),
    noMedia: (message) => acknowledged((ack) => timed().emit('noMedia', message, ack)),
    leave: (message) => acknowledged((ack) => timed().emit('leave', message, ack)),
    end: (message) => acknowledged((ack) => timed().emit('end', message, ack)),
  };
}

/** The code a refused handshake carries (connect_error's `data.code`), if it is one. */
function handshakeCode(error: Error): string | undefined {
  const data: unknown = 'data' in error ? error.data : undefined;
  return typeof data === 'object' && data !== null && 'code' in data && typeof data.code === 'string' ? data.code : undefined;
}

/**
 * The call screen's signalling connection: socket.io with a fresh room token on every (re)connection, and requests
 * answered through their acknowledgement. The server's pushes are listened to on `socket`, typed by the contract.
 */
export class SignallingClient {
  readonly socket: CallSocket;
  private closed = false;
  private readonly requests: Requests;
  /** Where the call's signalling runs, as the newest room token said (several hosts: the host it is placed on). */
  private signallingPath = '/socket.io/';
  private lookingForHost = false;
  private lookedForHostAt = 0;

  /** `onSessionGone`: the session has ended or is not this person's (any more); nothing will let them in again. */
  constructor(callId: string, tokenRoute: TokenRoute, onSessionGone: () => void) {
    const fetchToken = (): Promise<RoomToken> => fetchRoomToken(callId, tokenRoute);
    // The first connection's token is asked for at once (or was, ahead, during the device check): it says where to
    // connect (the call's host) before socket.io opens anything, and it is the token that connection then presents.
    let first: Promise<RoomToken> | undefined = takeRoomToken(callId, tokenRoute);
    this.socket = io({
      path: this.signallingPath,
      transports: ['websocket'],
      autoConnect: false,
      // A fresh room token on every (re)connection: they live two minutes.
      auth: (cb) => {
        const reply = first ?? fetchToken();
        first = undefined;
        reply.then(
          ({ token, signallingPath }) => {
            // The call has moved to another host since this connection was opened: that host refuses the token
            // ('moved', below) and the connection is opened again at the new path.
            this.signallingPath = signallingPath;
            cb({ token });
          },
          (error: unknown) => {
            if (error instanceof ApiError && (error.code === 'session_ended' || error.code === 'not_found')) onSessionGone();
            cb({ token: '' });
          },
        );
      },
      reconnectionDelay: 500,
      reconnectionDelayMax: 3000,
    });
    this.requests = requests(this.socket);
    this.socket.on('connect_error', (error) => {
      const code = handshakeCode(error);
      if (code === 'not_found') onSessionGone();
      // Refused by a host the call no longer runs on: open the connection again where the newest token points (after a
      // moment: a proxy that routes the path to the wrong host must not make this a tight loop).
      if (code === 'moved') setTimeout(() => this.reconnect(), MOVED_RETRY_MS);
    });
    // Each automatic reconnection goes where the newest token pointed. When the host cannot be reached at all (it
    // died), a new token is asked for between attempts: once the host's lease has run out, it names another host.
    this.socket.io.on('reconnect_attempt', () => {
      this.socket.io.opts.path = this.signallingPath;
    });
    this.socket.io.on('reconnect_error', () => {
      // A token fetched for the first attempt may be stale by the time one gets through: each attempt asks anew.
      first = undefined;
      // At most one look every few seconds: room tokens are limited per person (a minute's worth would run out).
      if (this.lookingForHost || this.closed || Date.now() - this.lookedForHostAt < LOOK_FOR_HOST_EVERY_MS) return;
      this.lookingForHost = true;
      this.lookedForHostAt = Date.now();
      fetchToken().then(
        ({ signallingPath }) => (this.signallingPath = signallingPath),
        (error: unknown) => {
          // Ended while its host could not be reached: nothing will let them in again.
          if (error instanceof ApiError && (error.code === 'session_ended' || error.code === 'not_found')) onSessionGone();
        },
      ).finally(() => (this.lookingForHost = false));
    });
    first.then(
      ({ signallingPath }) => {
        this.signallingPath = signallingPath;
        this.socket.io.opts.path = signallingPath;
      },
      () => undefined,
    ).finally(() => {
      if (!this.closed) this.socket.connect();
    });
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  request<N extends ClientMessageName>(name: N, message: ClientMessage<N>): Promise<SignalReply<N>> {
    if (this.closed) return Promise.reject(new Error('not connected'));
    return this.requests[name](message).then((ack) => {
      if (ack.ok) return ack.data;
      throw new SignalRequestError(ack.error.code, ack.error.message);
    });
  }

  /** Connect again from scratch: the server sees a new connection (the old one is replaced). */
  reconnect(): void {
    if (this.closed) return;
    this.socket.disconnect();
    this.socket.io.opts.path = this.signallingPath;
    this.socket.connect();
  }

  close(): void {
    this.closed = true;
    this.socket.disconnect();
  }
}
