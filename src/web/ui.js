// The page: room list, one scrolling log per room, member list, topic,
// connection status and the title's mention count. Message text only ever
// reaches the document as text nodes (createTextNode / textContent); IRC
// formatting becomes CSS classes or element.style, never markup.

import { findLinks, nickHue, parseFormatting } from './irc.js';

const TITLE = 'sala';
const NEAR_EDGE_PX = 80;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function paintNick(node, nick) {
  node.style.setProperty('--nick-hue', String(nickHue(nick)));
}

// Appends IRC-formatted text to parent: runs of style as spans, http(s)
// links as anchors, everything else as text nodes.
export function appendFormatted(parent, text) {
  for (const run of parseFormatting(text)) {
    const s = run.style;
    const classes = [];
    if (s.bold) classes.push('f-bold');
    if (s.italic) classes.push('f-italic');
    if (s.underline) classes.push('f-underline');
    if (s.strike) classes.push('f-strike');
    if (s.mono) classes.push('f-mono');
    if (s.reverse) classes.push('f-reverse');
    let target = parent;
    const styled = classes.length || s.fg !== null || s.bg !== null;
    if (styled) {
      target = el('span', classes.join(' '));
      for (const [value, prop] of [[s.fg, 'fg'], [s.bg, 'bg']]) {
        if (typeof value === 'number' && value < 16) target.classList.add(`${prop}-${value}`);
        else if (typeof value === 'string') target.style[prop === 'fg' ? 'color' : 'backgroundColor'] = value;
      }
      parent.appendChild(target);
    }
    for (const piece of findLinks(run.text)) {
      if (piece.url) {
        const a = el('a', 'link', piece.text);
        a.href = piece.url;
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
        target.appendChild(a);
      } else {
        target.appendChild(document.createTextNode(piece.text));
      }
    }
  }
}

function formatTime(ms) {
  const date = new Date(ms);
  const hm = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false });
  if (date.toDateString() === new Date().toDateString()) return hm;
  return `${date.toLocaleDateString([], { month: 'short', day: 'numeric' })} ${hm}`;
}

const EVENT_KINDS = new Set(['join', 'part', 'quit', 'kick', 'nick', 'topic', 'mode', 'info']);

export function renderLine(line) {
  const row = el('div', `line kind-${line.kind}`);
  if (line.history) row.classList.add('history');
  if (line.mention) row.classList.add('mention');
  if (line.self) row.classList.add('self');
  if (line.msgid) row.dataset.msgid = line.msgid;
  row.dataset.time = String(line.time);
  const time = el('time', 'time', formatTime(line.time));
  time.dateTime = new Date(line.time).toISOString();
  time.title = new Date(line.time).toLocaleString() + (line.history ? ' (history)' : '');
  row.appendChild(time);
  if (EVENT_KINDS.has(line.kind)) {
    const body = el('span', 'text');
    appendFormatted(body, line.text);
    row.appendChild(body);
    return row;
  }
  const nick = el('span', 'nick', line.kind === 'action' ? `* ${line.nick}` : line.nick);
  paintNick(nick, line.nick);
  if (line.account) nick.title = `account: ${line.account}`;
  const body = el('span', 'text');
  appendFormatted(body, line.text);
  row.append(nick, body);
  return row;
}

// Puts row among the rows of log in time order (after rows of equal time),
// looking from the end, where live lines land.
function insertByTime(log, row) {
  const time = Number(row.dataset.time);
  let after = log.lastElementChild;
  while (after && Number(after.dataset.time) > time) after = after.previousElementSibling;
  log.insertBefore(row, after ? after.nextSibling : log.firstChild);
}

export class View {
  // callbacks: needOlder(room), openQuery(nick), leave(room), retryNow()
  constructor(callbacks) {
    this.callbacks = callbacks;
    this.active = null;
    this.panes = new Map(); // room key -> {room, log, item, stick, unread, mentions}
    this.$ = (id) => document.getElementById(id);
    document.addEventListener('visibilitychange', () => this.pageSeenMaybe());
    window.addEventListener('focus', () => this.pageSeenMaybe());
  }

  // --- rooms ----------------------------------------------------------------

  roomAdded(room) {
    const log = el('div', 'log');
    log.dataset.room = room.name;
    log.hidden = true;
    log.setAttribute('role', 'log');
    const item = el('li', 'room');
    const button = el('button', 'room-button');
    button.type = 'button';
    const name = el('span', 'room-name', room.name);
    const badge = el('span', 'badge');
    badge.hidden = true;
    button.append(name, badge);
    const close = el('button', 'room-close', '\u00d7');
    close.type = 'button';
    close.title = `Leave ${room.name}`;
    close.setAttribute('aria-label', `Leave ${room.name}`);
    item.append(button, close);
    const pane = { room, log, item, name, badge, stick: true, unread: 0, mentions: 0 };
    this.panes.set(room.key, pane);
    button.addEventListener('click', () => { this.focusRoom(room); this.closePanels(); });
    close.addEventListener('click', () => this.callbacks.leave(room));
    log.addEventListener('scroll', () => {
      pane.stick = log.scrollHeight - log.scrollTop - log.clientHeight < NEAR_EDGE_PX / 2;
      if (log.scrollTop < NEAR_EDGE_PX) this.callbacks.needOlder(room);
    }, { passive: true });
    this.$('logs').appendChild(log);
    this.insertRoomItem(pane);
    this.roomChanged(room);
  }

  // Channels first, then private conversations, each alphabetically.
  insertRoomItem(pane) {
    const list = this.$('room-list');
    const rank = (room) => `${room.isChannel ? 0 : 1}${room.key}`;
    const before = [...this.panes.values()]
      .filter((p) => p !== pane && p.item.parentNode === list && rank(p.room) > rank(pane.room))
      .sort((a, b) => (rank(a.room) < rank(b.room) ? -1 : 1))[0];
    list.insertBefore(pane.item, before ? before.item : null);
  }

  roomRemoved(room) {
    const pane = this.panes.get(room.key);
    if (!pane) return;
    pane.log.remove();
    pane.item.remove();
    this.panes.delete(room.key);
    if (this.active === room) {
      this.active = null;
      const next = this.panes.values().next().value;
      if (next) this.focusRoom(next.room); else this.showHeader();
    }
    this.updateTitle();
  }

  roomChanged(room) {
    const pane = this.panes.get(room.key);
    if (!pane) return;
    pane.name.textContent = room.name;
    pane.log.dataset.room = room.name;
    pane.item.classList.toggle('parted', room.isChannel && !room.joined);
    if (room === this.active) this.showHeader();
  }

  hasActiveRoom() {
    return this.active !== null;
  }

  focusRoom(room) {
    const pane = this.panes.get(room.key);
    if (!pane) return;
    for (const other of this.panes.values()) {
      other.log.hidden = other !== pane;
      other.item.classList.toggle('active', other === pane);
    }
    this.active = room;
    pane.unread = 0;
    if (this.pageSeen()) pane.mentions = 0;
    this.updateBadge(pane);
    this.updateTitle();
    this.showHeader();
    this.renderMembers(room);
    if (pane.stick) pane.log.scrollTop = pane.log.scrollHeight;
    this.fillIfShort(pane);
    const input = this.$('input');
    input.placeholder = `Message ${room.name}`;
  }

  showHeader() {
    const room = this.active;
    this.$('room-title').textContent = room ? room.name : '';
    const topic = this.$('room-topic');
    topic.replaceChildren();
    if (room && room.topic) appendFormatted(topic, room.topic);
    topic.title = topic.textContent;
    const count = room ? room.members.size : 0;
    this.$('member-count').textContent = room && room.isChannel ? String(count) : '';
    this.$('composer').classList.toggle('disabled', Boolean(room && room.isChannel && !room.joined));
  }

  topicChanged(room) {
    if (room === this.active) this.showHeader();
  }

  // --- lines ----------------------------------------------------------------

  showLines(room, lines, { prepend }) {
    const pane = this.panes.get(room.key);
    if (!pane) return;
    const log = pane.log;
    if (lines.length) {
      const fromBottom = log.scrollHeight - log.scrollTop;
      if (prepend) {
        const batch = document.createDocumentFragment();
        for (const line of lines) batch.appendChild(renderLine(line));
        log.insertBefore(batch, log.firstChild);
      } else {
        for (const line of lines) insertByTime(log, renderLine(line));
      }
      if (pane.stick && !prepend) log.scrollTop = log.scrollHeight;
      else if (prepend) log.scrollTop = log.scrollHeight - fromBottom; // the reader's lines stay put
      const live = lines.filter((l) => !l.history && !l.self && !['join', 'part', 'quit', 'nick', 'mode'].includes(l.kind));
      if (room !== this.active && live.length) {
        pane.unread += live.length;
        this.updateBadge(pane);
      }
    }
    if (room === this.active && (prepend ? log.scrollTop < NEAR_EDGE_PX : true)) this.fillIfShort(pane, prepend);
  }

  // With too few lines to scroll, the reader could never scroll up to ask
  // for older ones: ask on their behalf.
  fillIfShort(pane, nearTop = false) {
    const log = pane.log;
    if (nearTop || log.scrollHeight <= log.clientHeight + NEAR_EDGE_PX) this.callbacks.needOlder(pane.room);
  }

  info(text, room) {
    const target = room || this.active;
    if (!target) return;
    const pane = this.panes.get(target.key);
    if (!pane) return;
    const row = renderLine({ kind: 'info', text, time: Date.now() });
    pane.log.appendChild(row);
    if (pane.stick) pane.log.scrollTop = pane.log.scrollHeight;
  }

  // --- members ----------------------------------------------------------------

  membersChanged(room) {
    if (room === this.active) {
      this.renderMembers(room);
      this.showHeader();
    }
  }

  renderMembers(room) {
    const list = this.$('member-list');
    const order = (m) => {
      const symbols = '~&@%+';
      const first = m.modes ? symbols.indexOf(m.modes[0]) : -1;
      return first < 0 ? symbols.length : first;
    };
    const members = [...room.members.values()].sort((a, b) => order(a) - order(b)
      || a.nick.toLowerCase().localeCompare(b.nick.toLowerCase()));
    const items = members.map((m) => {
      const item = el('li', 'member');
      if (m.away) item.classList.add('away');
      const prefix = el('span', 'prefix', m.modes ? m.modes[0] : '');
      const button = el('button', 'nick', m.nick);
      button.type = 'button';
      paintNick(button, m.nick);
      button.title = `Talk to ${m.nick} privately`;
      button.addEventListener('click', () => { this.callbacks.openQuery(m.nick); this.closePanels(); });
      item.append(prefix, button);
      return item;
    });
    list.replaceChildren(...items);
    this.$('members-heading').textContent = room.isChannel ? `Members (${members.length})` : 'Private conversation';
  }

  // --- mentions and the title ----------------------------------------------

  pageSeen() {
    return document.visibilityState === 'visible' && document.hasFocus();
  }

  mention(room, line) {
    const pane = this.panes.get(room.key);
    if (!pane) return;
    if (room !== this.active || !this.pageSeen()) pane.mentions++;
    this.updateBadge(pane);
    this.updateTitle();
  }

  pageSeenMaybe() {
    if (!this.pageSeen() || !this.active) return;
    const pane = this.panes.get(this.active.key);
    if (pane && pane.mentions) {
      pane.mentions = 0;
      this.updateBadge(pane);
      this.updateTitle();
    }
  }

  updateBadge(pane) {
    const count = pane.mentions || pane.unread;
    pane.badge.hidden = count === 0;
    pane.badge.textContent = count ? String(count) : '';
    pane.badge.classList.toggle('mentioned', pane.mentions > 0);
  }

  updateTitle() {
    let total = 0;
    for (const pane of this.panes.values()) total += pane.mentions;
    document.title = total ? `(${total}) ${TITLE}` : TITLE;
  }

  // --- connection and login ------------------------------------------------

  setStatus(text, { retry = false } = {}) {
    const status = this.$('conn-status');
    status.hidden = !text;
    this.$('conn-text').textContent = text;
    this.$('retry-now').hidden = !retry;
    document.body.classList.toggle('offline', Boolean(text));
  }

  registered(nick) {
    this.$('login-screen').hidden = true;
    this.$('chat-screen').hidden = false;
    this.nickChanged(nick);
    this.setStatus('');
    if (this.wasDisconnected) this.info('Reconnected.');
    this.wasDisconnected = false;
  }

  nickChanged(nick) {
    this.$('my-nick').textContent = nick;
  }

  loggedIn(account) {
    this.$('my-account').textContent = ` (account ${account})`;
  }

  loginFailed(message) {
    this.loginError = message;
    this.$('chat-screen').hidden = true;
    this.$('login-screen').hidden = false;
    const error = this.$('login-error');
    error.textContent = message;
    error.hidden = false;
    this.$('login-submit').disabled = false;
  }

  disconnected({ code, reason, retryInMs }) {
    if (retryInMs === null) {
      if (!this.loginError) this.setStatus('Disconnected.');
      return;
    }
    if (!this.wasDisconnected && this.active) this.info(`Connection lost${reason ? ` (${reason})` : ''}; reconnecting\u2026`);
    this.wasDisconnected = true;
    this.retryTick(retryInMs, code);
  }

  connecting() {
    if (this.wasDisconnected) this.setStatus('Connecting\u2026');
  }

  retryTick(ms) {
    this.setStatus(`Offline: reconnecting in ${Math.ceil(ms / 1000)} s`, { retry: true });
  }

  // --- narrow screens: the room and member panels slide over the log --------

  closePanels() {
    document.body.classList.remove('show-rooms', 'show-members');
    this.$('toggle-rooms').setAttribute('aria-expanded', 'false');
    this.$('toggle-members').setAttribute('aria-expanded', 'false');
  }
}
