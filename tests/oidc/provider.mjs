// A real OpenID Connect provider for regiedesk's single sign-on tests:
// oidc-provider (OpenID-certified) with a small configuration of its own.
//
//   node tests/oidc/provider.mjs [--port N] [--access-ttl SECONDS]
//
// It prints one JSON line on stdout once it listens:
//   {"issuer":"http://127.0.0.1:PORT","port":PORT}
//
// What it has:
// - the device authorization grant (RFC 8628) and refresh tokens for the
//   desk's public client `regiedesk-desk`;
// - a confidential client `other-app` (client credentials) whose tokens are
//   meant for another API: a wrong audience for regiedesk;
// - JWT access tokens for the resource `urn:regiedesk:api`, carrying
//   `preferred_username`, `amr`, `acr` and `groups`;
// - its own login page: password, and a one-time code for the users who
//   have one (then `amr` holds `otp` and `mfa`);
// - the users below;
// - test controls on /__test (this provider runs on loopback for tests
//   only): disable or enable a user, rotate the signing key.
import http from 'node:http';
import { generateKeyPair, exportJWK } from 'jose';
import Provider from 'oidc-provider';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const PORT = Number(arg('port', '0'));
const ACCESS_TTL = Number(arg('access-ttl', '300'));
export const AUDIENCE = 'urn:regiedesk:api';

// login → who they are at the identity provider. `otp`: the one-time code
// their authenticator shows (fixed here). Disabled users cannot log in, and
// their refresh tokens are refused (findAccount finds nobody).
const users = {
  'pr-jeugd': { name: 'Petra Prins', password: 'wachtwoord-pr-jeugd', otp: '246810', groups: ['rd-procesregie-jeugd'] },
  'pr-volw': { name: 'Vera Vos', password: 'wachtwoord-pr-volw', groups: ['rd-procesregie-volwassenen'] },
  'cr-01': { name: 'Anna Bakker', password: 'wachtwoord-cr-01', otp: '135790', groups: ['rd-casusregie'] },
  'pm': { name: 'Paul Meijer', password: 'wachtwoord-pm', otp: '112233', groups: ['rd-procesmanagement'] },
  'vertrokken': { name: 'Ex Medewerker', password: 'wachtwoord-vertrokken', otp: '999999', groups: ['rd-casusregie'], disabled: true },
  'onbekend': { name: 'Nog Niet Bekend', password: 'wachtwoord-onbekend', otp: '000000', groups: [] },
};

async function signingKey() {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, alg: 'RS256', use: 'sig', kid: `k-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}` };
}

// The provider holds all its keys from the start (its keystore cannot
// change while it runs); a rotation signs with the next one and publishes
// it. /jwks shows the current key and the one before it.
const keys = [];
for (let i = 0; i < 6; i += 1) keys.push(await signingKey());
let current = 0;
const publicJwk = ({ kty, n, e, alg, use, kid }) => ({ kty, n, e, alg, use, kid });

function configuration() {
  return {
    clients: [
      {
        client_id: 'regiedesk-desk',
        token_endpoint_auth_method: 'none',
        grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
        response_types: [],
        redirect_uris: [],
      },
      {
        client_id: 'other-app',
        client_secret: 'other-app-secret',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      },
    ],
    jwks: { keys },
    cookies: { keys: ['regiedesk-test-idp-cookie-key'] },
    findAccount: async (_ctx, id) => {
      const user = users[id];
      if (!user || user.disabled) return undefined;
      return {
        accountId: id,
        claims: async () => ({ sub: id, preferred_username: id, name: user.name }),
      };
    },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
    scopes: ['openid', 'profile', 'offline_access', 'api'],
    features: {
      devInteractions: { enabled: false },
      deviceFlow: { enabled: true },
      revocation: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, client) => (client.clientId === 'other-app' ? 'urn:other-app:api' : AUDIENCE),
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => ({
          scope: 'api',
          audience: resource,
          accessTokenTTL: ACCESS_TTL,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256', kid: keys[current].kid } },
        }),
      },
    },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    extraTokenClaims: async (ctx, token) => {
      if (token.kind !== 'AccessToken') return undefined;
      const user = users[token.accountId];
      const source = ctx.oidc.entities.DeviceCode ?? ctx.oidc.entities.RefreshToken;
      return {
        preferred_username: token.accountId,
        amr: source?.amr ?? ['pwd'],
        acr: source?.acr,
        groups: user?.groups ?? [],
      };
    },
    ttl: {
      AccessToken: ACCESS_TTL,
      ClientCredentials: ACCESS_TTL,
      DeviceCode: 600,
      Grant: 86400,
      Interaction: 600,
      RefreshToken: 86400,
      Session: 86400,
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>fout</title><h1>${escape(out.error)}</h1><p>${escape(out.error_description ?? '')}</p>`;
    },
  };
}

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

let provider;
let handler;

function build(issuer) {
  provider = new Provider(issuer, configuration());
  provider.proxy = false;
  handler = provider.callback();
}

function loginPage(uid, error) {
  return `<!doctype html><html lang="nl"><title>Inloggen</title>
<h1>Inloggen bij de test-IdP</h1>
${error ? `<p class="error">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${uid}">
  <label>Gebruikersnaam <input name="login" autofocus></label>
  <label>Wachtwoord <input name="password" type="password"></label>
  <label>Eenmalige code (MFA, als u die heeft) <input name="otp"></label>
  <button type="submit">Inloggen</button>
</form></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return Object.fromEntries(new URLSearchParams(body));
}

async function interaction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    res.writeHead(400).end('wrong interaction');
    return;
  }
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(loginPage(uid));
    return;
  }
  const form = await readForm(req);
  const user = users[form.login];
  if (!user || user.password !== form.password || user.disabled) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(loginPage(uid, 'Onbekende gebruiker, verkeerd wachtwoord of account uitgeschakeld'));
    return;
  }
  const mfa = Boolean(user.otp) && form.otp === user.otp;
  if (form.otp && !mfa) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(loginPage(uid, 'Verkeerde eenmalige code'));
    return;
  }
  const { params } = details;
  const grant = new provider.Grant({ accountId: form.login, clientId: params.client_id });
  grant.addOIDCScope(String(params.scope ?? 'openid'));
  grant.addResourceScope(AUDIENCE, 'api');
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, {
    login: {
      accountId: form.login,
      amr: mfa ? ['pwd', 'otp', 'mfa'] : ['pwd'],
      acr: mfa ? 'urn:regiedesk:loa:midden' : 'urn:regiedesk:loa:basis',
    },
    consent: { grantId },
  }, { mergeWithLastSubmission: false });
}

async function testControl(req, res, path) {
  const [, , what, login] = path.split('/');
  if (req.method !== 'POST') {
    res.writeHead(405).end();
    return;
  }
  if (what === 'rotate') {
    current = Math.min(current + 1, keys.length - 1);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ kid: keys[current].kid }));
  } else if ((what === 'disable' || what === 'enable') && users[login]) {
    users[login].disabled = what === 'disable';
    res.writeHead(204).end();
  } else {
    res.writeHead(404).end();
  }
}

const server = http.createServer(async (req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  try {
    const match = path.match(/^\/interaction\/([^/]+)$/);
    if (match) return await interaction(req, res, match[1]);
    if (path.startsWith('/__test/')) return await testControl(req, res, path);
    if (path === '/jwks') {
      const published = keys.slice(Math.max(0, current - 1), current + 1).map(publicJwk);
      res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify({ keys: published }));
      return;
    }
    return handler(req, res);
  } catch (error) {
    console.error(error);
    if (!res.headersSent) res.writeHead(500).end(String(error.message ?? error));
  }
});

server.listen(PORT, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  build(issuer);
  process.stdout.write(`${JSON.stringify({ issuer, port })}\n`);
});

// The test that started us may die without stopping us: end with it.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
