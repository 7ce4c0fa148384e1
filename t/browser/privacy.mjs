// What banner.js shows and offers a visitor about their privacy, in
// Debian's chromium driven by playwright-core, against the test server's
// "banner" vhost (Mautic-like pages, the banner injected, the pixel on).
// Prints TAP. Called by t/browser/privacy.t with CG_BANNER (base URL) and
// CG_SHOTS (where screenshots go).
//
// 1. An opt-out preference signal the server honours (Sec-GPC: 1, DNT: 1)
//    is shown: in the first layer, in the second, and on the reopen button
//    on every page (California's regulations ask a site to display that it
//    processed the signal).
// 2. A visitor objects to the anonymous count from the second layer; the
//    browser then requests no pixel, page after page, until the objection
//    is withdrawn.
import { ok, is, launch, finish } from './tap.mjs';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const BANNER = process.env.CG_BANNER;
const SHOTS = process.env.CG_SHOTS;
const PIXEL = '/consentgate/pixel.gif';


const browser = await launch();

async function scenario(name, options, init, body) {
    const context = await browser.newContext(options);
    if (init) {
        await context.addInitScript(init);
    }
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    try {
        await body(page, context);
    } catch (e) {
        ok(false, `${name}: ran to the end`, e.stack || String(e));
    }
    const own = errors.filter((e) => !/Failed to load resource/.test(e));
    ok(own.length === 0, `${name}: no JavaScript errors`, own.join('\n'));
    await context.close();
}

// what the server decided for this visitor: CONSENTGATE as the backend
// sees it
async function serverState(page) {
    const text = await page.evaluate(() => fetch('/cgi/echo', { credentials: 'same-origin' }).then((r) => r.text()));
    const m = /^env: (.*)$/m.exec(text);
    return m ? m[1] : null;
}

async function choose(page, button) {
    const answer = page.waitForResponse((r) => r.url().endsWith('/consentgate/consent'));
    await page.click(button);
    await answer;
    await page.waitForSelector('#cg-banner', { state: 'hidden', timeout: 5000 });
}

const visible = (page, sel) => page.isVisible(sel);
const reopenLabel = (page) => page.getAttribute('#cg-reopen', 'aria-label');

// ---- 1. signals ----
const GPC = () => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true });
const DNT = () => Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1' });

for (const [name, headers, init, note, state] of [
    ['gpc', { 'Sec-GPC': '1' }, GPC, '#cg-gpc', 'gpc'],
    ['dnt', { DNT: '1' }, DNT, '#cg-dnt', 'dnt'],
]) {
    await scenario(`${name} shown`, { extraHTTPHeaders: headers }, init, async (page) => {
        await page.goto(BANNER + '/cgi/landing');
        await page.waitForSelector('#cg-banner', { state: 'visible', timeout: 5000 });
        is(await serverState(page), state, `${name}: the server honours the signal (CONSENTGATE=${state})`);
        is(await page.evaluate(() => window.consentgate.status().honoured), state,
           `${name}: status().honoured says the same`);
        ok(await visible(page, note), `${name}: the first layer says the signal is honoured`);
        ok((await page.textContent(note)).includes(name === 'gpc' ? 'Global Privacy Control' : 'Do Not Track'),
           `${name}: naming the signal`, await page.textContent(note));
        ok((await page.getAttribute('#cg-banner', 'aria-describedby')).split(' ').includes(note.slice(1)),
           `${name}: the dialog's description includes it`);

        // a choice (Accept: the signal still wins, as on the server)
        await choose(page, '#cg-accept');
        is(await serverState(page), state, `${name}: after Accept the server still honours the signal`);
        ok(await visible(page, '#cg-reopen'), `${name}: the reopen button is there after the choice`);
        ok(await visible(page, '#cg-signal'), `${name}: and says the signal is honoured`);
        ok((await reopenLabel(page)).includes('Opt-out signal honoured'), `${name}: in its accessible name too`,
           await reopenLabel(page));

        // on the next page, without opening anything
        await page.goto(BANNER + '/cgi/landing');
        await page.waitForSelector('#cg-reopen', { state: 'visible', timeout: 5000 });
        ok(!(await visible(page, '#cg-banner')), `${name}: next page: no banner`);
        ok(await visible(page, '#cg-signal'), `${name}: next page: the reopen button still says it`);
        await page.screenshot({ path: path.join(SHOTS, `signal-${name}-reopen.png`) });

        // the second layer, through the reopen button
        await page.click('#cg-reopen');
        await page.waitForSelector('#cg-cats', { state: 'visible', timeout: 5000 });
        ok(await visible(page, note), `${name}: reopened, the second layer shows the note with the categories`);
        await page.screenshot({ path: path.join(SHOTS, `signal-${name}-second-layer.png`) });
    });
}

await scenario('no signal', {}, null, async (page) => {
    await page.goto(BANNER + '/cgi/landing');
    await page.waitForSelector('#cg-banner', { state: 'visible', timeout: 5000 });
    is(await serverState(page), 'none', 'no signal: the server has no choice');
    is(await page.evaluate(() => window.consentgate.status().honoured), null, 'no signal: status().honoured is null');
    ok(!(await visible(page, '#cg-gpc')) && !(await visible(page, '#cg-dnt')), 'no signal: no note');
    await choose(page, '#cg-reject');
    ok(await visible(page, '#cg-reopen'), 'no signal: the reopen button');
    ok(!(await visible(page, '#cg-signal')), 'no signal: says nothing of a signal');
    is(await reopenLabel(page), 'Cookie settings', 'no signal: its name is the plain one');
});

// ---- 2. the objection to the anonymous count ----
await scenario('objection', {}, null, async (page, context) => {
    const pixels = [];
    page.on('request', (r) => { if (new URL(r.url()).pathname === PIXEL) pixels.push(r.url()); });
    await page.goto(BANNER + '/cgi/landing');
    await page.waitForSelector('#cg-banner', { state: 'visible', timeout: 5000 });
    await page.waitForTimeout(200);
    is(pixels.length, 1, 'objection: before it, the page requests the pixel');

    await page.click('#cg-settings');
    await page.waitForSelector('#cg-object', { state: 'visible', timeout: 3000 });
    is(await page.getAttribute('#cg-object', 'aria-pressed'), 'false', 'objection: the second layer offers it, not pressed');
    await page.addScriptTag({ content: AXE });
    const bad = await page.evaluate(async () => {
        // measured once the banner's fade-in has finished (e2e.mjs's axeScan)
        await Promise.all(document.getAnimations().map((a) => a.finished));
        return (await window.axe.run(document.getElementById('cg-banner')))
            .violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
    });
    is(bad, [], 'objection: axe-core finds no serious violation in the second layer');
    const answer = page.waitForResponse((r) => r.url().endsWith('/consentgate/object'));
    await page.click('#cg-object');
    is((await answer).status(), 204, 'objection: the endpoint records it (204)');
    await page.waitForFunction(() => document.getElementById('cg-object').getAttribute('aria-pressed') === 'true',
                               null, { timeout: 3000 });
    ok(true, 'objection: the button shows it pressed');
    ok((await page.textContent('#cg-live')).includes('no longer counted'), 'objection: announced',
       await page.textContent('#cg-live'));
    const stored = (await context.cookies()).find((c) => c.name === 'consentgate_object');
    ok(stored && stored.value === '1' && stored.sameSite === 'Lax', 'objection: stored as consentgate_object=1, no identifier',
       stored);

    // a refusal, then pages: no pixel request at all
    await choose(page, '#cg-reject');
    for (let i = 0; i < 3; i += 1) {
        await page.goto(BANNER + '/cgi/landing');
        await page.waitForSelector('#cg-reopen', { state: 'visible', timeout: 5000 });
        await page.waitForTimeout(150);
    }
    is(pixels.length, 1, 'objection: three more pages, no pixel request');

    // withdrawn: the count resumes
    await page.click('#cg-reopen');
    await page.waitForSelector('#cg-object', { state: 'visible', timeout: 3000 });
    is(await page.getAttribute('#cg-object', 'aria-pressed'), 'true', 'objection: reopened, shown as in force');
    const undo = page.waitForResponse((r) => r.url().endsWith('/consentgate/object'));
    await page.click('#cg-object');
    is((await undo).status(), 204, 'objection withdrawn: 204');
    ok(!(await context.cookies()).some((c) => c.name === 'consentgate_object'), 'objection withdrawn: the cookie is gone');
    await page.goto(BANNER + '/cgi/landing');
    await page.waitForTimeout(300);
    is(pixels.length, 2, 'objection withdrawn: the next page requests the pixel again');
});

await finish(browser);
