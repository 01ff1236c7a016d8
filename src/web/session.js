// The IRC side of the web client: registration (CAP, SASL PLAIN, nick
// collisions), rooms and their members, batches and history (replay on join,
// older lines on demand, the gap after a reconnect). It keeps no DOM; it tells
// a view what changed (see ui.js for the methods it calls). The handler of
// each command the server sends is in handlers.js.

import { commandHandlers } from './handlers.js';
import {
  buildLine, caseFolder, isCtcp, mentions, parseAction, parseLine, parsePrefixSupport,
  parseServerTime, splitUtf8,
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
// Bounded: the talk of a very long outage past this many pages is left out.
const MAX_GAP_PAGES = 20;
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
    // The nick the person chose (a "_" variant taken after a collision is
    // only a stand-in; the old session holding it may be gone by now).
    this.send('NICK', [this.wantedNick]);
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
    this.wantedNick = nick;
    if (this.registered) this.send('NICK', [nick]);
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
  fillGap(room, afterMsgid, page = 1) {
    if (!this.hasHistory) return;
    const limit = this.pageLimit(GAP_PAGE);
    this.request('CHATHISTORY', ['AFTER', room.name, `msgid=${afterMsgid}`, String(limit)], { kind: 'after', room, limit, page });
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
    // A full page of the gap may have more behind it: the next page starts
    // after this page's last line (live lines may be newer than the gap).
    if (req && req.kind === 'after' && batch.items.length >= req.limit && req.page < MAX_GAP_PAGES) {
      const last = lines.filter((l) => l.msgid).at(-1);
      if (last) this.fillGap(room, last.msgid, req.page + 1);
    }
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

Session.prototype.handlers = commandHandlers;
