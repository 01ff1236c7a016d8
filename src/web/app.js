// sala's web client: wires the login form, the composer and the panels to an
// IRC session over the server's WebSocket endpoint.

import { Connection, ircSocketUrl } from './connection.js';
import { Session } from './session.js';
import { View } from './ui.js';

const DEFAULT_ROOM = '#lobby';
const SAVED_NICK = 'sala.nick';
const SAVED_ROOMS = 'sala.rooms';
const MAX_PASTED_LINES = 20;

const $ = (id) => document.getElementById(id);

function load(key, fallback) {
  try {
    const value = localStorage.getItem(key);
    return value === null ? fallback : JSON.parse(value);
  } catch {
    return fallback;
  }
}

function save(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Private mode or storage full: the client works without remembering.
  }
}

let session = null;
let view = null;
let connection = null;

function saveRooms() {
  if (!session) return;
  save(SAVED_ROOMS, [...session.rooms.values()].filter((r) => r.wanted && r.isChannel).map((r) => r.name));
}

function start(nick, account, password) {
  view = new View({
    needOlder: (room) => session.loadOlder(room),
    openQuery: (target) => session.openQuery(target),
    leave: (room) => { session.part(room); saveRooms(); },
  });
  connection = new Connection(ircSocketUrl(window.location), {
    onOpen: () => session.onOpen(),
    onLine: (line) => session.onLine(line),
    onClose: (info) => session.onClose(info),
    onRetryTick: (ms) => view.retryTick(ms),
  });
  session = new Session(connection, view);
  const rooms = load(SAVED_ROOMS, [DEFAULT_ROOM]);
  session.login({ nick, account, password, rooms: rooms.length ? rooms : [DEFAULT_ROOM] });
}

function onLogin(event) {
  event.preventDefault();
  const nick = $('login-nick').value.trim();
  const account = $('login-account-name').value.trim();
  const password = $('login-password').value;
  if (!nick) return;
  save(SAVED_NICK, nick);
  $('login-error').hidden = true;
  $('login-submit').disabled = true;
  if (session) {
    // A second try after a failed login: start over with a fresh session.
    connection.stop();
    $('logs').replaceChildren();
    $('room-list').replaceChildren();
  }
  start(nick, account || nick, password);
}

const HELP = [
  '/join #room — join or open a room',
  '/part [reason] — leave this room',
  '/me action — say what you do',
  '/topic [text] — show or set the topic',
  '/nick newnick — change your nick',
  '/msg nick text — talk to someone privately',
  '/quote LINE — send a raw IRC line',
  '/logout — disconnect',
];

// The composer's text: a message, or a /command. Returns false to keep the
// text in the box (nothing was sent).
function submitText(text) {
  const room = view.active;
  if (!session.registered && !/^\/(help|logout|quit)\b/i.test(text)) {
    view.info('Not connected: what you typed stays in the box until the connection is back.', room);
    return false;
  }
  if (!text.startsWith('/') || text.startsWith('//')) {
    const body = text.startsWith('//') ? text.slice(1) : text;
    if (!room) return false;
    if (room.isChannel && !room.joined) {
      view.info(`You are not in ${room.name}; /join ${room.name} to rejoin.`, room);
      return false;
    }
    return session.say(room, body);
  }
  const space = text.indexOf(' ');
  const command = (space < 0 ? text.slice(1) : text.slice(1, space)).toLowerCase();
  const rest = space < 0 ? '' : text.slice(space + 1).trim();
  switch (command) {
    case 'join':
    case 'j': {
      if (!rest) return false;
      for (let name of rest.split(/[\s,]+/)) {
        if (!name) continue;
        if (!session.isChannel(name)) name = `#${name}`;
        session.join(name);
      }
      saveRooms();
      return true;
    }
    case 'part':
    case 'leave': {
      let target = room;
      let reason = rest;
      if (rest && session.isChannel(rest.split(' ')[0])) {
        target = session.existingRoom(rest.split(' ')[0]);
        reason = rest.split(' ').slice(1).join(' ');
      }
      if (target) session.part(target, reason);
      saveRooms();
      return true;
    }
    case 'me':
      if (!room || !rest) return false;
      return session.say(room, rest, { action: true });
    case 'topic':
      if (!room || !room.isChannel) return false;
      session.setTopic(room, rest ? rest : null);
      if (!rest) view.info(room.topic ? `Topic: ${room.topic}` : 'No topic is set.', room);
      return true;
    case 'nick':
      if (!rest) return false;
      session.changeNick(rest.split(' ')[0]);
      save(SAVED_NICK, rest.split(' ')[0]);
      return true;
    case 'msg':
    case 'query': {
      const [target, ...words] = rest.split(' ');
      if (!target) return false;
      const query = session.isChannel(target) ? session.roomFor(target) : session.openQuery(target);
      if (words.length) session.say(query, words.join(' '));
      return true;
    }
    case 'quote':
    case 'raw':
      return rest ? session.sendRaw(rest) : false;
    case 'logout':
    case 'quit':
      saveRooms();
      session.logout().then(() => window.location.reload());
      return true;
    case 'help':
      for (const line of HELP) view.info(line, room);
      return true;
    default:
      view.info(`Unknown command /${command}. Try /help.`, room);
      return false;
  }
}

function onCompose(event) {
  event.preventDefault();
  const input = $('input');
  const lines = input.value.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (!lines.length || !session) return;
  let sent = true;
  for (const line of lines.slice(0, MAX_PASTED_LINES)) sent = submitText(line) && sent;
  if (sent) input.value = '';
}

// Tab completes the nick being typed from the active room's members.
function onComposerKey(event) {
  if (event.key !== 'Tab' || !view || !view.active) return;
  const input = event.target;
  const upto = input.value.slice(0, input.selectionStart);
  const word = /(\S+)$/.exec(upto);
  if (!word) return;
  const prefix = word[1].toLowerCase();
  const match = [...view.active.members.values()].map((m) => m.nick)
    .find((nick) => nick.toLowerCase().startsWith(prefix) && !session.isMe(nick));
  if (!match) return;
  event.preventDefault();
  const start = upto.length - word[1].length;
  const completed = start === 0 ? `${match}: ` : `${match} `;
  input.value = input.value.slice(0, start) + completed + input.value.slice(input.selectionStart);
  input.selectionStart = input.selectionEnd = start + completed.length;
}

const narrowScreen = window.matchMedia('(max-width: 720px)');

// Narrow screens: the panel slides over the log. Wide ones: the member list
// folds away and back.
function togglePanel(which) {
  if (which === 'members' && !narrowScreen.matches) {
    const hidden = document.body.classList.toggle('members-hidden');
    $('toggle-members').setAttribute('aria-expanded', String(!hidden));
    return;
  }
  const cls = `show-${which}`;
  const other = which === 'rooms' ? 'members' : 'rooms';
  const open = !document.body.classList.contains(cls);
  document.body.classList.toggle(cls, open);
  document.body.classList.remove(`show-${other}`);
  $(`toggle-${which}`).setAttribute('aria-expanded', String(open));
  $(`toggle-${other}`).setAttribute('aria-expanded', 'false');
}

function init() {
  $('login-nick').value = load(SAVED_NICK, '');
  $('login-form').addEventListener('submit', onLogin);
  $('composer').addEventListener('submit', onCompose);
  $('input').addEventListener('keydown', onComposerKey);
  $('join-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const name = $('join-input').value.trim();
    if (name && submitText(`/join ${name}`)) $('join-input').value = '';
    if (view) view.closePanels();
  });
  $('toggle-rooms').addEventListener('click', () => togglePanel('rooms'));
  $('toggle-members').addEventListener('click', () => togglePanel('members'));
  $('logout').addEventListener('click', () => submitText('/logout'));
  $('retry-now').addEventListener('click', () => connection && connection.retryNow());
  $('toggle-members').setAttribute('aria-expanded', String(!narrowScreen.matches));
  window.addEventListener('beforeunload', () => saveRooms());
  $('login-nick').focus();
}

init();
