// The status page in Debian's chromium driven by playwright-core: on a
// phone-sized screen and a desktop one, its charts have dated axes and
// legends, its table and chart titles say what the JSON says, nothing
// overflows the page, and axe-core finds no serious or critical
// violation. Prints TAP. Called by t/browser/status.t with:
//   CG_STATUS   base URL of a server with ConsentStatus On
//   CG_SHOTS    where screenshots go
import { ok, is, launch, finish } from './tap.mjs';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const BASE = process.env.CG_STATUS;
const SHOTS = process.env.CG_SHOTS;


const FIELDS = ['views', 'uniques', 'accept_all', 'reject_all', 'custom', 'withdraw',
                'no_choice', 'gpc', 'dnt', 'revision'];

const browser = await launch();

async function look(label, options) {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => {
        if (!r.url().startsWith(BASE)) {
            errors.push(`a request elsewhere: ${r.url()}`);
        }
    });
    const res = await page.goto(BASE + '/consentgate/status');
    is(res.status(), 200, `${label}: the page answers`);
    const doc = await page.evaluate(async () =>
        (await fetch('/consentgate/status?format=json')).json());
    const days = doc.days;

    // the x axis: dates (MM-DD) every fifth day and the last, and its title
    for (const id of ['chart-visits', 'chart-choices']) {
        const ticks = await page.$$eval(`#${id} .xtick`, (t) => t.map((e) => e.textContent));
        const want = days.filter((d, i) => i % 5 === 0 || i === days.length - 1)
            .map((d) => d.date.slice(5));
        is(ticks, want, `${label}: ${id}: the x axis is dated`);
        const title = await page.$eval(`#${id} .atitle`, (e) => e.textContent);
        is(title, `Date (${days[0].date} to ${days[29].date}, UTC)`,
           `${label}: ${id}: the x axis says which days`);
        const visible = await page.$eval(`#${id}`, (svg) => {
            const r = svg.getBoundingClientRect();
            return r.width > 280 && r.right <= window.innerWidth + 1;
        });
        ok(visible, `${label}: ${id}: within the screen`);
    }
    // the y axis reaches the largest count
    const yMax = await page.$$eval('#chart-visits .ytick', (t) =>
        Math.max(...t.map((e) => Number(e.textContent))));
    const vMax = Math.max(...days.map((d) => d.views));
    ok(yMax >= vMax && vMax > 0, `${label}: the y axis reaches the most views (${yMax} >= ${vMax})`);

    // each day's bar says its numbers
    const titles = await page.$$eval('#chart-visits g > title', (t) => t.map((e) => e.textContent));
    is(titles, days.map((d) => `${d.date}: ${d.views} views, ${d.uniques} unique visitors`),
       `${label}: every bar's title has the JSON's numbers`);
    const choiceTitles = await page.$$eval('#chart-choices g > title', (t) => t.map((e) => e.textContent));
    is(choiceTitles, days.map((d) => `${d.date}: ${d.accept_all} accept all, ${d.reject_all} reject all, `
                                   + `${d.custom} custom, ${d.withdraw} withdrawn`),
       `${label}: every choice bar's title too`);

    // legends
    const legends = await page.$$eval('figure', (fs) => fs.map((f) =>
        [...f.querySelectorAll('.legend li')].map((li) => li.textContent)));
    is(legends, [['Views', 'Unique visitors'], ['Accept all', 'Reject all', 'Custom choice', 'Withdrawn']],
       `${label}: each chart has a legend`);

    // the table: every day, the JSON's numbers
    const rows = await page.$$eval('#days tbody tr', (trs) => trs.map((tr) =>
        [tr.querySelector('th').textContent, ...[...tr.querySelectorAll('td')].map((td) => Number(td.textContent))]));
    is(rows, [...days].reverse().map((d) => [d.date, ...FIELDS.map((f) => d[f])]),
       `${label}: the table has every day with the JSON's numbers`);

    // the comparison around the revision change
    ok(doc.revisions.changed !== null, `${label}: the JSON names the day the revision changed`);
    const cmp = await page.$$eval('#revisions tbody tr', (trs) => trs.map((tr) =>
        [tr.querySelector('th').textContent, ...[...tr.querySelectorAll('td')].slice(0, 10).map((td) => Number(td.textContent))]));
    const tot = (t) => [t.revision, t.days, t.views, t.uniques, t.accept_all, t.reject_all,
                        t.custom, t.withdraw, t.gpc, t.dnt];
    is(cmp, [['Before', ...tot(doc.revisions.before)], ['After', ...tot(doc.revisions.after)]],
       `${label}: before and after the revision change, as in the JSON`);

    // readable on the screen: the page itself does not scroll sideways
    const overflow = await page.evaluate(() =>
        document.documentElement.scrollWidth - document.documentElement.clientWidth);
    ok(overflow <= 0, `${label}: nothing overflows the page sideways (${overflow} px)`);
    const small = await page.$$eval('svg[role=img] text', (t) =>
        Math.min(...t.map((e) => e.getBoundingClientRect().height)));
    ok(small >= 10, `${label}: chart text is at least 10 px high (${small.toFixed(1)} px)`);

    // axe-core over the whole page
    await page.addScriptTag({ content: AXE });
    const found = await page.evaluate(async () => {
        const r = await window.axe.run(document);
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
    });
    const bad = found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    ok(bad.length === 0, `${label}: axe-core finds no serious or critical violation`, bad);
    if (found.length) {
        console.log(`# ${label}: axe-core, lesser findings: ${JSON.stringify(found)}`);
    }

    const shot = path.join(SHOTS, `status-${label}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    ok(fs.statSync(shot).size > 1000, `${label}: screenshot ${shot}`);
    ok(errors.length === 0, `${label}: no script error, no request elsewhere`, errors.join('\n'));
    await context.close();
}

try {
    await look('phone', { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2,
                          isMobile: true, hasTouch: true });
    await look('desktop', { viewport: { width: 1280, height: 900 } });
} catch (e) {
    ok(false, 'ran to the end', e.stack || String(e));
}
await finish(browser);
