// The banner end to end, in Debian's chromium driven by playwright-core,
// against the test server's vhosts (Mautic-like pages, a Mattermost-like
// login page). Prints TAP. Called by t/browser/banner.t with:
//   CG_BANNER, CG_MATTERMOST, CG_NOTICE   base URLs of those vhosts
//   CG_SHOTS                              where screenshots go
import { ok, is, launch, finish } from './tap.mjs';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const BANNER = process.env.CG_BANNER;
const MATTERMOST = process.env.CG_MATTERMOST;
const NOTICE = process.env.CG_NOTICE;
const SHOTS = process.env.CG_SHOTS;
const TRACKING = /^(mtc_id|mtc_sid|mautic_device_id|mautic_referer_id|mautic_page_\d+)$/;
const CONSENT = 'mautic_consent';


const browser = await launch();

async function scenario(name, options, body) {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    try {
        await body(page, context);
    } catch (e) {
        ok(false, `${name}: ran to the end`, e.stack || String(e));
    }
    // a 404 of a tracking route is the app's business, not a script error
    const own = errors.filter((e) => !/Failed to load resource/.test(e));
    ok(own.length === 0, `${name}: no JavaScript errors`, own.join('\n'));
    await context.close();
}

async function jar(context) {
    return (await context.cookies()).map((c) => c.name);
}
function trackingIn(names) {
    return names.filter((n) => TRACKING.test(n));
}

// Every route Mautic cookies visitors on (reference notes): a page load,
// then the rest as the page's own requests, so every Set-Cookie reaches
// the browser's jar.
// Every route of Mautic's that can set a tracking cookie; the unsubscribe
// link too unless `keepConsent` (it withdraws a consent).
async function visitTrackingRoutes(page, base, keepConsent = false) {
    const routes = ['/cgi/mtracking.gif', '/cgi/r/abc123', '/cgi/asset/brochure.pdf', '/cgi/email/abc.gif',
        '/cgi/focus/3/viewpixel.gif', '/cgi/landing-ab', '/cgi/mtc/event'];
    if (!keepConsent) {
        routes.push('/cgi/email/unsubscribe/abc');
    }
    await page.goto(base + '/cgi/landing');
    await page.evaluate(async (routes) => {
        for (const route of routes) {
            await fetch(route, { credentials: 'same-origin', redirect: 'manual' }).catch(() => null);
        }
        await fetch('/cgi/form/submit', { method: 'POST', body: 'x=1',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }).catch(() => null);
    }, routes);
}

async function bannerShown(page) {
    await page.waitForSelector('#cg-banner', { state: 'visible', timeout: 5000 });
    return true;
}

async function choose(page, button) {
    const answer = page.waitForResponse((r) => r.url().endsWith('/consentgate/consent'));
    await page.click(button);
    const res = await answer;
    await page.waitForSelector('#cg-banner', { state: 'hidden', timeout: 5000 });
    return res.status();
}

async function axeScan(page, label) {
    await page.addScriptTag({ content: AXE });
    const result = await page.evaluate(async () => {
        // the banner fades in (0.2 s): its colours are measured as they
        // end up, not half-way (a slow server, as under ASan, made axe
        // find the text's contrast too low mid-animation)
        await Promise.all(document.getAnimations().map((a) => a.finished));
        const r = await window.axe.run(document.getElementById('cg-banner'));
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help }));
    });
    const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    ok(bad.length === 0, `${label}: axe-core finds no serious or critical violation`, bad);
    return result;
}

async function noHorizontalOverflow(page) {
    return page.evaluate(() => {
        const b = document.getElementById('cg-banner').getBoundingClientRect();
        return document.documentElement.scrollWidth <= window.innerWidth
            && b.left >= 0 && b.right <= window.innerWidth + 0.5;
    });
}

// ---- a Mautic landing page: Reject, and the server keeps the jar clean ----
await scenario('reject', {}, async (page, context) => {
    const pixels = [];
    const mtc = [];
    page.on('request', (r) => {
        if (r.url().includes('/consentgate/pixel.gif')) pixels.push(r.url());
        if (r.url().includes('/cgi/mtc.js')) mtc.push(r.url());
    });
    await page.goto(BANNER + '/cgi/landing');
    ok(await bannerShown(page), 'reject: the banner appears on a Mautic landing page (injected)');
    is(await page.getAttribute('#cg-banner', 'role'), 'dialog', 'reject: it is a dialog');
    ok(await page.evaluate(() => document.activeElement && document.getElementById('cg-banner').contains(document.activeElement)),
       'reject: focus moved into the banner');
    const acceptBox = await page.locator('#cg-accept').boundingBox();
    const rejectBox = await page.locator('#cg-reject').boundingBox();
    ok(Math.abs(acceptBox.height - rejectBox.height) < 1 && Math.abs(acceptBox.width - rejectBox.width) < 0.25 * acceptBox.width,
       'reject: Accept and Reject are the same size', { acceptBox, rejectBox });
    const styles = await page.evaluate(() => ['cg-accept', 'cg-reject'].map((id) => {
        const s = getComputedStyle(document.getElementById(id));
        return [s.backgroundColor, s.color, s.fontSize, s.fontWeight];
    }));
    is(styles[0], styles[1], 'reject: Accept and Reject look the same');
    ok(pixels.length === 1, 'reject: without consent the no-cookie pixel counts the view', pixels);
    is(trackingIn(await jar(context)), [], 'reject: no tracking cookie before any choice');
    is(await choose(page, '#cg-reject'), 204, 'reject: the choice is recorded (204)');
    const consent = (await context.cookies()).find((c) => c.name === CONSENT);
    ok(consent && /^cg1\.\.\d+\.0\.[0-9a-f]{32}$/.test(consent.value), 'reject: the consent cookie records a refusal', consent);
    is(await page.evaluate(() => window.consentgate.status().choice), 'denied', 'reject: status() says denied');
    await visitTrackingRoutes(page, BANNER);
    is(trackingIn(await jar(context)), [], 'reject: no tracking cookie in the jar after every tracking route');
    is(mtc.length, 0, "reject: Mautic's mtc.js never loaded");
    await page.goto(BANNER + '/cgi/landing');
    await page.waitForTimeout(300);
    ok(!(await page.isVisible('#cg-banner')), 'reject: the banner stays away on the next page');
    ok(await page.isVisible('#cg-reopen'), 'reject: a button reopens it');
});

// ---- Accept: the tracking cookies and mtc.js come ----
await scenario('accept', {}, async (page, context) => {
    const mtc = [];
    page.on('request', (r) => { if (r.url().includes('/cgi/mtc.js')) mtc.push(r.url()); });
    await page.goto(BANNER + '/cgi/landing');
    await bannerShown(page);
    is(await choose(page, '#cg-accept'), 204, 'accept: the choice is recorded (204)');
    const consent = (await context.cookies()).find((c) => c.name === CONSENT);
    ok(consent && /^cg1\.tracking\.\d+\.0\.[0-9a-f]{32}$/.test(consent.value), 'accept: the consent cookie grants tracking', consent);
    await page.waitForFunction(() => window.MauticJS && window.MauticJS.loaded, null, { timeout: 5000 });
    ok(mtc.length === 1, "accept: Mautic's mtc.js is loaded after consent", mtc);
    await visitTrackingRoutes(page, BANNER, true);
    const names = trackingIn(await jar(context));
    for (const want of ['mautic_device_id', 'mtc_id', 'mautic_referer_id']) {
        ok(names.includes(want), `accept: ${want} is in the jar`, names);
    }
    ok(names.some((n) => /^mautic_page_\d+$/.test(n)), 'accept: a mautic_page_N cookie is in the jar', names);

    // mtc.js wrote what /mtc/event answered: session cookies and localStorage
    const sid = (await context.cookies()).find((c) => c.name === 'mtc_sid');
    ok(sid && sid.expires === -1 && sid.path === '/' && sid.secure,
       'accept: mtc.js wrote mtc_sid as a session cookie (path=/; secure)', sid);
    const stored = await page.evaluate(() => ['mautic_device_id', 'mtc_id', 'mtc_sid'].map((k) => localStorage.getItem(k)));
    ok(stored.every((v) => v), 'accept: mtc.js stored the ids in localStorage', stored);
    // its next page view sends them back, and with consent they arrive
    {
        const sent = page.waitForRequest((r) => r.url().endsWith('/cgi/mtc/event'));
        const answer = page.waitForResponse((r) => r.url().endsWith('/cgi/mtc/event'));
        await page.evaluate(() => new Promise((done) => window.MauticJS.pageView(done)));
        const body = new URLSearchParams((await sent).postData() || '');
        is(body.get('mautic_device_id'), stored[0], 'accept: mtc.js sends the stored device id in the /mtc/event body');
        ok(body.get('mtc_id') && body.get('mtc_sid'), 'accept: and mtc_id and mtc_sid', [...body.keys()]);
        const seen = (await answer).headers()['x-identified-by'] || '';
        ok(/(^|,)mautic_device_id(,|$)/.test(seen), 'accept: with consent the backend receives the device id', seen);
    }

    // an unsubscribe link withdraws that consent: the tracking cookies
    // leave the jar and a refusal is recorded
    {
        const p2 = await context.newPage();
        await p2.goto(BANNER + '/cgi/email/unsubscribe/abc123');
        await p2.close();
        is(trackingIn(await jar(context)), [], 'accept, then an unsubscribe link: the jar holds no tracking cookie');
        const refused = (await context.cookies()).find((c) => c.name === CONSENT);
        ok(refused && /^cg1\.\.\d+\.0\.[0-9a-f]{32}$/.test(refused.value),
           'accept, then an unsubscribe link: the consent became a refusal', refused);
    }

    // forget: every tracking cookie leaves the jar, and the banner returns
    const res = await page.evaluate(async () => { await window.consentgate.forget(); return window.consentgate.status(); });
    is(res.choice, 'denied', 'forget: status() says denied afterwards');
    is(trackingIn(await jar(context)), [], 'forget: the jar holds no tracking cookie');
    ok(await page.evaluate(() => !localStorage.getItem('mtc_id')), "forget: mtc.js's localStorage id is gone");
    await page.goto(BANNER + '/cgi/landing');
    await visitTrackingRoutes(page, BANNER);
    is(trackingIn(await jar(context)), [], 'forget: and the tracking routes set none again');
});

// ---- a refusal, and a page that runs mtc.js anyway: no identifier arrives ----
// The ids are in localStorage already (a visit before the refusal, another
// tab); mtc.js sends them as parameters and its own cookies, the gate
// removes both before Mautic sees them.
await scenario('refused mtc.js', {}, async (page, context) => {
    await page.goto(BANNER + '/cgi/landing');
    await bannerShown(page);
    await choose(page, '#cg-reject');
    await page.evaluate(() => {
        localStorage.setItem('mautic_device_id', 'knowndevice1');
        localStorage.setItem('mtc_id', '41');
        localStorage.setItem('mtc_sid', 'knownsession');
    });
    const events = [];
    page.on('request', (r) => { if (r.url().endsWith('/cgi/mtc/event')) events.push(r.postData() || ''); });
    const seen = [];
    page.on('response', (r) => {
        if (/\/cgi\/(mtc\/event|mtracking\.gif)/.test(r.url())) seen.push(r.headers()['x-identified-by'] || '');
    });
    await page.goto(BANNER + '/mtc-direct.html');
    await page.waitForFunction(() => window.MauticJS && window.MauticJS.loaded, null, { timeout: 5000 });
    // a second view: mtc.js now holds the answer's ids, in cookies too
    await page.evaluate(() => new Promise((done) => window.MauticJS.pageView(done)));
    // and the pixel fallback, with the ids in its query
    await page.evaluate(() => new Promise((done) => window.MauticJS.pixel(
        window.MauticJS.query({ page_url: location.href }), done)));
    is(events.length, 2, 'refused mtc.js: two page views were posted');
    ok(events.every((b) => new URLSearchParams(b).has('mautic_device_id')),
       'refused mtc.js: the browser did send the device id', events);
    is(seen.length, 3, 'refused mtc.js: the backend answered every call');
    ok(seen.length && seen.every((s) => s === '-'),
       'refused mtc.js: no identifier reached the backend, as parameter or cookie', seen);
});

// ---- keyboard only: choose one category without a mouse ----
await scenario('keyboard', {}, async (page, context) => {
    await page.goto(BANNER + '/cgi/landing');
    await bannerShown(page);
    async function tabTo(id) {
        for (let i = 0; i < 15; i += 1) {
            if (await page.evaluate((want) => document.activeElement && document.activeElement.id === want, id)) {
                return true;
            }
            await page.keyboard.press('Tab');
        }
        return false;
    }
    ok(await tabTo('cg-settings'), 'keyboard: Tab reaches "Choose"');
    const outline = await page.evaluate(() => {
        const s = getComputedStyle(document.activeElement);
        return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
    });
    ok(outline, 'keyboard: the focused button shows a visible outline');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#cg-cat-tracking', { state: 'visible', timeout: 3000 });
    ok(!(await page.isChecked('#cg-cat-tracking')), 'keyboard: no pre-ticked box');
    ok(await tabTo('cg-cat-tracking'), 'keyboard: Tab reaches the tracking box');
    await page.keyboard.press('Space');
    ok(await page.isChecked('#cg-cat-tracking'), 'keyboard: Space ticks it');
    ok(await tabTo('cg-save'), 'keyboard: Tab reaches "Save choices"');
    const answer = page.waitForResponse((r) => r.url().endsWith('/consentgate/consent'));
    await page.keyboard.press('Enter');
    is((await answer).status(), 204, 'keyboard: Enter saves the choice');
    await page.waitForSelector('#cg-banner', { state: 'hidden', timeout: 5000 });
    const consent = (await context.cookies()).find((c) => c.name === CONSENT);
    ok(consent && consent.value.startsWith('cg1.tracking.'), 'keyboard: tracking granted', consent);
    ok(await page.evaluate(() => document.getElementById('cg-live').textContent.length > 0),
       'keyboard: the saved choice is announced in the live region');
});

// ---- Global Privacy Control: the note shows and the server honours it ----
await scenario('gpc', { extraHTTPHeaders: { 'Sec-GPC': '1' } }, async (page, context) => {
    await page.addInitScript(() => {
        Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true });
    });
    await page.goto(BANNER + '/cgi/landing');
    await bannerShown(page);
    ok(await page.isVisible('#cg-gpc'), 'gpc: the banner says the signal is honoured');
    ok(await page.evaluate(() => window.consentgate.status().gpc === true), 'gpc: status().gpc');
    await choose(page, '#cg-accept');
    await visitTrackingRoutes(page, BANNER);
    // the signal wins over the click: neither the server nor mtc.js cookies
    is(trackingIn(await jar(context)), [], 'gpc: even after Accept, no tracking cookie in the jar');
});

// ---- the page owner's scripts, the JS API and the tag managers ----
await scenario('activation', {}, async (page, context) => {
    await page.goto(BANNER + '/activation.html');
    await bannerShown(page);
    ok(await page.evaluate(() => window.activated === undefined && window.activatedSrc === undefined),
       'activation: text/plain scripts do not run before consent');
    is(await page.evaluate(() => document.querySelectorAll('script[src$="banner.js"]').length), 1,
       'activation: a page that includes banner.js gets no second copy');
    is(await page.evaluate(() => window.consentgate.status().choice), 'none', 'activation: status() none');
    const gtagBefore = await page.evaluate(() => window.calls.filter((c) => c[0] === 'gtag'));
    ok(gtagBefore.some((c) => c[1] === 'consent' && c[3] && c[3].ad_storage === 'denied'),
       'activation: Google Consent Mode hears "denied" first', gtagBefore);
    // Mautic's own opt-in call
    const answer = page.waitForResponse((r) => r.url().endsWith('/consentgate/consent'));
    await page.evaluate(() => window.mt('send', 'setCookieConsentGiven'));
    is((await answer).status(), 204, "activation: mt('send', 'setCookieConsentGiven') records consent");
    await page.waitForFunction(() => window.activated === 1 && window.activatedSrc === 1, null, { timeout: 5000 });
    ok(true, 'activation: both scripts ran after consent');
    ok(await page.evaluate(() => window.needsBoth === undefined), 'activation: a script needing another category still waits');
    const calls = await page.evaluate(() => window.calls);
    ok(calls.some((c) => c[0] === 'gtag' && c[1] === 'consent' && c[2] === 'update' && c[3].analytics_storage === 'granted'),
       'activation: gtag consent update granted', calls);
    ok(calls.some((c) => c[0] === 'fbq' && c[1] === 'consent' && c[2] === 'grant'), "activation: fbq('consent', 'grant')", calls);
    const changes = await page.evaluate(() => window.changes);
    ok(changes.length >= 1 && changes[changes.length - 1].choice === 'granted', 'activation: a consentgate:change event', changes);
    await page.reload();
    await page.waitForFunction(() => window.activated === 1, null, { timeout: 5000 });
    ok(!(await page.isVisible('#cg-banner')), 'activation: with a valid choice no banner');
    // reopened from the footer link: the choice is shown as it is
    await page.click('#footer-link');
    await page.waitForSelector('#cg-banner', { state: 'visible', timeout: 3000 });
    await page.waitForSelector('#cg-cat-tracking', { state: 'visible', timeout: 3000 });
    ok(await page.isChecked('#cg-cat-tracking'), 'activation: reopened, the box shows the current choice');
    await axeScan(page, 'activation (settings open)');
    const rejected = page.waitForResponse((r) => r.url().endsWith('/consentgate/consent'));
    await page.click('#cg-reject');
    await rejected;
    const after = await page.evaluate(() => window.calls);
    ok(after.some((c) => c[0] === 'fbq' && c[2] === 'revoke'), "activation: fbq('consent', 'revoke') on reject", after);
});

// ---- languages ----
await scenario('german', { locale: 'de-DE' }, async (page) => {
    await page.goto(BANNER + '/cgi/landing');
    await bannerShown(page);
    is(await page.textContent('#cg-accept'), 'Alle akzeptieren', 'german: Accept-Language de gives German');
    is(await page.getAttribute('#cg-banner', 'lang'), 'de', 'german: lang="de"');
});

// ---- screenshots and accessibility, desktop and mobile ----
for (const [label, viewport] of [['desktop', { width: 1280, height: 800 }], ['mobile', { width: 360, height: 740 }]]) {
    await scenario(`screenshot ${label}`, { viewport, deviceScaleFactor: 1 }, async (page) => {
        await page.goto(BANNER + '/cgi/landing');
        await bannerShown(page);
        await page.waitForTimeout(400);
        ok(await noHorizontalOverflow(page), `${label}: the banner fits the viewport`);
        const file = path.join(SHOTS, `banner-${label}.png`);
        await page.screenshot({ path: file });
        ok(fs.statSync(file).size > 1000, `${label}: screenshot ${path.basename(file)}`);
        await axeScan(page, label);
        await page.click('#cg-settings');
        await page.waitForTimeout(300);
        await page.screenshot({ path: path.join(SHOTS, `banner-${label}-settings.png`) });
        ok(await noHorizontalOverflow(page), `${label}: with the categories open it still fits`);
    });
}

// ---- Mattermost's login page, unchanged app ----
await scenario('mattermost', {}, async (page, context) => {
    await page.goto(MATTERMOST + '/login');
    ok(await bannerShown(page), 'mattermost: the login page shows a cookie banner');
    await page.screenshot({ path: path.join(SHOTS, 'mattermost-login.png') });
    const names = await jar(context);
    ok(names.includes('MMAUTHTOKEN') && names.includes('MMCSRF'), 'mattermost: its session cookies are kept', names);
    // every Mattermost cookie is necessary: a notice, nothing to consent to
    ok(await page.isVisible('#cg-ok'), 'mattermost: ConsentPreset mattermost alone is a notice');
    ok(!(await page.isVisible('#cg-accept')) && !(await page.isVisible('#cg-reject')),
       'mattermost: nothing to accept or reject');
    is(await choose(page, '#cg-ok'), 204, 'mattermost: the acknowledgement is recorded');
});

// ---- a site with only necessary cookies: a notice ----
await scenario('notice', {}, async (page) => {
    await page.goto(NOTICE + '/login');
    await bannerShown(page);
    ok(await page.isVisible('#cg-ok'), 'notice: an OK button');
    ok(!(await page.isVisible('#cg-accept')) && !(await page.isVisible('#cg-reject')), 'notice: nothing to accept or reject');
    await axeScan(page, 'notice');
    await page.screenshot({ path: path.join(SHOTS, 'notice.png') });
    await choose(page, '#cg-ok');
    await page.reload();
    await page.waitForTimeout(300);
    ok(!(await page.isVisible('#cg-banner')), 'notice: once acknowledged it stays away');
});

await finish(browser);
