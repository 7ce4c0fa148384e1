// What every browser test shares: TAP on stdout (its *.t passes it
// through to prove) and Debian's chromium, launched by playwright-core
// (nothing downloads a browser).
import { chromium } from 'playwright-core';

let count = 0;
let failed = 0;

export function ok(cond, name, diag) {
    count += 1;
    console.log(`${cond ? 'ok' : 'not ok'} ${count} - ${name}`);
    if (!cond) {
        failed += 1;
        if (diag !== undefined) {
            console.log('# ' + String(typeof diag === 'string' ? diag : JSON.stringify(diag)).replace(/\n/g, '\n# '));
        }
    }
}

export function is(got, want, name) {
    ok(JSON.stringify(got) === JSON.stringify(want), name,
       `got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

// CG_CHROMIUM overrides the binary; QUIC off so every request goes where
// the test server's logs see it.
export function launch() {
    return chromium.launch({
        executablePath: process.env.CG_CHROMIUM || '/usr/bin/chromium',
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
               '--disable-background-networking', '--disable-component-update',
               '--disable-sync', '--disable-dev-shm-usage'],
    });
}

// Closes the browser, prints the plan, exits 1 when a test failed.
export async function finish(browser) {
    await browser.close();
    console.log(`1..${count}`);
    process.exit(failed ? 1 : 0);
}
