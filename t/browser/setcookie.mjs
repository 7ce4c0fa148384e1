// The differential Set-Cookie test: every form in FORMS is served once
// through the gate without consent, once with consent and once ungated,
// and Chromium's own jar (context.cookies()) and the Cookie header it
// sends next are compared. Prints TAP. Called by t/browser/setcookie.t:
//   CG_GATE   base URL of the gated vhost (ConsentPreset mautic)
//   CG_OPEN   base URL of the same backend, ungated
// Both are on the same host, so a jar seeded on one is the jar of the
// other (cookies do not depend on the port).
import { ok, launch, finish } from './tap.mjs';

const GATE = process.env.CG_GATE;
const OPEN = process.env.CG_OPEN;
const TRACKING = /^(mtc_id|mtc_sid|mautic_device_id|mautic_referer_id|mautic_page_\d+)$/;
const CONSENT = 'mautic_consent';
const LONG = 'x'.repeat(3000);
const DIGITS = '1'.repeat(1025);
const MANY = 'a;'.repeat(20);

// One Set-Cookie line a form. Adding a form is one line here.
const FORMS = [
    'mtc_id=42; Path=/',
    ' mtc_id = 42 ; Path=/',
    'mtc_id=42;Path=/;Max-Age=3600',
    'mtc_id="42"; Path=/',
    'mtc_id=42; PATH=/; MAX-AGE=3600; SECURE; HTTPONLY',
    'mtc_id=42; Path=/; Max-Age=0; Max-Age=abc',
    'mtc_id=42; Path=/; Max-Age=0; Max-Age=',
    'mtc_id=42; Path=/; Max-Age=0; Max-Age',
    'mtc_id=42; Path=/; max-age=0; max-age=x',
    'mtc_id=42; Path=/; Max-Age=5; Max-Age=0',
    'mtc_id=42; Path=/; Max-Age=+0',
    'mtc_id=42; Path=/; Max-Age=-0',
    'mtc_id=42; Path=/; Max-Age=-1',
    'mtc_id=42; Path=/; Max-Age= 0 ',
    'mtc_id=42; Path=/; Max-Age=0x0',
    'mtc_id=42; Path=/; Max-Age=+-0',
    'mtc_id=42; Path=/; Max-Age="0"',
    'mtc_id=42; Path=/; Max-Age=99999999999999999999999; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    'mtc_id=42; Path=/; Max-Age=-99999999999999999999999',
    'mtc_id=42; Path=/; Max-Age=0; Expires=Sun, 22 Nov 2099 19:00:00 GMT',
    'mtc_id=42; Path=/; Max-Age=3600; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    `mtc_id=42; Path=/; Max-Age=0; ${MANY} Max-Age=5`,
    `mtc_id=42; Path=/; Max-Age=0; Max-Age=${DIGITS}`,
    'mtc_id=42; Path=/; Expires=Thu, 01 Jan 1970',
    'mtc_id=42; Path=/; Expires=Thu, 01 Jan 1970 00:00 GMT',
    'mtc_id=42; Path=/; expires=1970-01-01T00:00:00Z',
    'mtc_id=42; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    'mtc_id=42; Path=/; Expires=Thu, 01-Jan-1970 00:00:01 GMT',
    'mtc_id=42; Path=/; Expires=Saturday, 01 January 2000 00:00:00 GMT',
    'mtc_id=42; Path=/; Expires=01 Jan 2000 0:0:0',
    'mtc_id=42; Path=/; Expires=01 Jan 70 00:00:00',
    'mtc_id=42; Path=/; Expires=01 Jan 69 00:00:00',
    'mtc_id=42; Path=/; Expires=01 Jan 1600 00:00:00',
    'mtc_id=42; Path=/; Expires=31 Feb 2000 00:00:00',
    'mtc_id=42; Path=/; Expires=29 Feb 2000 00:00:00',
    'mtc_id=42; Path=/; Expires=01 Jan 2000 24:00:00',
    'mtc_id=42; Path=/; Expires=01 Jan 2000 000:00:00',
    'mtc_id=42; Path=/; Expires=01 Jan 2000 00:00:00GMT',
    'mtc_id=42; Path=/; Expires=Thu Jan 01 00:00:00 1970',
    'mtc_id=42; Path=/; Expires=2000 Jan 1 00:00:00',
    'mtc_id=42; Path=/; Expires="01 Jan 2000 00:00:00"',
    'mtc_id=42; Path=/; Expires=01 Jan 2000 00:00:00; Expires=garbage',
    'mtc_id=42; Path=/; Expires=garbage; Expires=01 Jan 2000 00:00:00',
    'mtc_id=42; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Expires=Sun, 22 Nov 2099 19:00:00 GMT',
    'mtc_id=a\tb; Path=/; Max-Age=0',
    '__Host-mtc_id=42; Secure; Path=/',
    '__host-mtc_id=42; Secure; Path=/',
    '__Secure-mautic_device_id=abc; Secure; Path=/',
    '__SECURE-mautic_device_id=abc; Secure; Path=/',
    '__Host-mtc_id=; Secure; Path=/; Max-Age=0',
    '__Secure-mtc_id=; Secure; Path=/; Max-Age=+0; Max-Age=-5',
    '__Host-mtc_id=42; Path=/',
    '__Host-mtc_id=42; Secure; Path=/; Max-Age=0; Path=/x',
    '=mtc_id=42; Path=/',
    'mtc_id; Path=/',
    'mautic.device.id=abc; Path=/',
    'mautic.device_id=abc; Path=/; Max-Age=0; Max-Age=x',
    `mtc_id=${LONG}; Path=/`,
    'mtc_id=\u00e942\u00fc; Path=/',
    'shop=\u00e9t\u00e9; Path=/',
    'a=1, mtc_id=42; Path=/',
    'mtc_id=1,2,3; Path=/',
    'shop=1; Path=/',
    'shop=1; Path=/; Max-Age=0; Max-Age=x',
    'mautic_device_id=x; Path=/; HttpOnly; SameSite=Strict',
    'mautic_referer_id=5; Path=/; Max-Age=0; Max-Age=-1',
    'mautic_page_1=x; Path=/; Expires=01 Jan 1601 00:00:00',
];


// The names a pair can be read under, as the gate must judge it: without
// __Host-/__Secure- prefixes, PHP's reading, a nameless pair's inner name,
// the names after commas in the value.
function unprefixed(n) {
    for (;;) {
        const m = /^(__host-|__secure-)/i.exec(n);
        if (!m) return n;
        n = n.slice(m[0].length);
    }
}
function php(n) {
    n = n.replace(/^\s+/, '');
    const open = n.indexOf('[');
    if (open >= 0 && n.indexOf(']', open + 1) > 0) n = n.slice(0, open);
    return n.replace(/[ .[]/g, '_');
}
function namesOf(name, value) {
    const out = [];
    const add = (n) => { n = unprefixed(n.trim()); out.push(n, unprefixed(php(n))); };
    if (name) add(name);
    else if (/^[^=]*[^=\s][^=]*=/.test(value)) add(value.slice(0, value.indexOf('=')));
    for (const m of value.matchAll(/,\s*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)=/g)) add(m[1]);
    return out;
}
function tracks(name, value) {
    return namesOf(name, value).some((n) => TRACKING.test(n));
}
function headerTracks(header) {
    return header.split(';').map((p) => p.trim()).filter(Boolean).some((p) => {
        const eq = p.indexOf('=');
        return eq < 0 ? tracks('', p) : tracks(p.slice(0, eq).trim(), p.slice(eq + 1).trim());
    });
}

function b64(s) {
    return Buffer.from(s, 'utf8').toString('base64url');
}
function show(s) {
    return JSON.stringify(s.length > 90 ? s.slice(0, 90) + '...' : s);
}

// What the jar holds, comparable across runs: an expiry in seconds from
// when the line was served, which sameJar() compares within a few seconds.
function jarView(cookies) {
    return cookies.filter((c) => c.name !== CONSENT)
        .map((c) => ({ name: c.name, value: c.value, path: c.path, secure: c.secure,
                       httpOnly: c.httpOnly, sameSite: c.sameSite,
                       expires: c.expires < 0 ? -1 : Math.round(c.expires) }))
        .sort((a, b) => (a.name + a.path).localeCompare(b.name + b.path));
}
function sameJar(a, b) {
    return a.length === b.length && a.every((c, i) => {
        const d = b[i];
        const { expires: ea, ...ra } = c;
        const { expires: eb, ...rb } = d;
        return JSON.stringify(ra) === JSON.stringify(rb)
            && (ea === eb || (ea !== -1 && eb !== -1 && Math.abs(ea - eb) <= 5));
    });
}
function dropConsent(header) {
    return header.split(';').map((p) => p.trim())
        .filter((p) => p && !p.startsWith(CONSENT + '=')).join('; ');
}

// The cookie a deletion form would remove: its name and last Path.
function seedFor(form) {
    const parts = form.split(';');
    const eq = parts[0].indexOf('=');
    if (eq < 0) return null;
    const name = parts[0].slice(0, eq).trim();
    if (!name) return null;
    let path = '/';
    for (const a of parts.slice(1)) {
        const m = /^\s*path\s*=\s*(.*?)\s*$/i.exec(a);
        if (m && m[1].startsWith('/')) path = m[1];
    }
    // a __Host- cookie only ever lives at Path=/
    if (/^__host-/i.test(name)) path = '/';
    const secure = /^__(host|secure)-/i.test(name) || /;\s*secure\s*(;|$)/i.test(form);
    return { name, path, line: `${name}=old; Path=${path}; Max-Age=3600${secure ? '; Secure' : ''}` };
}

const browser = await launch();

// A fresh jar, optionally with the consent cookie; `body` gets a page.
async function inContext(consent, body) {
    const context = await browser.newContext();
    if (consent) {
        await context.addCookies([{ name: CONSENT, value: '1', url: GATE }]);
    }
    const page = await context.newPage();
    try {
        return await body(page, context);
    } finally {
        await context.close();
    }
}

async function serve(page, base, line) {
    const res = await page.goto(`${base}/setcookie?l=${b64(line)}`);
    if (!res || res.status() !== 200) {
        throw new Error(`${base}/setcookie for ${show(line)}: ${res ? res.status() : 'no response'}`);
    }
}
async function echo(page, base) {
    const res = await page.goto(`${base}/echo`);
    return (await res.text()).replace(/\n$/, '');
}

// One form: the jar and the next Cookie header, at `base`, with or
// without consent.
async function run(form, base, consent) {
    return inContext(consent, async (page, context) => {
        // expiries are compared relative to when the line was served: the
        // runs are seconds apart, more under a sanitizer build
        const served = Date.now() / 1000;
        await serve(page, base, form);
        const jar = (await context.cookies()).map((c) => (
            c.expires < 0 ? c : { ...c, expires: c.expires - served }));
        const header = await echo(page, base);
        return { jar, header };
    });
}

// Does serving `form` at `base` remove a cookie seeded ungated?
async function deletes(form, seed, base) {
    return inContext(false, async (page, context) => {
        await serve(page, OPEN, seed.line);
        const has = async () => (await context.cookies())
            .some((c) => c.name === seed.name && c.path === seed.path);
        if (!(await has())) {
            throw new Error(`the seed ${show(seed.line)} did not stick`);
        }
        await serve(page, base, form);
        return !(await has());
    });
}

// One form's checks, as [cond, name, diag] rows, printed in table order.
async function check(form) {
    const label = show(form);
    const rows = [];
    const t = (cond, name, diag) => rows.push([cond, `${label}: ${name}`, diag]);
    let deleted = 0;
    try {
        const open = await run(form, OPEN, false);
        const none = await run(form, GATE, false);
        const granted = await run(form, GATE, true);

        const tracked = none.jar.filter((c) => tracks(c.name, c.value));
        t(tracked.length === 0, 'no consent, no tracking cookie in the jar',
          tracked.map((c) => `${c.name}=${c.value}`).join('; '));
        t(!headerTracks(none.header), 'no consent, no tracking cookie reaches the backend',
          none.header);
        const want = jarView(open.jar);
        const got = jarView(granted.jar);
        t(sameJar(got, want), 'with consent, the jar is the ungated jar',
          `gated ${JSON.stringify(got)}\nungated ${JSON.stringify(want)}`);
        t(dropConsent(granted.header) === open.header,
          'with consent, the backend reads what it reads ungated',
          `gated ${show(granted.header)}, ungated ${show(open.header)}`);

        const seed = seedFor(form);
        if (seed && await deletes(form, seed, OPEN)) {
            deleted = 1;
            t(await deletes(form, seed, GATE), `the browser deletes ${seed.name} through the gate too`);
        }
    } catch (e) {
        t(false, 'ran to the end', e.stack || String(e));
    }
    return { rows, deleted };
}

// A few forms at a time: each one only ever uses jars of its own.
const results = new Array(FORMS.length);
let next = 0;
await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < FORMS.length) {
        const i = next++;
        results[i] = await check(FORMS[i]);
    }
}));
let deletions = 0;
for (const r of results) {
    for (const [cond, name, diag] of r.rows) ok(cond, name, diag);
    deletions += r.deleted;
}
ok(FORMS.length >= 40, `${FORMS.length} forms in the table`);
ok(deletions >= 15, `${deletions} of them are deletions to the browser`);

await finish(browser);
