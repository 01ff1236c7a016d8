// What the client does with each command and numeric from the server; each
// handler runs with `this` bound to the Session (session.js).

import { saslPlainChunks } from './irc.js';

const MAX_NICK_RETRIES = 8;

export const commandHandlers = {
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

  PRIVMSG(msg, p) { onMessage.call(this, msg, p); },
  NOTICE(msg, p) { onMessage.call(this, msg, p); },

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

// PRIVMSG and NOTICE: to a channel, to us (a private conversation), or from the server.
function onMessage(msg, p) {
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
}
