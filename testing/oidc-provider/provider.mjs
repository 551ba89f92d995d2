// A real OpenID Connect provider for Roster's tests: the certified `oidc-provider`
// package, with the test accounts (and their claims) that the tests choose, and a
// plain login page in place of a real one.
//
//   ACCOUNTS='{"alice":{"email":"alice@corp.example","email_verified":true,"hd":"corp.example"}}' \
//   REDIRECT_URIS=http://127.0.0.1:8080/auth/oidc/google/callback \
//   node provider.mjs
//
// Prints `listening on http://127.0.0.1:PORT` once it serves. The client is
// `roster` with the secret `roster-test-secret`. Each account's `sub` is `sub-LOGIN`
// unless the account gives one.

import http from "node:http";
import Provider from "oidc-provider";

const accounts = JSON.parse(process.env.ACCOUNTS || "{}");
const redirectUris = (process.env.REDIRECT_URIS || "").split(",").filter(Boolean);
const port = Number(process.env.PORT || 0);

const server = http.createServer();
server.listen(port, "127.0.0.1", () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: "roster",
        client_secret: "roster-test-secret",
        redirect_uris: redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified", "hd"],
      profile: ["name"],
    },
    // Scope claims go into the ID token itself, where Roster reads them.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    cookies: { keys: ["roster-test-cookie-key"] },
    async findAccount(_ctx, id) {
      const login = id.replace(/^sub-/, "");
      const account = findByLogin(login) || findBySub(id);
      if (!account) {
        return undefined;
      }
      return {
        accountId: id,
        async claims() {
          const { sub: _ignored, ...claims } = account;
          return { sub: id, ...claims };
        },
      };
    },
  });

  const handle = provider.callback();
  server.on("request", async (req, res) => {
    const match = req.url.match(/^\/interaction\/([^/?]+)/);
    if (!match) {
      handle(req, res);
      return;
    }
    try {
      if (req.method === "GET") {
        loginPage(res, match[1]);
      } else {
        await finishLogin(provider, req, res);
      }
    } catch (error) {
      res.statusCode = 400;
      res.end(String(error));
    }
  });
  console.log(`listening on ${issuer}`);
});

function findByLogin(login) {
  return accounts[login];
}

function findBySub(sub) {
  return Object.values(accounts).find((account) => account.sub === sub);
}

function subjectOf(login) {
  return accounts[login].sub || `sub-${login}`;
}

function loginPage(res, uid) {
  res.setHeader("content-type", "text/html; charset=utf-8");
  res.end(`<!doctype html><html lang="en"><head><title>Test identity provider</title></head>
<body><h1>Test identity provider</h1>
<form method="post" action="/interaction/${uid}">
<label for="login">Account</label> <input id="login" name="login" autofocus>
<button type="submit">Continue</button>
</form></body></html>`);
}

async function finishLogin(provider, req, res) {
  const body = new URLSearchParams(await readBody(req));
  const login = body.get("login") || "";
  if (!accounts[login]) {
    res.statusCode = 400;
    res.end("unknown test account");
    return;
  }
  const details = await provider.interactionDetails(req, res);
  const accountId = subjectOf(login);
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let data = "";
    req.on("data", (chunk) => {
      data += chunk;
    });
    req.on("end", () => resolve(data));
    req.on("error", reject);
  });
}
