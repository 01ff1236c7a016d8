// One IRC session over a WebSocket (IRCv3 websocket transport: one line per
// message, no CR LF), reconnected with exponential back-off until stopped.

const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 30000;
// A link that died without a close frame (laptop lid, lost Wi-Fi) shows only
// as silence: after this long without a line we PING, and if that brings
// nothing either, we drop the socket and reconnect.
const IDLE_PING_MS = 60000;
const PONG_WAIT_MS = 30000;

export function ircSocketUrl(location) {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/irc`;
}

export class Connection {
  // handlers: onOpen(), onLine(text), onClose({code, reason, retryInMs}),
  // onRetryTick(msLeft) while waiting to reconnect.
  constructor(url, handlers) {
    this.url = url;
    this.handlers = handlers;
    this.socket = null;
    this.failures = 0;
    this.stopped = true;
    this.retryTimer = null;
    this.tickTimer = null;
    this.idleTimer = null;
    this.deadTimer = null;
  }

  start() {
    this.stopped = false;
    this.open();
  }

  // No reconnection after this; the socket closes after the lines already
  // sent. Resolves once it has closed (or after a short wait).
  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.tickTimer);
    this.clearLiveness();
    const socket = this.socket;
    if (!socket || socket.readyState > WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve) => {
      socket.addEventListener('close', () => resolve());
      setTimeout(resolve, 2000);
      socket.close(1000);
    });
  }

  // Registration worked: the next outage starts again from the first delay.
  registered() {
    this.failures = 0;
  }

  get isOpen() {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  send(line) {
    if (!this.isOpen) return false;
    this.socket.send(line);
    return true;
  }

  // Reconnect now instead of waiting out the back-off (the user asked to).
  retryNow() {
    if (this.stopped || this.socket) return;
    clearTimeout(this.retryTimer);
    clearInterval(this.tickTimer);
    this.open();
  }

  open() {
    let socket;
    try {
      socket = new WebSocket(this.url, ['text.ircv3.net']);
    } catch (err) {
      this.scheduleRetry(1006, String(err));
      return;
    }
    this.socket = socket;
    socket.addEventListener('open', () => {
      if (socket !== this.socket) return;
      this.armLiveness();
      this.handlers.onOpen();
    });
    socket.addEventListener('message', (event) => {
      if (socket !== this.socket) return;
      this.armLiveness();
      if (typeof event.data !== 'string') return; // text.ircv3.net: text frames only
      // One line per message; tolerate a sender that still adds CR LF.
      for (const line of event.data.split(/\r?\n/)) if (line) this.handlers.onLine(line);
    });
    socket.addEventListener('close', (event) => {
      if (socket !== this.socket) return;
      this.socket = null;
      this.clearLiveness();
      this.scheduleRetry(event.code, event.reason);
    });
  }

  scheduleRetry(code, reason) {
    if (this.stopped) {
      this.handlers.onClose({ code, reason, retryInMs: null });
      return;
    }
    // 1 s, 2 s, 4 s ... 30 s, each scaled by a random 0.5-1.0 so that many
    // clients cut off by one restart do not all come back in the same instant.
    const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(this.failures, 15));
    const delay = Math.round(base * (0.5 + Math.random() / 2));
    this.failures++;
    const due = Date.now() + delay;
    this.handlers.onClose({ code, reason, retryInMs: delay });
    clearInterval(this.tickTimer);
    this.tickTimer = setInterval(() => this.handlers.onRetryTick(Math.max(0, due - Date.now())), 1000);
    this.retryTimer = setTimeout(() => {
      clearInterval(this.tickTimer);
      if (!this.stopped) this.open();
    }, delay);
  }

  armLiveness() {
    this.clearLiveness();
    this.idleTimer = setTimeout(() => {
      this.send(`PING :alive-${Date.now()}`);
      this.deadTimer = setTimeout(() => {
        // A dead link may never finish a close handshake: let the socket go
        // and count it closed now.
        const dead = this.socket;
        if (!dead) return;
        this.socket = null;
        dead.close(4000, 'no answer to PING');
        this.scheduleRetry(4000, 'no answer to PING');
      }, PONG_WAIT_MS);
    }, IDLE_PING_MS);
  }

  clearLiveness() {
    clearTimeout(this.idleTimer);
    clearTimeout(this.deadTimer);
  }
}
