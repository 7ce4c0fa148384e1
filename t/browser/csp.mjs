// ConsentCSPWithout and ConsentGoogleConsentMode in Chromium. Prints TAP.
// Called by t/browser/csp.t with:
//   CG_CSP        base URL of the csp vhost (t/cgi-bin/csp.cgi behind it)
//   CG_THIRD      base URL of the second origin (vhost csp_third)
//   CG_THIRD_LOG  its access log: one request line per request received
// A page that loads an image and fetches from the second origin reaches it
// only for what the visitor granted; the app's own policy stays as sent.
// A page whose first script records window.dataLayer sees the consent
// default there already, for a new, a consented and a GPC visitor.
import { ok, is, launch, finish } from './tap.mjs';
import fs from 'node:fs';

const CSP = process.env.CG_CSP;
const THIRD = process.env.CG_THIRD;
const LOG = process.env.CG_THIRD_LOG;
const APP_CSP = "default-src 'self'; img-src *; connect-src *; script-src 'self' 'unsafe-inline'";
const IMG = "img-src 'self' data:";
const CONNECT = "connect-src 'self'";


const browser = await launch();

async function scenario(name, options, cookie, body) {
    const context = await browser.newContext(options);
    if (cookie) {
        await context.addCookies([{ name: 'mautic_consent', value: cookie, url: CSP }]);
    }
    const page = await context.newPage();
    try {
        await body(page);
    } catch (e) {
        ok(false, `${name}: ran to the end`, e.stack || String(e));
    }
    await context.close();
}

// the requests for `token` that reached the second origin; the log line
// is written once the response went out, so it is waited for a little
function reached(token, want) {
    const lines = () => (fs.existsSync(LOG) ? fs.readFileSync(LOG, 'utf8') : '')
        .split('\n').filter((l) => l.includes(`t=${token} `));
    return new Promise((resolve) => {
        const start = Date.now();
        const poll = () => {
            const got = lines();
            if (got.length >= want && (want > 0 || Date.now() - start > 1500)
                || Date.now() - start > 5000) {
                resolve(got.map((l) => l.replace(/\?.*/, '')).sort());
            }
            else {
                setTimeout(poll, 100);
            }
        };
        poll();
    });
}

async function thirdParty(name, cookie, token, want, policies) {
    await scenario(name, {}, cookie, async (page) => {
        const res = await page.goto(`${CSP}/app/page?third=${encodeURIComponent(THIRD)}&t=${token}`);
        const csp = (await res.headersArray())
            .filter((h) => h.name.toLowerCase() === 'content-security-policy')
            .map((h) => h.value).sort();
        is(csp, [APP_CSP, ...policies].sort(), `${name}: the app's policy as sent, and ours`);
        const settled = await page.evaluate(() => window.settled);
        is(settled, [want.img ? 'loaded' : 'failed', want.fetch ? 'loaded' : 'failed'],
           `${name}: image and fetch ${want.img ? 'load' : 'blocked'}, ${want.fetch ? 'load' : 'blocked'}`);
        const expect = [];
        if (want.fetch) {
            expect.push('GET /data.txt');
        }
        if (want.img) {
            expect.push('GET /img.gif');
        }
        is(await reached(token, expect.length), expect.sort(),
           `${name}: what reached the second origin`);
    });
}

const now = Math.floor(Date.now() / 1000);
await thirdParty('no consent', null, 'none1', { img: false, fetch: false }, [IMG, CONNECT]);
await thirdParty('consent', '1', 'all1', { img: true, fetch: true }, []);
await thirdParty('tracking only', `cg1.tracking.${now}.0.r3c31pt0001`, 'part1',
                 { img: true, fetch: false }, [CONNECT]);
await thirdParty('refusal', '0', 'none2', { img: false, fetch: false }, [IMG, CONNECT]);

// the consent default, as the page's first script saw it
function seen(granted) {
    const types = ['ad_storage', 'ad_user_data', 'ad_personalization', 'analytics_storage'];
    const d = {};
    for (const t of types) {
        d[t] = granted.includes(t) ? 'granted' : 'denied';
    }
    return [['consent', 'default', d]];
}
async function consentDefault(name, options, cookie, path, granted) {
    await scenario(name, options, cookie, async (page) => {
        await page.goto(CSP + path);
        const got = await page.evaluate(() => window.seen);
        is(JSON.parse(got === undefined ? 'null' : got), seen(granted),
           `${name}: the default was set before the page's first script ran`);
    });
}
await consentDefault('new visitor', {}, null, '/app/gcm', []);
// ConsentModeMap tracking analytics_storage
await consentDefault('consented', {}, '1', '/app/gcm', ['analytics_storage']);
await consentDefault('GPC', { extraHTTPHeaders: { 'Sec-GPC': '1' } }, '1', '/app/gcm', []);
await consentDefault('nonce, consented', {}, '1', '/app/gcm?csp=nonce', ['analytics_storage']);
// script-src 'self': the default comes from the endpoint, and still first
await consentDefault('no inline scripts, consented', {}, '1', '/app/gcm?csp=strict', ['analytics_storage']);
await consentDefault('no inline scripts, new visitor', {}, null, '/app/gcm?csp=strict', []);

// banner.js updates what the server set as default, on the visitor's choice
await scenario('banner update', {}, null, async (page) => {
    await page.goto(CSP + '/page.html');
    await page.waitForSelector('#cg-banner', { state: 'visible', timeout: 5000 });
    const answer = page.waitForResponse((r) => r.url().endsWith('/consentgate/consent'));
    await page.click('#cg-accept');
    await answer;
    await page.waitForSelector('#cg-banner', { state: 'hidden', timeout: 5000 });
    const layer = await page.evaluate(() => window.dataLayer.map((a) => Array.prototype.slice.call(a)));
    is(layer[0], seen([])[0], 'banner update: the server\'s default comes first, all denied');
    const update = layer.filter((a) => a[0] === 'consent' && a[1] === 'update').pop();
    is(update && update[2], { analytics_storage: 'granted', ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' },
       'banner update: accepting grants every type through gtag(\'consent\', \'update\')');
});

await finish(browser);
