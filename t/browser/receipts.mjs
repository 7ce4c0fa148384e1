// Receipts of choices made by clicking the real banner in Debian's chromium:
// each cites the notice that banner.js showed (archived, byte for byte)
// and the button (accept_all, reject_all, custom). Prints TAP. Called by
// t/browser/receipts.t with CG_BANNER (base URL of the banner vhost) and
// CG_LOGS (the server's log directory).
import { ok, is, launch, finish } from './tap.mjs';
import fs from 'node:fs';
import crypto from 'node:crypto';

const BANNER = process.env.CG_BANNER;
const LOGS = process.env.CG_LOGS;
const RECEIPTS = LOGS + '/receipts-banner.jsonl';


// the notice banner.js carries for a language: the text and its hash
async function served(lang) {
    const js = await (await fetch(BANNER + '/consentgate/banner.js', { headers: { 'Accept-Language': lang } })).text();
    const m = js.match(/\((\{[^\n]*),"notice":"([0-9a-f]{64})"\}\);\n$/);
    return m ? { text: m[1] + '}', hash: m[2] } : {};
}

function receipt(id) {
    const lines = fs.readFileSync(RECEIPTS, 'utf8').split('\n').filter((l) => l);
    return lines.map((l) => JSON.parse(l)).find((r) => r.id === id);
}

const browser = await launch();

async function click(lang, steps, name) {
    const context = await browser.newContext({ locale: lang });
    const page = await context.newPage();
    try {
        await page.goto(BANNER + '/cgi/landing');
        await page.waitForSelector('#cg-banner', { state: 'visible', timeout: 5000 });
        const answer = page.waitForResponse((r) => r.url().endsWith('/consentgate/consent'));
        for (const s of steps) {
            await page.click(s);
        }
        is((await answer).status(), 204, `${name}: recorded`);
        const c = (await context.cookies()).find((k) => k.name === 'mautic_consent');
        const m = c && c.value.match(/\.([0-9a-f]{32})$/);
        return m ? receipt(m[1]) : undefined;
    } finally {
        await context.close();
    }
}

try {
    const de = await served('de');
    ok(de.hash && crypto.createHash('sha256').update(de.text).digest('hex') === de.hash,
       'banner.js carries the hash of its German notice');
    let r = await click('de-DE', ['#cg-accept'], 'accept');
    ok(r, 'accept: a receipt for the cookie');
    is(r && r.method, 'accept_all', 'accept: method accept_all');
    is(r && r.lang, 'de', 'accept: in German');
    is(r && r.notice, de.hash, 'accept: citing the notice shown');
    ok(r && fs.readFileSync(`${LOGS}/notices/${r.notice}.json`, 'utf8') === de.text,
       'accept: the archived notice is exactly the text served');
    r = await click('de-DE', ['#cg-reject'], 'reject');
    is(r && r.method, 'reject_all', 'reject: method reject_all');
    is(r && r.notice, de.hash, 'reject: citing the notice shown');
    r = await click('en-US', ['#cg-settings', '#cg-cat-tracking', '#cg-save'], 'custom');
    is(r && r.method, 'custom', 'save: method custom');
    is(r && r.lang, 'en', 'save: in English');
    is(r && r.notice, (await served('en')).hash, 'save: citing the English notice');
    await withdrawOnReceiptPage();
} catch (e) {
    ok(false, 'ran to the end', e.stack || String(e));
}
await finish(browser);

// The receipt page's button withdraws, and the browser comes back to the
// page, which now shows the withdrawal's receipt.
async function withdrawOnReceiptPage() {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const ownId = async () => {
        const c = (await context.cookies()).find((k) => k.name === 'mautic_consent');
        const m = c && c.value.match(/^cg1\.([^.]*)\.\d+\.\d+\.([0-9a-f]{32})$/);
        return m ? { categories: m[1], id: m[2] } : undefined;
    };
    try {
        await page.goto(BANNER + '/cgi/landing');
        await page.waitForSelector('#cg-banner', { state: 'visible', timeout: 5000 });
        const answer = page.waitForResponse((r) => r.url().endsWith('/consentgate/consent'));
        await page.click('#cg-accept');
        await answer;
        const granted = await ownId();
        await page.goto(BANNER + '/consentgate/receipt');
        ok(granted && (await page.textContent('body')).includes(granted.id),
           'receipt page: shows the grant the cookie names');
        await Promise.all([
            page.waitForNavigation({ timeout: 5000 }),
            page.click('button:has-text("Withdraw consent")'),
        ]);
        is(new URL(page.url()).pathname, '/consentgate/receipt',
           'withdraw on the receipt page: the browser comes back to the page');
        const now = await ownId();
        ok(now && now.categories === '' && now.id !== granted.id,
           'withdraw on the receipt page: the consent cookie is a refusal naming a new receipt', now);
        const r = now && receipt(now.id);
        is(r && [r.action, r.method], ['revoke', 'withdraw'], 'withdraw on the receipt page: a revoke receipt');
        const body = await page.textContent('body');
        ok(now && body.includes(now.id) && body.includes('revoke'),
           'withdraw on the receipt page: the page now shows the withdrawal\'s receipt');
    } finally {
        await context.close();
    }
}
