// A relying party nobody here wrote (openid-client v5) against an OpenID Connect provider: the
// embedded one or Keycloak (the tests' double of it). It discovers the issuer, logs in with the
// password grant, signs in with the authorization code flow and PKCE by driving the provider's
// sign-in form as a browser would (manual redirects, a cookie jar, the form's hidden fields),
// validates the callback, refreshes, asks userinfo, and prints a JSON summary on stdout.
//
//   OIDC_ISSUER=http://127.0.0.1:8080/ OIDC_USERNAME=alice OIDC_PASSWORD=... node standard-client.mjs
//
// Optional: OIDC_CLIENT_ID (klusterkluck), OIDC_REDIRECT_URI (http://127.0.0.1:8400/callback),
// OIDC_SCOPE (openid profile email offline_access). Arguments --issuer=... etc. override them.
import { Issuer, generators } from 'openid-client';

async function main() {
  const settings = settingsFrom(process.env, process.argv.slice(2));

  const issuer = await Issuer.discover(settings.issuer);
  const client = new issuer.Client({
    client_id: settings.clientId,
    token_endpoint_auth_method: 'none',
    redirect_uris: [settings.redirectUri],
    response_types: ['code'],
  });

  const password = await client.grant({
    grant_type: 'password',
    username: settings.username,
    password: settings.password,
    scope: settings.scope,
  });

  const codeVerifier = generators.codeVerifier();
  const state = generators.state();
  const nonce = generators.nonce();
  const authorizationUrl = client.authorizationUrl({
    scope: settings.scope,
    code_challenge: generators.codeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const browser = new Browser();
  const signIn = await browser.signIn(authorizationUrl, settings);
  const tokens = await client.callback(settings.redirectUri, client.callbackParams(signIn.callback), {
    code_verifier: codeVerifier,
    state,
    nonce,
  });
  const refreshed = await client.refresh(tokens);
  const userinfo = await client.userinfo(refreshed);

  console.log(JSON.stringify({
    issuer: issuer.issuer,
    discovery: {
      authorization_endpoint: issuer.metadata.authorization_endpoint,
      token_endpoint: issuer.metadata.token_endpoint,
      userinfo_endpoint: issuer.metadata.userinfo_endpoint,
      end_session_endpoint: issuer.metadata.end_session_endpoint,
      jwks_uri: issuer.metadata.jwks_uri,
      code_challenge_methods_supported: issuer.metadata.code_challenge_methods_supported ?? [],
    },
    password: {
      access_token: Boolean(password.access_token),
      refresh_token: Boolean(password.refresh_token),
      id_token: password.id_token ? password.claims() : null,
    },
    loginPage: signIn.page,
    code: {
      id_token: tokens.claims(),
      scope: tokens.scope ?? null,
      refresh_token: Boolean(tokens.refresh_token),
    },
    refreshed: {
      access_token_differs: refreshed.access_token !== tokens.access_token,
      refresh_token_differs: refreshed.refresh_token !== tokens.refresh_token,
      id_token: refreshed.id_token ? refreshed.claims() : null,
    },
    userinfo,
  }, null, 2));
}

function settingsFrom(env, args) {
  const given = Object.fromEntries(args.filter((a) => a.startsWith('--')).map((a) => {
    const [name, ...value] = a.slice(2).split('=');
    return [name, value.join('=')];
  }));
  const settings = {
    issuer: given.issuer ?? env.OIDC_ISSUER,
    clientId: given['client-id'] ?? env.OIDC_CLIENT_ID ?? 'klusterkluck',
    username: given.username ?? env.OIDC_USERNAME,
    password: given.password ?? env.OIDC_PASSWORD,
    redirectUri: given['redirect-uri'] ?? env.OIDC_REDIRECT_URI ?? 'http://127.0.0.1:8400/callback',
    scope: given.scope ?? env.OIDC_SCOPE ?? 'openid profile email offline_access',
  };
  for (const name of ['issuer', 'username', 'password']) {
    if (!settings[name]) {
      console.error(`standard-client: ${name} is required (OIDC_${name.toUpperCase()} or --${name}=)`);
      process.exit(2);
    }
  }
  return settings;
}

// Just enough of a browser for a sign-in form: cookies per origin, redirects followed by hand
// (the last one, to the client's redirect URI, is where the code is), forms posted with every
// field they hold, hidden ones (the antiforgery token) included.
class Browser {
  #cookies = new Map();

  async signIn(url, { username, password, redirectUri }) {
    let request = { url, method: 'GET' };
    let page = null;
    for (let hops = 0; hops < 20; hops++) {
      const response = await this.#send(request);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        const next = new URL(location, request.url).href;
        if (next.startsWith(redirectUri)) {
          return { callback: next, page };
        }
        request = { url: next, method: 'GET' };
        continue;
      }
      const html = await response.text();
      if (page) {
        throw new Error(`the sign-in was not accepted (${response.status}): ${html.slice(0, 2000)}`);
      }
      page = describe(html);
      const form = parseForm(html);
      if (!form) {
        throw new Error(`no form at ${request.url} (${response.status}): ${html.slice(0, 2000)}`);
      }
      form.fields.set('username', username);
      form.fields.set('password', password);
      request = {
        url: new URL(form.action || request.url, request.url).href,
        method: 'POST',
        body: new URLSearchParams([...form.fields]),
      };
    }
    throw new Error('too many redirects');
  }

  async #send({ url, method, body }) {
    const origin = new URL(url).origin;
    const jar = this.#cookies.get(origin) ?? new Map();
    const headers = {};
    if (jar.size) {
      headers.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    const response = await fetch(url, { method, body, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair, ...attributes] = cookie.split(';');
      const at = pair.indexOf('=');
      const [name, value] = [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
      const expired = attributes.some((a) => /^\s*expires=.*1970/i.test(a) || /^\s*max-age=0/i.test(a));
      if (expired || value === '') {
        jar.delete(name);
      } else {
        jar.set(name, value);
      }
    }
    this.#cookies.set(origin, jar);
    return response;
  }
}

function parseForm(html) {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) {
    return null;
  }
  const fields = new Map();
  for (const input of form[2].matchAll(/<input\b([^>]*)>/gi)) {
    const name = attribute(input[1], 'name');
    if (name) {
      fields.set(name, attribute(input[1], 'value') ?? '');
    }
  }
  return { action: attribute(form[1], 'action'), fields };
}

/** What the sign-in page offers: its labels and its button, for the tests to compare with the provider's own words. */
function describe(html) {
  const text = (s) => decode(s.replace(/<[^>]*>/g, '')).trim();
  return {
    labels: [...html.matchAll(/<label\b[^>]*>([\s\S]*?)<\/label>/gi)].map((m) => text(m[1])),
    buttons: [
      ...[...html.matchAll(/<button\b[^>]*>([\s\S]*?)<\/button>/gi)].map((m) => text(m[1])),
      ...[...html.matchAll(/<input\b([^>]*type="submit"[^>]*)>/gi)].map((m) => attribute(m[1], 'value') ?? ''),
    ],
  };
}

function attribute(tag, name) {
  const match = new RegExp(`\\b${name}\\s*=\\s*("([^"]*)"|'([^']*)')`, 'i').exec(tag);
  return match ? decode(match[2] ?? match[3]) : null;
}

function decode(text) {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec) => String.fromCodePoint(parseInt(dec, 10)))
    .replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

// Last, so that the class above exists when main runs.
await main();
