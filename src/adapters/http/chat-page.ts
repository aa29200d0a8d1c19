import { Router } from 'express';

/**
 * The web chat page: one small HTML document with inline CSS and script, no framework, light
 * enough for a cheap phone on a slow network. It talks to /api/v1/chat with a session token.
 */
export function chatPageRouter(options: {
  readonly isDemo: boolean;
  readonly demoAccountRef: string;
}): Router {
  const router = Router();
  const page = (linkToken: string | null): string =>
    chatHtml.replace(
      '__CONFIG__',
      JSON.stringify({
        isDemo: options.isDemo,
        demoAccountRef: options.demoAccountRef,
        linkToken,
      }).replace(/</g, '\\u003c'),
    );
  router.get('/chat', (_req, res) => {
    res.type('html').set('Cache-Control', 'no-store').send(page(null));
  });
  router.get('/chat/link/:token', (req, res) => {
    res.type('html').set('Cache-Control', 'no-store').send(page(req.params.token));
  });
  return router;
}

const chatHtml = /* html */ `<!doctype html>
<html lang="es">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cuota · chat</title>
<style>
  :root { --bg:#f4f1ea; --me:#d9fdd3; --bot:#fff; --ink:#1f2a30; --accent:#0b6e4f; }
  * { box-sizing: border-box; }
  body { margin:0; font:16px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:var(--bg); display:flex; flex-direction:column; height:100vh; height:100dvh; }
  header { background:var(--accent); color:#fff; padding:.7rem 1rem; font-weight:600; display:flex; justify-content:space-between; align-items:center; }
  header small { font-weight:400; opacity:.85; }
  #log { flex:1; overflow-y:auto; padding:1rem; display:flex; flex-direction:column; gap:.45rem; }
  .msg { max-width:82%; padding:.5rem .75rem; border-radius:.8rem; white-space:pre-wrap; word-wrap:break-word; box-shadow:0 1px 1px rgba(0,0,0,.08); }
  .me { align-self:flex-end; background:var(--me); border-bottom-right-radius:.2rem; }
  .bot { align-self:flex-start; background:var(--bot); border-bottom-left-radius:.2rem; }
  .note { align-self:center; font-size:.85rem; opacity:.75; text-align:center; }
  .options { display:flex; flex-wrap:wrap; gap:.4rem; align-self:flex-start; }
  .options button { border:1px solid var(--accent); color:var(--accent); background:#fff; border-radius:1rem; padding:.35rem .8rem; font:inherit; cursor:pointer; }
  form { display:flex; gap:.5rem; padding:.6rem; background:#fff; border-top:1px solid #ddd; }
  input { flex:1; font:inherit; padding:.6rem .8rem; border:1px solid #ccc; border-radius:1.2rem; }
  form button { font:inherit; background:var(--accent); color:#fff; border:0; border-radius:1.2rem; padding:0 1rem; }
  #start { padding:1rem; display:flex; flex-direction:column; gap:.6rem; max-width:28rem; margin:0 auto; }
  #start p { margin:0; }
  [hidden] { display:none !important; }
</style>
</head>
<body>
<header><span>cuota</span><small id="status"></small></header>
<section id="start" hidden>
  <p>Prueba el chat con una cuenta de la cartera de demostración.</p>
  <label for="account">Cuenta</label>
  <input id="account" autocomplete="off">
  <p><small id="hint"></small></p>
  <button id="open" type="button" style="font:inherit;padding:.6rem;border:0;border-radius:1.2rem;background:var(--accent);color:#fff">Abrir chat</button>
</section>
<main id="log" aria-live="polite" hidden></main>
<form id="composer" hidden>
  <input id="text" autocomplete="off" placeholder="Escribe un mensaje" aria-label="Mensaje" maxlength="4096">
  <button type="submit">Enviar</button>
</form>
<script>
const config = __CONFIG__;
const $ = (id) => document.getElementById(id);
let session = null;
let busy = false;

function add(kind, text) {
  const div = document.createElement('div');
  div.className = 'msg ' + kind;
  div.textContent = text;
  $('log').appendChild(div);
  $('log').scrollTop = $('log').scrollHeight;
}
function note(text) {
  const div = document.createElement('div');
  div.className = 'note';
  div.textContent = text;
  $('log').appendChild(div);
}
function options(list) {
  document.querySelectorAll('.options').forEach((el) => el.remove());
  if (!list || list.length === 0) return;
  const row = document.createElement('div');
  row.className = 'options';
  for (const option of list) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = option.label;
    b.onclick = () => send(option.label);
    row.appendChild(b);
  }
  $('log').appendChild(row);
  $('log').scrollTop = $('log').scrollHeight;
}
async function call(path, body, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = 'Bearer ' + token;
  const res = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error((data.error && data.error.message) || ('HTTP ' + res.status));
  return data;
}
async function open(body) {
  try {
    session = await call('/api/v1/chat/sessions', body);
    $('start').hidden = true;
    $('log').hidden = false;
    $('composer').hidden = false;
    $('status').textContent = 'en línea';
    note('Conversación segura. Escribe "hola" para empezar.');
    $('text').focus();
  } catch (err) {
    $('hint').textContent = 'No se pudo abrir el chat: ' + err.message;
  }
}
async function send(text) {
  if (!session || busy || !text.trim()) return;
  busy = true;
  options([]);
  add('me', text);
  $('status').textContent = 'escribiendo…';
  const clientMessageId = (crypto.randomUUID && crypto.randomUUID()) || String(Date.now()) + Math.random();
  try {
    const turn = await call('/api/v1/chat/sessions/' + session.sessionId + '/messages', { text, clientMessageId }, session.token);
    for (const reply of turn.replies) add('bot', reply.text);
    const last = turn.replies[turn.replies.length - 1];
    options(last && last.options);
    if (turn.owner === 'agent') $('status').textContent = 'con un asesor';
    else $('status').textContent = 'en línea';
  } catch (err) {
    note('No se pudo enviar (' + err.message + '). Intenta de nuevo.');
    $('status').textContent = '';
  } finally {
    busy = false;
  }
}
$('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('text').value;
  $('text').value = '';
  void send(text);
});
$('open').onclick = () => open({ accountRef: $('account').value.trim() });
if (config.linkToken) {
  void open({ token: config.linkToken });
} else {
  $('start').hidden = false;
  $('account').value = config.isDemo ? config.demoAccountRef : '';
  $('hint').textContent = config.isDemo
    ? 'Modo demo: las cuentas DEMO-0001 a DEMO-0300 están disponibles. Para DEMO-0001 la verificación pide los últimos 4 dígitos del documento: 1234.'
    : 'Abre el enlace que recibiste por WhatsApp o SMS.';
}
</script>
</body>
</html>
`;
