// Other banners' consent, with the banners themselves as oracles, in
// Debian's chromium driven by playwright-core. Prints TAP. Called by
// t/browser/sources.t with:
//   CG_CMP      the vhost "cmp": pages running the real banners from
//               node_modules; /cc/, /klaro/, /tcf/, /tcfvendor/ reach the
//               Mautic-like backend under ConsentSource cc_cookie, klaro,
//               tcf, and tcf with ConsentSourceMap purpose:1+vendor:755
//   CG_CMP_SIGNED the vhost "cmp_signed": the Usercentrics-like page under
//               ConsentSecret, /uc/ reading its mirror
//
// Each banner is clicked as a visitor clicks it; then the page itself asks
// the backend for Mautic's tracking pixel (so the browser sends the
// banner's cookie exactly as it stored it) and the test reads what the
// gate let through: the Set-Cookie lines of the response, and what the
// backend was told (CONSENTGATE, CONSENTGATE_SOURCE, the Cookie header).
import { ok, is, launch, finish } from './tap.mjs';
import * as tcf from '@iabtcf/core';
import fs from 'node:fs';

const CMP = process.env.CG_CMP;
const CMP_SIGNED = process.env.CG_CMP_SIGNED;
const TRACKING = /^(mtc_id|mtc_sid|mautic_device_id|mautic_referer_id|mautic_page_\d+)$/;


const browser = await launch();

async function scenario(name, options, body) {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    try {
        await body(page, context);
    } catch (e) {
        ok(false, `${name}: ran to the end`, e.stack || String(e));
    }
    ok(errors.length === 0, `${name}: no JavaScript errors`, errors.join('\n'));
    await context.close();
}

// The tracking cookies the backend's pixel response brought through the
// gate, fetched by the page with the cookies the browser holds.
async function gated(page, prefix) {
    const path = prefix + 'mtracking.gif';
    // the backend sets its ids only when the browser has none yet
    await page.context().clearCookies({ name: TRACKING });
    const answer = page.waitForResponse((r) => new URL(r.url()).pathname === path);
    await page.evaluate((p) => fetch(p, { credentials: 'same-origin' }).then((r) => r.arrayBuffer()), path);
    const res = await answer;
    const lines = (await res.headersArray())
        .filter((h) => h.name.toLowerCase() === 'set-cookie')
        .flatMap((h) => h.value.split('\n'));
    return lines.map((l) => l.split('=')[0].trim()).filter((n) => TRACKING.test(n)).sort();
}

// What the backend was told, as its /echo route prints it.
async function told(page, prefix) {
    const text = await page.evaluate((p) => fetch(p, { credentials: 'same-origin' }).then((r) => r.text()), prefix + 'echo');
    const out = {};
    for (const line of text.split('\n')) {
        const m = /^([\w-]+): ?(.*)$/.exec(line);
        if (m && !(m[1] in out)) {
            out[m[1]] = m[2];
        }
    }
    return out;
}

// one cookie's value in a Cookie header
function cookieIn(header, name) {
    for (const part of (header || '').split(';')) {
        const i = part.indexOf('=');
        if (i > 0 && part.slice(0, i).trim() === name) {
            return part.slice(i + 1).trim();
        }
    }
    return undefined;
}

async function jarValue(context, name) {
    const c = (await context.cookies()).find((x) => x.name === name);
    return c ? c.value : undefined;
}

// The banner's cookie as stored, as sent, and what the gate decided from it.
async function decision(page, context, prefix, cookie) {
    const stored = await jarValue(context, cookie);
    const e = await told(page, prefix);
    return { stored, sent: cookieIn(e.cookie, cookie), env: e.env, source: e.source,
             categories: e['consent-categories'], device: e.mautic_device_id };
}

const MAUTIC = ['mautic_device_id', 'mautic_referer_id', 'mtc_id'];

// ---- orestbida's cookieconsent v3 (vanilla-cookieconsent), cc_cookie ----
const CC = '#cc-main';
async function ccOpen(page) {
    await page.goto(CMP + '/cookieconsent.html');
    await page.waitForSelector(`${CC} .cm [data-role="necessary"]`, { state: 'visible', timeout: 5000 });
}
async function ccPreferences(page, want) {
    await page.evaluate(() => window.CookieConsent.showPreferences());
    await page.waitForSelector(`${CC} .pm [data-role="save"]`, { state: 'visible', timeout: 5000 });
    for (const cat of ['analytics', 'marketing']) {
        const box = `${CC} .pm input[value="${cat}"]`;
        await (want.includes(cat) ? page.check(box, { force: true }) : page.uncheck(box, { force: true }));
    }
    await page.click(`${CC} .pm [data-role="save"]`);
    await page.waitForSelector(`${CC} .pm`, { state: 'hidden', timeout: 5000 });
}
// what cookieconsent itself says it stored
const ccOwn = (page) => page.evaluate(() => window.CookieConsent.getCookie('categories'));
const ccSent = (d) => JSON.parse(decodeURIComponent(d.sent)).categories;

await scenario('cookieconsent reject', {}, async (page, context) => {
    await ccOpen(page);
    is(await gated(page, '/cc/'), [], 'cookieconsent: before any choice the gate removes the tracking cookies');
    is((await told(page, '/cc/')).env, 'none', 'cookieconsent: before any choice the state is none');
    await page.click(`${CC} .cm [data-role="necessary"]`);
    await page.waitForSelector(`${CC} .cm`, { state: 'hidden', timeout: 5000 });
    const d = await decision(page, context, '/cc/', 'cc_cookie');
    ok(d.stored && d.sent === d.stored, 'cookieconsent reject: the gate read cc_cookie as the banner stored it', d);
    is(ccSent(d), await ccOwn(page), 'cookieconsent reject: the categories sent are the banner\'s own');
    is(ccSent(d), ['necessary'], 'cookieconsent reject: only necessary');
    is([d.env, d.source], ['denied', 'cc_cookie'], 'cookieconsent reject: denied, read from cc_cookie');
    is(await gated(page, '/cc/'), [], 'cookieconsent reject: the tracking Set-Cookie lines are removed');
});

await scenario('cookieconsent accept, then withdraw', {}, async (page, context) => {
    await ccOpen(page);
    await page.click(`${CC} .cm [data-role="all"]`);
    await page.waitForSelector(`${CC} .cm`, { state: 'hidden', timeout: 5000 });
    let d = await decision(page, context, '/cc/', 'cc_cookie');
    ok(d.stored && d.sent === d.stored, 'cookieconsent accept: the gate read cc_cookie as the banner stored it', d);
    is(ccSent(d), await ccOwn(page), 'cookieconsent accept: the categories sent are the banner\'s own');
    is([d.env, d.source, d.categories], ['granted', 'cc_cookie', 'tracking'],
       'cookieconsent accept: granted, tracking, read from cc_cookie');
    is(await gated(page, '/cc/'), MAUTIC, 'cookieconsent accept: Mautic\'s tracking cookies pass the gate');
    is((await told(page, '/cc/')).mautic_device_id !== '', true, 'cookieconsent accept: the backend gets the device id back');

    // the visitor reopens the banner and keeps only statistics
    await ccPreferences(page, ['analytics']);
    d = await decision(page, context, '/cc/', 'cc_cookie');
    ok(d.stored && d.sent === d.stored, 'cookieconsent withdraw: the gate read the new cc_cookie', d);
    is(ccSent(d), ['necessary', 'analytics'], 'cookieconsent withdraw: the banner stored necessary and analytics');
    is([d.env, d.source], ['denied', 'cc_cookie'], 'cookieconsent withdraw: denied');
    is(await gated(page, '/cc/'), [], 'cookieconsent withdraw: the tracking Set-Cookie lines are removed again');
    is(d.device, '', 'cookieconsent withdraw: the device id the browser still holds is kept from the backend');
});

// A withdrawal through the module (forget, as the receipt page's button
// or banner.js's forget() posts it) where /cc/ follows cc_cookie alone:
// the banner's cookie still says yes, the module's refusal is newer and
// holds; choosing again in the banner counts again.
await scenario('cookieconsent accept, withdrawn through the module, chosen again', {}, async (page, context) => {
    await ccOpen(page);
    await page.click(`${CC} .cm [data-role="all"]`);
    await page.waitForSelector(`${CC} .cm`, { state: 'hidden', timeout: 5000 });
    is(await gated(page, '/cc/'), MAUTIC, 'cookieconsent accept: the tracking cookies pass');
    await page.waitForTimeout(1100);
    const status = await page.evaluate(async () => (await fetch('/consentgate/forget', {
        method: 'POST', credentials: 'same-origin' })).status);
    is(status, 204, 'forget: posted from the page');
    is(ccSent(await decision(page, context, '/cc/', 'cc_cookie')), await ccOwn(page),
       'forget: cc_cookie itself still holds the banner\'s grant');
    let d = await decision(page, context, '/cc/', 'cc_cookie');
    is([d.env, d.source], ['denied', 'cc_cookie'], 'forget: denied though cc_cookie grants (the withdrawal is newer)');
    is(await gated(page, '/cc/'), [], 'forget: the tracking cookies are removed');
    await page.waitForTimeout(1100);
    await ccPreferences(page, ['marketing']);
    d = await decision(page, context, '/cc/', 'cc_cookie');
    is([d.env, d.source, d.categories], ['granted', 'cc_cookie', 'tracking'],
       'chosen again in the banner after the withdrawal: granted');
    is(await gated(page, '/cc/'), MAUTIC, 'chosen again: the tracking cookies pass');
});

await scenario('cookieconsent custom', {}, async (page, context) => {
    await ccOpen(page);
    await page.click(`${CC} .cm [data-role="show"]`);
    await ccPreferences(page, ['analytics']);
    let d = await decision(page, context, '/cc/', 'cc_cookie');
    is(ccSent(d), await ccOwn(page), 'cookieconsent custom: the categories sent are the banner\'s own');
    is(ccSent(d), ['necessary', 'analytics'], 'cookieconsent custom: statistics only');
    is(await gated(page, '/cc/'), [], 'cookieconsent custom without marketing: the tracking cookies are removed');
    await ccPreferences(page, ['marketing']);
    d = await decision(page, context, '/cc/', 'cc_cookie');
    is(ccSent(d), ['necessary', 'marketing'], 'cookieconsent custom: marketing only');
    is(d.env, 'granted', 'cookieconsent custom with marketing: granted');
    is(await gated(page, '/cc/'), MAUTIC, 'cookieconsent custom with marketing: the tracking cookies pass');
});

// ---- Klaro: the cookie "klaro", per service ----
async function klaroOpen(page) {
    await page.goto(CMP + '/klaro.html');
    await page.waitForSelector('.klaro .cookie-notice .cn-decline', { state: 'visible', timeout: 5000 });
}
// Klaro's own view of the choice it stored
const klaroOwn = (page) => page.evaluate(() => window.klaro.getManager().consents);
const klaroSent = (d) => JSON.parse(decodeURIComponent(d.sent));
async function klaroChoose(page, services) {
    await page.evaluate(() => window.klaro.show(undefined, true));
    await page.waitForSelector('.klaro .cm-modal .cm-btn-accept', { state: 'visible', timeout: 5000 });
    // the second layer groups the services by purpose: one each here
    for (const [s, purpose] of [['mautic', 'marketing'], ['matomo', 'analytics']]) {
        const box = `#purpose-item-${purpose}`;
        await (services.includes(s) ? page.check(box, { force: true }) : page.uncheck(box, { force: true }));
    }
    await page.click('.klaro .cm-modal .cm-btn-accept');
    await page.waitForSelector('.klaro .cm-modal', { state: 'detached', timeout: 5000 });
}

await scenario('klaro decline', {}, async (page, context) => {
    await klaroOpen(page);
    is(await gated(page, '/klaro/'), [], 'klaro: before any choice the tracking cookies are removed');
    await page.click('.klaro .cookie-notice .cn-decline');
    await page.waitForSelector('.klaro .cookie-notice', { state: 'detached', timeout: 5000 });
    const d = await decision(page, context, '/klaro/', 'klaro');
    ok(d.stored && d.sent === d.stored, 'klaro decline: the gate read the cookie as Klaro stored it', d);
    is(klaroSent(d), await klaroOwn(page), 'klaro decline: what was sent is Klaro\'s own state');
    is(klaroSent(d), { mautic: false, matomo: false }, 'klaro decline: every service refused');
    is([d.env, d.source], ['denied', 'klaro'], 'klaro decline: denied, read from klaro');
    is(await gated(page, '/klaro/'), [], 'klaro decline: the tracking Set-Cookie lines are removed');
});

await scenario('klaro accept, custom, withdraw', {}, async (page, context) => {
    await klaroOpen(page);
    await page.click('.klaro .cookie-notice .cm-btn-success');
    await page.waitForSelector('.klaro .cookie-notice', { state: 'detached', timeout: 5000 });
    let d = await decision(page, context, '/klaro/', 'klaro');
    ok(d.stored && d.sent === d.stored, 'klaro accept: the gate read the cookie as Klaro stored it', d);
    is(klaroSent(d), await klaroOwn(page), 'klaro accept: what was sent is Klaro\'s own state');
    is([d.env, d.source, d.categories], ['granted', 'klaro', 'tracking'], 'klaro accept: granted, read from klaro');
    is(await gated(page, '/klaro/'), MAUTIC, 'klaro accept: Mautic\'s tracking cookies pass');

    // the second layer: Matomo only
    await klaroChoose(page, ['matomo']);
    d = await decision(page, context, '/klaro/', 'klaro');
    ok(d.stored && d.sent === d.stored, 'klaro custom: the gate read the new cookie', d);
    is(klaroSent(d), { mautic: false, matomo: true }, 'klaro custom: Matomo only');
    is(d.env, 'denied', 'klaro custom without the mautic service: denied');
    is(await gated(page, '/klaro/'), [], 'klaro custom without the mautic service: the tracking cookies are removed');

    await klaroChoose(page, ['mautic']);
    d = await decision(page, context, '/klaro/', 'klaro');
    is(klaroSent(d), { mautic: true, matomo: false }, 'klaro custom: Mautic only');
    is(await gated(page, '/klaro/'), MAUTIC, 'klaro custom with the mautic service: the tracking cookies pass');

    await klaroChoose(page, []);
    is(await gated(page, '/klaro/'), [], 'klaro withdraw: the tracking cookies are removed again');
});

// ---- IAB TCF: TC strings encoded by @iabtcf/core, stored as a CMP does ----
// A vendor list of our own: the encoder needs one and keeps only what its
// vendors declared.
function vendorList() {
    const purposes = {};
    for (let i = 1; i <= 11; ++i) {
        purposes[i] = { id: i, name: `Purpose ${i}`, description: '', descriptionLegal: '' };
    }
    const vendors = {};
    for (const id of [2, 755]) {
        vendors[id] = { id, name: `Vendor ${id}`, purposes: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], legIntPurposes: [],
                        flexiblePurposes: [2, 3, 4, 5, 6, 7, 8, 9, 10], specialPurposes: [1, 2], features: [],
                        specialFeatures: [], policyUrl: 'https://vendor.example/privacy' };
    }
    return { gvlSpecificationVersion: 3, vendorListVersion: 100, tcfPolicyVersion: 5,
             lastUpdated: '2026-01-01T00:00:00Z', purposes,
             specialPurposes: { 1: { id: 1, name: 'SP1' }, 2: { id: 2, name: 'SP2' } },
             features: {}, specialFeatures: {}, stacks: {}, dataCategories: {}, vendors };
}
function tcString({ purposes, vendors, ageDays = 0, disclosed = true }) {
    const tc = new tcf.TCModel(new tcf.GVL(vendorList()));
    tc.cmpId = 7;
    tc.cmpVersion = 1;
    tc.publisherCountryCode = 'DE';
    tc.isServiceSpecific = true;
    tc.purposeConsents.set(purposes);
    tc.vendorConsents.set(vendors);
    const when = new Date(Date.now() - ageDays * 86400 * 1000 - 60 * 1000);
    tc.created = when;
    tc.lastUpdated = when;
    const segments = disclosed ? [tcf.Segment.CORE, tcf.Segment.VENDORS_DISCLOSED] : [tcf.Segment.CORE];
    return tcf.TCString.encode(tc, { segments });
}
const listOf = (vec) => { const a = []; vec.forEach((on, id) => { if (on) a.push(id); }); return a; };

const tcCases = [
    // name, choices, the decision under /tcf/ [CONSENTGATE, CONSENTGATE_SOURCE],
    // whether /tcfvendor/ grants
    ['purposes 1, 3, 5, vendor 755', { purposes: [1, 3, 5], vendors: [755] }, ['granted', 'tcf'], true],
    ['purposes 1, 3, 5, vendor 2 only', { purposes: [1, 3, 5], vendors: [2] }, ['granted', 'tcf'], false],
    ['purposes 1 and 3 (no 5), vendor 755', { purposes: [1, 3], vendors: [755] }, ['denied', 'tcf'], true],
    ['every purpose but 1, vendor 755', { purposes: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11], vendors: [755] }, ['denied', 'tcf'], false],
    ['reject all', { purposes: [], vendors: [] }, ['denied', 'tcf'], false],
    // no explicit choice at all: stale, or not a valid TCF 2.3 string
    ['accept all, older than ConsentMaxAge', { purposes: [1, 3, 5], vendors: [755], ageDays: 200 }, ['none', ''], false],
    ['accept all without the DisclosedVendors segment TCF 2.3 requires', { purposes: [1, 3, 5], vendors: [755], disclosed: false }, ['none', ''], false],
];

await scenario('tcf', {}, async (page, context) => {
    await page.goto(CMP + '/tcf.html');
    for (const [name, choice, want, vendor] of tcCases) {
        const plain = want[0] === 'granted';
        const str = tcString(choice);
        // a CMP writes the TC string to a first-party cookie from the page
        await page.evaluate((s) => { document.cookie = `euconsent-v2=${s}; path=/; max-age=3600; samesite=lax`; }, str);
        const e = await told(page, '/tcf/');
        const sent = cookieIn(e.cookie, 'euconsent-v2');
        is(sent, str, `tcf ${name}: the gate read the TC string as stored`);
        const back = tcf.TCString.decode(sent);
        is([listOf(back.purposeConsents), listOf(back.vendorConsents)], [choice.purposes, choice.vendors],
           `tcf ${name}: @iabtcf/core reads back the purposes and vendors chosen`);
        is([e.env, e.source], want, `tcf ${name}: CONSENTGATE ${want[0]}, source ${want[1] || 'none'}`);
        is(await gated(page, '/tcf/'), plain ? MAUTIC : [],
           `tcf ${name}: purposes 1+3+5 (the preset's map): tracking cookies ${plain ? 'pass' : 'removed'}`);
        is(await gated(page, '/tcfvendor/'), vendor ? MAUTIC : [],
           `tcf ${name}: ConsentSourceMap purpose:1+vendor:755: tracking cookies ${vendor ? 'pass' : 'removed'}`);
    }
    await context.clearCookies();
});

// ---- a TCF CMP on the IAB's @iabtcf/cmpapi: what __tcfapi tells the
// page's vendors is what the gate reads ----
async function tcfapi(page) {
    return page.evaluate(() => new Promise((done) => window.__tcfapi('getTCData', 2, (data, success) => done(success ? data : null))));
}
for (const [button, want] of [['#accept', 'granted'], ['#reject', 'denied'], ['#measure', 'denied']]) {
    await scenario(`tcf cmp ${button}`, {}, async (page, context) => {
        await page.goto(CMP + '/tcfcmp.html');
        await page.waitForFunction(() => window.cmpReady === true && typeof window.__tcfapi === 'function', null, { timeout: 5000 });
        is(await gated(page, '/tcf/'), [], `tcf cmp ${button}: before any choice the tracking cookies are removed`);
        await page.click(button);
        const data = await tcfapi(page);
        ok(data && data.tcString && data.eventStatus === 'useractioncomplete',
           `tcf cmp ${button}: __tcfapi reports the visitor's action`, data);
        const e = await told(page, '/tcf/');
        is(cookieIn(e.cookie, 'euconsent-v2'), data && data.tcString,
           `tcf cmp ${button}: the gate read the TC string __tcfapi hands to vendors`);
        const p = data ? data.purpose.consents : {};
        const mine = [1, 3, 5].every((n) => p[n] === true);
        is(mine, want === 'granted', `tcf cmp ${button}: purposes 1, 3 and 5 ${mine ? 'all' : 'not all'} consented, per __tcfapi`);
        is([e.env, e.source], [want, 'tcf'], `tcf cmp ${button}: CONSENTGATE ${want}, read from tcf`);
        is(await gated(page, '/tcf/'), want === 'granted' ? MAUTIC : [],
           `tcf cmp ${button}: the tracking cookies ${want === 'granted' ? 'pass' : 'are removed'}`);
    });
}

// ---- banners that keep the choice in storage: banner.js mirrors it ----
// the mirror the server set: "<value>|<receipt id>.<time>", and with
// ConsentSecret "|<signature>" after it
const RECEIPT_NAMED = /^([^|]*)\|([0-9a-f]{32})\.\d+$/;
const mirrorOf = (d) => (d.sent === undefined ? undefined : JSON.parse(decodeURIComponent(d.sent.split('|')[0])));
// the visitor's receipt page, as the browser asks for it
const receiptPage = (page) => page.evaluate(async () => {
    const r = await fetch('/consentgate/receipt?format=json', { credentials: 'same-origin' });
    return { status: r.status, receipt: (await r.json()).receipt };
});

// The mirror posts the choice to the consent endpoint, which sets the
// mirror cookie and writes a receipt: `act`, then that POST's answer and
// the receipts written meanwhile.
const RECEIPTS = process.env.CG_LOGS + '/receipts-cmp.jsonl';
const RECEIPTS_SIGNED = process.env.CG_LOGS + '/receipts-cmp-signed.jsonl';
const receipts = (file = RECEIPTS) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '')
    .split('\n').filter((l) => l).map((l) => JSON.parse(l));
async function mirrored(page, act, file = RECEIPTS) {
    const before = receipts(file).length;
    const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/consentgate/consent', { timeout: 5000 });
    await act();
    const res = await answer;
    const setCookie = (await res.headersArray())
        .filter((h) => h.name.toLowerCase() === 'set-cookie')
        .flatMap((h) => h.value.split('\n'));
    return { status: res.status(), body: res.request().postDataJSON(), setCookie, receipts: receipts(file).slice(before) };
}
const brief = (r) => [r.action, r.method, r.categories];

await scenario('usercentrics mirror', {}, async (page, context) => {
    await page.goto(CMP + '/usercentrics.html');
    await page.waitForLoadState('load');
    ok(await page.evaluate(() => !!localStorage.getItem('uc_settings') && !localStorage.getItem('uc_user_interaction')),
       'usercentrics: the page stored its defaults, no interaction yet');
    let d = await decision(page, context, '/uc/', 'consentgate_usercentrics');
    is(d.stored, undefined, 'usercentrics: no mirror before the visitor chose (defaults are no choice)');
    is(d.env, 'none', 'usercentrics: the state is none');
    is(await page.evaluate(() => document.getElementById('cg-banner') === null && !window.consentgate), true,
       'usercentrics: data-consentgate="mirror" shows no banner of ours');

    // what localStorage says, reduced as the mirror must reduce it: to the
    // services this site's ConsentSourceMap lines name (svc-mautic), so
    // svc-matomo, which nothing here reads, is never written into a cookie
    const want = () => page.evaluate(() => {
        const s = JSON.parse(localStorage.getItem('uc_settings'));
        const consents = {};
        let time = 0;
        for (const v of s.services) {
            if (v.id === 'svc-mautic') consents[v.id] = v.status;
            for (const h of v.history) time = Math.max(time, h.timestamp);
        }
        return { time, consents };
    });
    ok(await page.evaluate(() => JSON.parse(localStorage.getItem('uc_settings')).services.length) === 2,
       'usercentrics: the page holds two services, only one of them mapped');
    let m = await mirrored(page, () => page.click('#accept'));
    is(m.status, 204, 'usercentrics accept: the mirror posted the choice to the consent endpoint');
    is(m.body, { mirror: 'usercentrics', value: m.body.value }, 'usercentrics accept: the source and the cookie value, nothing else');
    ok(m.setCookie.some((l) => l.startsWith(`consentgate_usercentrics=${m.body.value}|`)),
       'usercentrics accept: the server set the mirror cookie', m.setCookie);
    is(m.receipts.map(brief), [['grant', 'source:usercentrics', ['tracking']]],
       'usercentrics accept: one receipt, a grant of what ConsentSourceMap maps');
    d = await decision(page, context, '/uc/', 'consentgate_usercentrics');
    ok(d.stored && d.sent === d.stored, 'usercentrics accept: the gate read the mirror as stored', d);
    const named = RECEIPT_NAMED.exec(d.stored || '');
    is(named && [named[1], named[2]], [m.body.value, m.receipts[0] && m.receipts[0].id],
       'usercentrics accept: the cookie is the one the server set: the value posted and its receipt\'s id', d.stored);
    const shown = await receiptPage(page);
    is([shown.status, shown.receipt && shown.receipt.id, shown.receipt && shown.receipt.method],
       [200, m.receipts[0] && m.receipts[0].id, 'source:usercentrics'],
       'usercentrics accept: the visitor\'s receipt page shows the receipt of the choice made in Usercentrics');
    is(mirrorOf(d), await want(), 'usercentrics accept: the mirror holds what localStorage holds');
    is([d.env, d.source, d.categories], ['granted', 'usercentrics', 'tracking'],
       'usercentrics accept: granted through ConsentSourceMap usercentrics svc-mautic tracking');
    is(await gated(page, '/uc/'), MAUTIC, 'usercentrics accept: the tracking cookies pass');

    let n = receipts().length;
    await page.reload();
    await page.waitForLoadState('load');
    await page.evaluate(() => { document.getElementById('uc').hidden = false; });
    is(receipts().length, n, 'usercentrics: a page load with the choice already mirrored posts nothing');
    m = await mirrored(page, () => page.click('#matomo'));
    is(m.receipts.map(brief), [['revoke', 'source:usercentrics', []]],
       'usercentrics custom without Mautic: a withdrawal receipt');
    d = await decision(page, context, '/uc/', 'consentgate_usercentrics');
    is(mirrorOf(d), await want(), 'usercentrics custom: the mirror follows the new choice');
    is(mirrorOf(d).consents, { 'svc-mautic': false }, 'usercentrics custom: Matomo only, of which the mirror holds the mapped refusal');
    is([d.env, d.source], ['denied', 'usercentrics'], 'usercentrics custom: denied');
    is(await gated(page, '/uc/'), [], 'usercentrics custom without Mautic: the tracking cookies are removed');

    await page.evaluate(() => { document.getElementById('uc').hidden = false; });
    m = await mirrored(page, () => page.click('#accept'));
    is(m.receipts.map(brief), [['grant', 'source:usercentrics', ['tracking']]], 'usercentrics accept again: a grant receipt');
    is(await gated(page, '/uc/'), MAUTIC, 'usercentrics accept again: the tracking cookies pass');
    await page.evaluate(() => { document.getElementById('uc').hidden = false; });
    m = await mirrored(page, () => page.click('#deny'));
    is([m.status, m.receipts.map(brief)], [204, [['revoke', 'source:usercentrics', []]]],
       'usercentrics deny: a withdrawal receipt');
    d = await decision(page, context, '/uc/', 'consentgate_usercentrics');
    is(mirrorOf(d).consents, { 'svc-mautic': false }, 'usercentrics deny: the mapped service refused');
    is(await gated(page, '/uc/'), [], 'usercentrics withdraw: the tracking cookies are removed again');
    // the mirror is set by the server, for the site only, and carries no identifier
    const c = (await context.cookies()).find((x) => x.name === 'consentgate_usercentrics');
    ok(c && c.sameSite === 'Lax' && c.path === '/' && c.expires > Date.now() / 1000 + 86400 * 150,
       'usercentrics: the mirror is a first-party cookie for ConsentMaxAge, SameSite=Lax', c);
    is(Object.keys(mirrorOf(d)).sort(), ['consents', 'time'], 'usercentrics: the mirror holds the choice and its time, nothing else');
});

await scenario('osano mirror', {}, async (page, context) => {
    await page.goto(CMP + '/osano.html');
    await page.waitForLoadState('load');
    let d = await decision(page, context, '/osano/', 'consentgate_osano');
    is(d.stored, undefined, 'osano: no mirror before the visitor chose');
    is(d.env, 'none', 'osano: the state is none');
    let m = await mirrored(page, () => page.click('#accept'));
    is([m.status, m.receipts.map(brief)], [204, [['grant', 'source:osano', ['tracking']]]],
       'osano accept: posted, a grant receipt (MARKETING maps to tracking)');
    d = await decision(page, context, '/osano/', 'consentgate_osano');
    ok(d.stored && d.sent === d.stored, 'osano accept: the gate read the mirror as stored', d);
    const own = await page.evaluate(() => window.Osano.cm.getConsent());
    is(mirrorOf(d).consents, { MARKETING: own.MARKETING === 'ACCEPT' },
       'osano accept: the mirror holds what Osano.cm.getConsent() says of MARKETING, the one category mapped');
    ok(Object.keys(own).length > 1, 'osano: Osano itself holds more categories than the mirror copies');
    is([d.env, d.source, d.categories], ['granted', 'osano', 'tracking'], 'osano accept: MARKETING grants tracking');
    is(await gated(page, '/osano/'), MAUTIC, 'osano accept: the tracking cookies pass');
    m = await mirrored(page, () => page.click('#analytics'));
    is([m.status, m.receipts.map(brief)], [204, [['revoke', 'source:osano', []]]],
       'osano analytics only: a withdrawal receipt');
    d = await decision(page, context, '/osano/', 'consentgate_osano');
    is(mirrorOf(d).consents.MARKETING, false, 'osano analytics only: MARKETING refused in the mirror');
    is([d.env, d.source], ['denied', 'osano'], 'osano analytics only: denied');
    is(await gated(page, '/osano/'), [], 'osano analytics only: the tracking cookies are removed');
});

// When the endpoint does not answer, the page writes the mirror itself
// with the refusals only (and grants the held mirror already made): a
// refusal takes effect at once, a grant waits for a POST that gets its
// receipt.
await scenario('osano mirror, the endpoint down', {}, async (page, context) => {
    let down = true;
    await page.route('**/consentgate/consent', (route) => (down ? route.fulfill({ status: 503, body: '' }) : route.continue()));
    await page.goto(CMP + '/osano.html');
    await page.waitForLoadState('load');
    let m = await mirrored(page, () => page.click('#accept'));
    is(m.status, 503, 'osano accept, endpoint down: the POST failed');
    await page.waitForTimeout(100);
    is(await jarValue(context, 'consentgate_osano'), undefined, 'osano accept, endpoint down: no grant without a receipt');
    is((await told(page, '/osano/')).env, 'none', 'osano accept, endpoint down: the gate sees no choice');
    m = await mirrored(page, () => page.click('#deny'));
    await page.waitForTimeout(100);
    const stored = await jarValue(context, 'consentgate_osano');
    is(stored && JSON.parse(decodeURIComponent(stored)).consents,
       { MARKETING: false },
       'osano deny, endpoint down: the page writes the refusal of what is mapped, and no grant the server did not receipt');
    is((await told(page, '/osano/')).env, 'denied', 'osano deny, endpoint down: the gate follows the refusal');
    down = false;
    m = await mirrored(page, () => page.click('#accept'));
    is([m.status, m.receipts.map(brief)], [204, [['grant', 'source:osano', ['tracking']]]],
       'osano accept, endpoint back: posted with its receipt');
    is(await gated(page, '/osano/'), MAUTIC, 'osano accept, endpoint back: the tracking cookies pass');
    // a withdrawal while the endpoint is down still takes effect
    down = true;
    m = await mirrored(page, () => page.click('#analytics'));
    await page.waitForTimeout(100);
    is(JSON.parse(decodeURIComponent(await jarValue(context, 'consentgate_osano'))).consents,
       { MARKETING: false },
       'osano analytics only, endpoint down: the page writes it (it grants nothing the held mirror did not)');
    is((await told(page, '/osano/')).env, 'denied', 'osano analytics only, endpoint down: the withdrawal takes effect');
    is(await gated(page, '/osano/'), [], 'osano analytics only, endpoint down: the tracking cookies are removed');
});

// ---- the mirror under ConsentSecret: the endpoint signs the cookie it
// sets (<value>|<signature>), and only a signed mirror grants ----
const SIG = /^([^|]*)\|[0-9a-f]{32}\.\d+\|[A-Za-z0-9_-]{22}$/;
// every mirror POST a context makes, counted from before the first page
function mirrorPosts(context) {
    const posts = [];
    context.on('request', (r) => {
        if (r.method() === 'POST' && new URL(r.url()).pathname === '/consentgate/consent') {
            posts.push(r.postDataJSON());
        }
    });
    return posts;
}

await scenario('usercentrics mirror, ConsentSecret', {}, async (page, context) => {
    const posts = mirrorPosts(context);
    await page.goto(CMP_SIGNED + '/usercentrics.html');
    await page.waitForLoadState('load');
    is(await gated(page, '/uc/'), [], 'signed usercentrics: before any choice the tracking cookies are removed');
    let m = await mirrored(page, () => page.click('#accept'), RECEIPTS_SIGNED);
    is(m.status, 204, 'signed usercentrics accept: the mirror posted the choice');
    is(m.receipts.map(brief), [['grant', 'source:usercentrics', ['tracking']]],
       'signed usercentrics accept: one receipt, a grant');
    let stored = await jarValue(context, 'consentgate_usercentrics');
    ok(SIG.test(stored || '') && SIG.exec(stored)[1] === m.body.value,
       'signed usercentrics accept: the browser holds the value posted, its receipt and a signature', stored);
    let d = await decision(page, context, '/uc/', 'consentgate_usercentrics');
    is(d.sent, stored, 'signed usercentrics accept: the browser sends the signed mirror');
    const shown = await receiptPage(page);
    is([shown.status, shown.receipt && shown.receipt.id], [200, m.receipts[0] && m.receipts[0].id],
       'signed usercentrics accept: the receipt page shows the receipt the signed mirror names');
    is([d.env, d.source, d.categories], ['granted', 'usercentrics', 'tracking'],
       'signed usercentrics accept: the signed mirror grants');
    is(await gated(page, '/uc/'), MAUTIC, 'signed usercentrics accept: Mautic\'s tracking cookies pass');

    // the signed mirror equals the choice: a page load posts nothing
    await page.reload();
    await page.waitForLoadState('load');
    await page.waitForTimeout(300);
    is(posts.length, 1, 'signed usercentrics: a page load with the choice mirrored and signed posts nothing');

    await page.evaluate(() => { document.getElementById('uc').hidden = false; });
    m = await mirrored(page, () => page.click('#deny'), RECEIPTS_SIGNED);
    is([m.status, m.receipts.map(brief)], [204, [['revoke', 'source:usercentrics', []]]],
       'signed usercentrics deny: a withdrawal receipt');
    stored = await jarValue(context, 'consentgate_usercentrics');
    ok(SIG.test(stored || '') && SIG.exec(stored)[1] === m.body.value,
       'signed usercentrics deny: the refusal is signed too', stored);
    d = await decision(page, context, '/uc/', 'consentgate_usercentrics');
    is([d.env, d.source], ['denied', 'usercentrics'], 'signed usercentrics deny: denied');
    is(await gated(page, '/uc/'), [], 'signed usercentrics deny: the tracking cookies are removed again');
});

// A visitor who held an unsigned mirror of their choice before the site
// set ConsentSecret: the server's banner config says mirrors are signed,
// so the page posts the choice once to have it signed, then never again.
// Without ConsentSecret the same cookie is the mirror and nothing is posted.
async function ucHeld(page, context, base, suffix = '', consents = { 'svc-mautic': true }) {
    const time = Date.now() - 60 * 1000;
    const value = encodeURIComponent(JSON.stringify({ time, consents }));
    // the stub's storage: an explicit accept at `time`
    await page.goto(base + '/uc/echo');
    await page.evaluate((t) => {
        localStorage.setItem('uc_settings', JSON.stringify({
            controllerId: 'c0ffee00c0ffee00', id: 'site-settings-id', version: '1.2.0',
            services: ['svc-mautic', 'svc-matomo'].map((id) => ({ id, status: true, history: [
                { action: 'ACCEPT_ALL', language: 'en', status: true, timestamp: t, type: 'explicit',
                  versions: { application: '2.0.0', service: '1.0.0', settings: '1.2.0' } }] })),
        }));
        localStorage.setItem('uc_user_interaction', 'true');
    }, time);
    await context.addCookies([{ name: 'consentgate_usercentrics', value: value + suffix, url: base + '/', sameSite: 'Lax' }]);
    return value;
}

await scenario('usercentrics mirror, unsigned before ConsentSecret', {}, async (page, context) => {
    const value = await ucHeld(page, context, CMP_SIGNED);
    is(await gated(page, '/uc/'), [], 'signed site, unsigned mirror held: the grant it holds counts for nothing');
    const posts = mirrorPosts(context);
    const before = receipts(RECEIPTS_SIGNED).length;
    const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/consentgate/consent', { timeout: 5000 });
    await page.goto(CMP_SIGNED + '/usercentrics.html');
    await page.waitForLoadState('load');
    const res = await answer.catch(() => null);
    is(res && res.status(), 204, 'signed site, unsigned mirror held: the page posts the choice');
    is(posts, [{ mirror: 'usercentrics', value }], 'signed site, unsigned mirror held: once, the value it held');
    const stored = await jarValue(context, 'consentgate_usercentrics');
    ok(SIG.test(stored || '') && SIG.exec(stored)[1] === value,
       'signed site, unsigned mirror held: the browser now holds it signed', stored);
    is(receipts(RECEIPTS_SIGNED).slice(before).map(brief), [['grant', 'source:usercentrics', ['tracking']]],
       'signed site, unsigned mirror held: with a grant receipt');
    const d = await decision(page, context, '/uc/', 'consentgate_usercentrics');
    is([d.env, d.source, d.categories], ['granted', 'usercentrics', 'tracking'],
       'signed site, unsigned mirror held: the gate now sees the grant');
    is(await gated(page, '/uc/'), MAUTIC, 'signed site, unsigned mirror held: Mautic\'s tracking cookies pass');
    // signed and equal now: no loop, on this page or the next
    await page.reload();
    await page.waitForLoadState('load');
    await page.waitForTimeout(300);
    is(posts.length, 1, 'signed site, unsigned mirror held: the next page load posts nothing more');
});

// the server's mirror from before ConsentSecret names its receipt but has
// no signature: posted once too
await scenario('usercentrics mirror, with a receipt but unsigned, before ConsentSecret', {}, async (page, context) => {
    const secs = Math.floor(Date.now() / 1000) - 60;
    const value = await ucHeld(page, context, CMP_SIGNED, `|0123456789abcdef0123456789abcdef.${secs}`);
    const posts = mirrorPosts(context);
    const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/consentgate/consent', { timeout: 5000 });
    await page.goto(CMP_SIGNED + '/usercentrics.html');
    await page.waitForLoadState('load');
    const res = await answer.catch(() => null);
    is([res && res.status(), posts], [204, [{ mirror: 'usercentrics', value }]],
       'signed site, unsigned mirror with a receipt held: the page posts the value, once');
    const stored = await jarValue(context, 'consentgate_usercentrics');
    ok(SIG.test(stored || '') && SIG.exec(stored)[1] === value,
       'signed site, unsigned mirror with a receipt held: now signed, with a receipt of its own', stored);
    await page.reload();
    await page.waitForLoadState('load');
    await page.waitForTimeout(300);
    is(posts.length, 1, 'signed site, unsigned mirror with a receipt held: the next page load posts nothing more');
});

// a mirror an earlier banner.js wrote with every service: posted once as
// the mapped services only, so the cookie stops carrying the others
await scenario('usercentrics mirror holding unmapped services', {}, async (page, context) => {
    const value = await ucHeld(page, context, CMP, '', { 'svc-mautic': true, 'svc-matomo': true });
    const posts = mirrorPosts(context);
    const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/consentgate/consent', { timeout: 5000 });
    await page.goto(CMP + '/usercentrics.html');
    await page.waitForLoadState('load');
    const res = await answer.catch(() => null);
    const sent = posts[0] && JSON.parse(decodeURIComponent(posts[0].value));
    is([res && res.status(), posts.length, sent && sent.consents], [204, 1, { 'svc-mautic': true }],
       'held mirror with an unmapped service: posted once, with the mapped service only');
    const stored = await jarValue(context, 'consentgate_usercentrics');
    ok(stored && stored !== value && !decodeURIComponent(stored).includes('svc-matomo'),
       'held mirror with an unmapped service: the cookie no longer names it', stored);
});

await scenario('usercentrics mirror, unsigned without ConsentSecret', {}, async (page, context) => {
    const value = await ucHeld(page, context, CMP);
    const posts = mirrorPosts(context);
    await page.goto(CMP + '/usercentrics.html');
    await page.waitForLoadState('load');
    await page.waitForTimeout(300);
    is(posts, [], 'unsigned site, mirror held equal to the choice: the page posts nothing');
    is(await jarValue(context, 'consentgate_usercentrics'), value, 'unsigned site: the held mirror is unchanged');
    is(await gated(page, '/uc/'), MAUTIC, 'unsigned site: the held mirror grants as it is');
});

await finish(browser);
