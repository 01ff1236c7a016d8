// The IRC side of the web client: registration (CAP, SASL PLAIN, nick
// collisions), rooms and their members, batches and history (replay on join,
// older lines on demand, the gap after a reconnect). It keeps no DOM; it tells
// a view what changed (see ui.js for the methods it calls).

import {
  buildLine, caseFolder, isCtcp, mentions, parseAction, parseLine, parsePrefixSupport,
  parseServerTime, saslPlainChunks, splitUtf8,
} from './irc.js';

// Capabilities this client understands, requested when the server offers them.
const WANTED_CAPS = [
  'message-tags', 'server-time', 'batch', 'draft/chathistory', 'draft/event-playback',
  'echo-message', 'multi-prefix', 'away-notify', 'account-tag', 'extended-join',
  'labeled-response', 'sasl',
];
const LATEST_PAGE = 50;
const OLDER_PAGE = 50;
const GAP_PAGE = 100;
const MAX_NICK_RETRIES = 8;
// Error numerics shown to the user as they come (the text is the last parameter).
const SHOWN_ERRORS = new Set(['401', '403', '404', '405', '421', '441', '442', '443', '461', '471', '473', '474', '475', '477', '478', '482']);

export class Session {
  constructor(connection, view) {
    this.connection = connection;
    this.view = view;
    this.rooms = new Map(); // folded name -> room
    // sala's CASEMAPPING; ISUPPORT replaces it before any room is joined.
    this.fold = caseFolder('ascii');
    this.resetConnectionState();
    this.wantedNick = '';
    this.account = '';
    this.password = '';
    this.nick = '';
    this.labelCounter = 0;
    this.activateOnJoin = new Set();
  }

  resetConnectionState() {
    this.registered = false;
    this.capsOffered = new Map();
    this.caps = new Set();
    this.capNegotiating = false;
    this.nickRetries = 0;
    this.batches = new Map();
    this.requests = new Map(); // label -> {kind, room, limit}
    this.isupport = { CHANTYPES: '#&', PREFIX: parsePrefixSupport('(ov)@+'), CHANMODES: ['beI', 'k', 'l', 'imnst'], CHATHISTORY: 0 };
  }

  // --- lifecycle ----------------------------------------------------------

  login({ nick, account, password, rooms }) {
    this.wantedNick = nick;
    this.account = account || nick;
    this.password = password || '';
    for (const name of rooms) this.roomFor(name).wanted = true;
    this.connection.start();
  }

  logout() {
    this.send('QUIT', ['Leaving']);
    return this.connection.stop();
  }

  onOpen() {
    this.resetConnectionState();
    this.view.connecting();
    this.capNegotiating = true;
    this.send('CAP', ['LS', '302']);
    this.send('NICK', [this.nick || this.wantedNick]);
    this.send('USER', [this.account.replace(/[^A-Za-z0-9_-]/g, '') || 'web', '0', '*', 'sala web client']);
  }

  onClose(info) {
    for (const room of this.rooms.values()) {
      // The newest line seen before the outage is where the gap starts; a
      // second outage before the rejoin keeps the first one's start.
      if (room.newest && !room.gapFrom) room.gapFrom = room.newest.msgid;
      room.joined = false;
      room.members.clear();
      room.loadingOlder = false;
      room.unlabeled = [];
      this.view.membersChanged(room);
    }
    this.registered = false;
    this.batches.clear();
    this.requests.clear();
    this.view.disconnected(info);
  }

  send(command, params = [], tags = null) {
    return this.connection.send(buildLine(command, params, tags));
  }

  // Sends with a label when the server supports labeled-response, so that the
  // answer (a batch, a FAIL) can be matched to the request; without it, the
  // answers come in the order of the requests.
  request(command, params, context) {
    if (this.caps.has('labeled-response')) {
      const label = `w${++this.labelCounter}`;
      this.requests.set(label, context);
      return this.send(command, params, { label });
    }
    context.room.unlabeled.push(context);
    return this.send(command, params);
  }

  // --- rooms --------------------------------------------------------------

  isChannel(name) {
    return name.length > 0 && this.isupport.CHANTYPES.includes(name[0]);
  }

  roomFor(name) {
    const key = this.fold(name);
    let room = this.rooms.get(key);
    if (!room) {
      room = {
        key, name, isChannel: this.isChannel(name), joined: false, wanted: false, topic: '',
        members: new Map(), namesBuffer: null, msgids: new Set(), oldest: null, newest: null,
        noOlder: false, loadingOlder: false, gapFrom: null, unlabeled: [],
      };
      this.rooms.set(key, room);
      this.view.roomAdded(room);
    }
    return room;
  }

  existingRoom(name) {
    return this.rooms.get(this.fold(name)) || null;
  }

  forgetRoom(room) {
    this.rooms.delete(room.key);
    this.view.roomRemoved(room);
  }

  isMe(nick) {
    return this.fold(nick) === this.fold(this.nick);
  }

  // --- what the user does -------------------------------------------------

  join(name) {
    const room = this.roomFor(name);
    room.wanted = true;
    if (room.joined) {
      this.view.focusRoom(room);
      return;
    }
    this.activateOnJoin.add(room.key);
    this.send('JOIN', [name]);
  }

  part(room, reason) {
    if (room.isChannel && room.joined) this.send('PART', reason ? [room.name, reason] : [room.name]);
    room.wanted = false;
    this.forgetRoom(room);
  }

  openQuery(nick) {
    const room = this.roomFor(nick);
    room.wanted = true;
    this.view.focusRoom(room);
    return room;
  }

  say(room, text, { action = false } = {}) {
    const maxBytes = 400 - (action ? 9 : 0) - this.fold(room.name).length;
    for (const piece of splitUtf8(text, maxBytes)) {
      const body = action ? `\x01ACTION ${piece}\x01` : piece;
      if (!this.send('PRIVMSG', [room.name, body])) return false;
      if (!this.caps.has('echo-message')) {
        this.showLive(room, { kind: action ? 'action' : 'privmsg', nick: this.nick, text: piece, time: Date.now(), self: true });
      }
    }
    return true;
  }

  setTopic(room, text) {
    this.send('TOPIC', text === null ? [room.name] : [room.name, text]);
  }

  changeNick(nick) {
    if (this.registered) this.send('NICK', [nick]);
    else this.wantedNick = nick;
  }

  sendRaw(line) {
    return this.connection.send(line);
  }

  // Asks for the page of lines before the oldest one shown; true if asked.
  loadOlder(room) {
    if (!this.registered || !room.oldest || room.noOlder || room.loadingOlder) return false;
    if (!this.hasHistory) return false;
    room.loadingOlder = true;
    this.request('CHATHISTORY', ['BEFORE', room.name, `msgid=${room.oldest.msgid}`, String(this.pageLimit(OLDER_PAGE))],
      { kind: 'before', room });
    return true;
  }

  pageLimit(wanted) {
    const max = this.isupport.CHATHISTORY;
    return max > 0 ? Math.min(wanted, max) : wanted;
  }

  get hasHistory() {
    return this.caps.has('draft/chathistory') && this.caps.has('batch');
  }

  // What came after the last line seen here, page by page while pages are full.
  fillGap(room, afterMsgid) {
    if (!this.hasHistory) return;
    const limit = this.pageLimit(GAP_PAGE);
    this.request('CHATHISTORY', ['AFTER', room.name, `msgid=${afterMsgid}`, String(limit)], { kind: 'after', room, limit });
  }

  // A server that offers draft/chathistory leaves the lines before a join to
  // the client to ask for (it replays them only to clients without it).
  loadLatest(room) {
    if (!this.hasHistory) return;
    const limit = this.pageLimit(LATEST_PAGE);
    this.request('CHATHISTORY', ['LATEST', room.name, '*', String(limit)], { kind: 'latest', room, limit });
  }

  // --- lines from the server ----------------------------------------------

  onLine(raw) {
    const msg = parseLine(raw);
    if (!msg) return;
    if (msg.command === 'BATCH') {
      this.onBatch(msg);
      return;
    }
    const batch = msg.tags.batch ? this.batches.get(msg.tags.batch) : null;
    if (batch) batch.items.push({ msg });
    else this.dispatch(msg, msg.tags.label || null);
  }

  onBatch(msg) {
    const ref = msg.params[0] || '';
    if (ref.startsWith('+')) {
      this.batches.set(ref.slice(1), {
        type: msg.params[1] || '', params: msg.params.slice(2), items: [],
        parent: msg.tags.batch || null, label: msg.tags.label || null,
      });
      return;
    }
    const id = ref.slice(1);
    const batch = this.batches.get(id);
    if (!batch) return;
    this.batches.delete(id);
    const parent = batch.parent ? this.batches.get(batch.parent) : null;
    if (parent) parent.items.push({ batch });
    else this.finishBatch(batch, batch.label);
  }

  finishBatch(batch, label) {
    if (batch.type === 'chathistory') {
      this.onHistory(batch, label);
      return;
    }
    // labeled-response, netsplit, unknown types: their lines as they come.
    const innerLabel = batch.type === 'labeled-response' ? batch.label : label;
    for (const item of batch.items) {
      if (item.batch) this.finishBatch(item.batch, innerLabel);
      else this.dispatch(item.msg, innerLabel);
    }
  }

  // The request a history batch answers: by its label, else the room's
  // oldest unanswered one; null for a batch nobody asked for (a replay).
  takeRequest(label, room) {
    if (label && this.requests.has(label)) {
      const req = this.requests.get(label);
      this.requests.delete(label);
      return req;
    }
    if (!label && room && room.unlabeled.length) return room.unlabeled.shift();
    return null;
  }

  onHistory(batch, label) {
    const target = batch.params[0] || '';
    const room = this.isChannel(target) ? this.existingRoom(target) : this.roomFor(target);
    const req = this.takeRequest(label, room);
    if (!room) return;
    const lines = [];
    for (const item of batch.items) {
      if (!item.msg) continue;
      const line = this.lineFrom(item.msg, room, true);
      if (line) lines.push(line);
    }
    const oldestBefore = room.oldest ? room.oldest.msgid : null;
    const fresh = this.remember(room, lines);
    if (req && req.kind === 'before') {
      room.loadingOlder = false;
      // Nothing at all, or nothing older than what we had: the start of history.
      if (batch.items.length === 0 || !room.oldest || room.oldest.msgid === oldestBefore) room.noOlder = true;
      this.view.showLines(room, fresh, { prepend: true });
      return;
    }
    // A LATEST page that is not full holds everything there is.
    if (req && req.kind === 'latest' && batch.items.length < req.limit) room.noOlder = true;
    this.view.showLines(room, fresh, { prepend: false });
    // A full page of the gap may have more behind it.
    if (req && req.kind === 'after' && batch.items.length >= req.limit && room.newest) this.fillGap(room, room.newest.msgid);
  }

  // Drops lines already shown (by msgid) and tracks the oldest and newest
  // msgid, the anchors for CHATHISTORY BEFORE and AFTER.
  remember(room, lines) {
    const fresh = [];
    for (const line of lines) {
      if (line.msgid) {
        if (room.msgids.has(line.msgid)) continue;
        room.msgids.add(line.msgid);
        if (line.anchor) {
          if (!room.oldest || line.time < room.oldest.time) room.oldest = { time: line.time, msgid: line.msgid };
          if (!room.newest || line.time >= room.newest.time) room.newest = { time: line.time, msgid: line.msgid };
        }
      }
      fresh.push(line);
    }
    return fresh;
  }

  showLive(room, line) {
    const fresh = this.remember(room, [line]);
    if (fresh.length) this.view.showLines(room, fresh, { prepend: false });
  }

  // An IRC message as a line to show in room, or null. History lines (and
  // any line with a msgid from the server) anchor CHATHISTORY requests.
  lineFrom(msg, room, history) {
    const base = {
      msgid: msg.tags.msgid || null,
      time: parseServerTime(msg.tags.time) ?? Date.now(),
      nick: msg.source.nick,
      history,
      self: this.isMe(msg.source.nick),
      account: msg.tags.account || null,
    };
    // Stored lines have msgids the server can look up; live events may not be stored.
    base.anchor = Boolean(base.msgid) && (history || msg.command === 'PRIVMSG' || msg.command === 'NOTICE');
    const p = msg.params;
    switch (msg.command) {
      case 'PRIVMSG':
      case 'NOTICE': {
        const text = p[1] ?? '';
        const action = msg.command === 'PRIVMSG' ? parseAction(text) : null;
        if (action === null && isCtcp(text)) return null;
        const body = action ?? text;
        return { ...base, kind: action !== null ? 'action' : msg.command.toLowerCase(), text: body,
          mention: !base.self && (!room.isChannel || mentions(body, this.nick)) };
      }
      case 'JOIN': return { ...base, kind: 'join', text: `${base.nick} joined` };
      case 'PART': return { ...base, kind: 'part', text: `${base.nick} left${p[1] ? ` (${p[1]})` : ''}` };
      case 'QUIT': return { ...base, kind: 'quit', text: `${base.nick} quit${p[0] ? ` (${p[0]})` : ''}` };
      case 'KICK': return { ...base, kind: 'kick', text: `${p[1]} was kicked by ${base.nick}${p[2] ? ` (${p[2]})` : ''}` };
      case 'NICK': return { ...base, kind: 'nick', text: `${base.nick} is now ${p[0]}` };
      case 'TOPIC': return { ...base, kind: 'topic', text: p[1] ? `${base.nick} set the topic: ${p[1]}` : `${base.nick} cleared the topic` };
      case 'MODE': return { ...base, kind: 'mode', text: `${base.nick} set mode ${p.slice(1).join(' ')}` };
      default: return null;
    }
  }

  info(text, room = null) {
    this.view.info(text, room);
  }

  dispatch(msg, label) {
    const p = msg.params;
    const handler = this.handlers[msg.command];
    if (handler) {
      handler.call(this, msg, p, label);
      return;
    }
    if (SHOWN_ERRORS.has(msg.command)) {
      const room = p[1] ? this.existingRoom(p[1]) : null;
      if (msg.command === '405' || msg.command === '471' || msg.command === '473' || msg.command === '474' || msg.command === '475') {
        this.activateOnJoin.delete(this.fold(p[1] || ''));
      }
      this.info(`${p.slice(1, -1).join(' ')}: ${p[p.length - 1]}`, room);
    }
  }

  // --- registration -------------------------------------------------------

  requestCaps(offered) {
    const wanted = WANTED_CAPS.filter((cap) => offered.has(cap) && !this.caps.has(cap)
      && (cap !== 'sasl' || (this.password && !this.registered)));
    if (wanted.length) this.send('CAP', ['REQ', wanted.join(' ')]);
    return wanted.length > 0;
  }

  endCaps() {
    if (!this.capNegotiating) return;
    this.capNegotiating = false;
    this.send('CAP', ['END']);
  }

  parseIsupport(tokens) {
    for (const token of tokens) {
      const eq = token.indexOf('=');
      const key = eq < 0 ? token : token.slice(0, eq);
      const value = eq < 0 ? '' : token.slice(eq + 1);
      if (key === 'PREFIX') this.isupport.PREFIX = parsePrefixSupport(value);
      else if (key === 'CHANTYPES') this.isupport.CHANTYPES = value;
      else if (key === 'CHANMODES') this.isupport.CHANMODES = value.split(',');
      else if (key === 'CHATHISTORY') this.isupport.CHATHISTORY = Number(value) || 0;
      else if (key === 'CASEMAPPING') this.fold = caseFolder(value);
    }
  }

  // --- members ------------------------------------------------------------

  // "@+nick" (multi-prefix) -> {nick, modes: '@+'}
  splitMember(word) {
    let i = 0;
    while (i < word.length && this.isupport.PREFIX.symbols.includes(word[i])) i++;
    return { modes: word.slice(0, i), nick: word.slice(i).split('!')[0] };
  }

  sortModes(modes) {
    const order = this.isupport.PREFIX.symbols;
    return [...new Set(modes)].sort((a, b) => order.indexOf(a) - order.indexOf(b)).join('');
  }

  applyModes(room, params) {
    const [listModes, alwaysArg, argWhenSet] = this.isupport.CHANMODES;
    const { modes: prefixModes, symbols } = this.isupport.PREFIX;
    let adding = true;
    let arg = 1;
    let changed = false;
    for (const c of params[0] || '') {
      if (c === '+' || c === '-') { adding = c === '+'; continue; }
      const prefixIndex = prefixModes.indexOf(c);
      if (prefixIndex >= 0) {
        const member = room.members.get(this.fold(params[arg++] || ''));
        if (!member) continue;
        const symbol = symbols[prefixIndex];
        member.modes = adding ? this.sortModes(member.modes + symbol) : member.modes.replace(symbol, '');
        changed = true;
      } else if ((listModes || '').includes(c) || (alwaysArg || '').includes(c) || (adding && (argWhenSet || '').includes(c))) {
        arg++;
      }
    }
    if (changed) this.view.membersChanged(room);
  }

  addMember(room, nick, modes = '') {
    room.members.set(this.fold(nick), { nick, modes });
    this.view.membersChanged(room);
  }

  removeMember(room, nick) {
    if (room.members.delete(this.fold(nick))) this.view.membersChanged(room);
  }

  roomsWith(nick) {
    const key = this.fold(nick);
    return [...this.rooms.values()].filter((room) => room.members.has(key) || (!room.isChannel && room.key === key));
  }
}

// One handler per command; `this` is the session.
Session.prototype.handlers = {
  PING(msg, p) { this.send('PONG', p); },

  CAP(msg, p) {
    const sub = (p[1] || '').toUpperCase();
    if (sub === 'LS' || sub === 'NEW') {
      const more = p[2] === '*';
      for (const item of (more ? p[3] : p[2] || '').split(' ')) {
        if (!item) continue;
        const eq = item.indexOf('=');
        this.capsOffered.set(eq < 0 ? item : item.slice(0, eq), eq < 0 ? '' : item.slice(eq + 1));
      }
      if (more) return;
      if (!this.requestCaps(new Set(this.capsOffered.keys())) && !this.registered) this.endCaps();
    } else if (sub === 'ACK') {
      for (const cap of (p[2] || '').split(' ')) {
        if (!cap) continue;
        if (cap.startsWith('-')) this.caps.delete(cap.slice(1)); else this.caps.add(cap);
      }
      if (this.registered) return;
      if (this.caps.has('sasl') && this.password) this.send('AUTHENTICATE', ['PLAIN']);
      else this.endCaps();
    } else if (sub === 'NAK') {
      if (!this.registered) this.endCaps();
    } else if (sub === 'DEL') {
      for (const cap of (p[2] || '').split(' ')) this.caps.delete(cap);
    }
  },

  AUTHENTICATE(msg, p) {
    if (p[0] !== '+') return;
    for (const chunk of saslPlainChunks(this.account, this.password)) this.send('AUTHENTICATE', [chunk]);
  },

  900(msg, p) { this.view.loggedIn(p[2] || this.account); },
  903() { this.endCaps(); },
  904(msg, p) { this.view.loginFailed(p[p.length - 1] || 'SASL authentication failed'); this.connection.stop(); },
  905(msg, p) { this.view.loginFailed(p[p.length - 1] || 'SASL message too long'); this.connection.stop(); },
  902(msg, p) { this.view.loginFailed(p[p.length - 1] || 'That account cannot log in now'); this.connection.stop(); },
  906() { this.endCaps(); },
  907() { this.endCaps(); },

  '001'(msg, p) {
    this.registered = true;
    this.nick = p[0];
    this.connection.registered();
    this.view.registered(this.nick);
    for (const room of this.rooms.values()) {
      if (room.wanted && room.isChannel) this.send('JOIN', [room.name]);
    }
  },

  '005'(msg, p) { this.parseIsupport(p.slice(1, -1)); },

  432(msg, p) {
    if (this.registered) { this.info(`${p[1]}: ${p[2] || 'nick not allowed'}`); return; }
    this.view.loginFailed(`The nick ${p[1]} is not allowed: ${p[2] || ''}`.trim());
    this.connection.stop();
  },

  433(msg, p) {
    if (this.registered) { this.info(`${p[1]} is already in use`); return; }
    // Before registration: try the next free-looking variant, a bounded number of times.
    if (++this.nickRetries > MAX_NICK_RETRIES) {
      this.view.loginFailed(`The nick ${this.wantedNick} and its variants are in use`);
      this.connection.stop();
      return;
    }
    this.send('NICK', [`${p[1] || this.wantedNick}_`]);
  },

  JOIN(msg, p) {
    const room = this.roomFor(p[0]);
    const nick = msg.source.nick;
    if (this.isMe(nick)) {
      room.joined = true;
      room.wanted = true;
      room.name = p[0];
      room.members.clear();
      this.view.roomChanged(room);
      if (this.activateOnJoin.delete(room.key) || !this.view.hasActiveRoom()) this.view.focusRoom(room);
      // Back after an outage (or a kick): what was said meanwhile. New here:
      // the latest lines.
      const from = room.gapFrom || (room.newest && room.newest.msgid);
      room.gapFrom = null;
      if (from) this.fillGap(room, from);
      else this.loadLatest(room);
    }
    this.addMember(room, nick);
    this.showLive(room, this.lineFrom(msg, room, false));
  },

  PART(msg, p) {
    const room = this.existingRoom(p[0]);
    if (!room) return;
    if (this.isMe(msg.source.nick)) {
      room.joined = false;
      room.members.clear();
      this.view.membersChanged(room);
      this.view.roomChanged(room);
    } else {
      this.removeMember(room, msg.source.nick);
    }
    this.showLive(room, this.lineFrom(msg, room, false));
  },

  KICK(msg, p) {
    const room = this.existingRoom(p[0]);
    if (!room) return;
    if (this.isMe(p[1])) {
      room.joined = false;
      room.wanted = false;
      room.members.clear();
      this.view.membersChanged(room);
      this.view.roomChanged(room);
    } else {
      this.removeMember(room, p[1]);
    }
    this.showLive(room, this.lineFrom(msg, room, false));
  },

  QUIT(msg) {
    for (const room of this.roomsWith(msg.source.nick)) {
      this.removeMember(room, msg.source.nick);
      this.showLive(room, this.lineFrom(msg, room, false));
    }
  },

  NICK(msg, p) {
    const old = msg.source.nick;
    const rooms = this.roomsWith(old);
    if (this.isMe(old)) {
      this.nick = p[0];
      this.view.nickChanged(this.nick);
    }
    for (const room of rooms) {
      const member = room.members.get(this.fold(old));
      if (member) {
        room.members.delete(this.fold(old));
        room.members.set(this.fold(p[0]), { nick: p[0], modes: member.modes });
        this.view.membersChanged(room);
      }
      this.showLive(room, this.lineFrom(msg, room, false));
    }
  },

  MODE(msg, p) {
    if (!this.isChannel(p[0] || '')) return;
    const room = this.existingRoom(p[0]);
    if (!room) return;
    this.applyModes(room, p.slice(1));
    this.showLive(room, this.lineFrom(msg, room, false));
  },

  TOPIC(msg, p) {
    const room = this.existingRoom(p[0]);
    if (!room) return;
    room.topic = p[1] || '';
    this.view.topicChanged(room);
    this.showLive(room, this.lineFrom(msg, room, false));
  },

  331(msg, p) {
    const room = this.existingRoom(p[1]);
    if (!room) return;
    room.topic = '';
    this.view.topicChanged(room);
  },

  332(msg, p) {
    const room = this.existingRoom(p[1]);
    if (!room) return;
    room.topic = p[2] || '';
    this.view.topicChanged(room);
  },

  353(msg, p) {
    const room = this.existingRoom(p[2]);
    if (!room) return;
    if (!room.namesBuffer) room.namesBuffer = new Map();
    for (const word of (p[3] || '').split(' ')) {
      if (!word) continue;
      const { nick, modes } = this.splitMember(word);
      room.namesBuffer.set(this.fold(nick), { nick, modes: this.sortModes(modes) });
    }
  },

  366(msg, p) {
    const room = this.existingRoom(p[1]);
    if (!room) return;
    room.members = room.namesBuffer || new Map();
    room.namesBuffer = null;
    this.view.membersChanged(room);
  },

  PRIVMSG(msg, p) { this.onMessage(msg, p); },
  NOTICE(msg, p) { this.onMessage(msg, p); },

  AWAY(msg) {
    for (const room of this.roomsWith(msg.source.nick)) {
      const member = room.members.get(this.fold(msg.source.nick));
      if (member) { member.away = msg.params.length > 0; this.view.membersChanged(room); }
    }
  },

  FAIL(msg, p, label) {
    if (p[0] === 'CHATHISTORY') {
      // Unlabeled, the FAIL may not name its room: every room stops asking
      // for older lines rather than ask again and again.
      const req = label ? this.takeRequest(label, null) : null;
      const rooms = req ? [req.room] : [...this.rooms.values()];
      for (const room of rooms) {
        if (!req || req.kind === 'before') room.noOlder = true;
        room.loadingOlder = false;
        if (!req) room.unlabeled = [];
      }
    }
    this.info(`${p[0]} ${p[1]}: ${p[p.length - 1]}`);
  },

  ERROR(msg, p) { this.info(`Server: ${p[0] || 'closing the connection'}`); },
};

Session.prototype.onMessage = function onMessage(msg, p) {
  const target = p[0] || '';
  const from = msg.source.nick;
  // Server notices (no user prefix) and lines before registration.
  if (!msg.prefix || !msg.prefix.includes('!') || target === '*') {
    if (msg.command === 'NOTICE') this.info(p[1] || '');
    return;
  }
  let room;
  if (this.isChannel(target)) room = this.existingRoom(target);
  else room = this.roomFor(this.isMe(from) ? target : from);
  if (!room) return;
  if (!room.isChannel) room.wanted = true;
  const line = this.lineFrom(msg, room, false);
  if (!line) return;
  const fresh = this.remember(room, [line]);
  if (!fresh.length) return;
  this.view.showLines(room, fresh, { prepend: false });
  if (line.mention) this.view.mention(room, line);
};
