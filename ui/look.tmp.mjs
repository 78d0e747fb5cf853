import { chromium } from 'playwright-core';
const [,, url, out, ...clicks] = process.argv;
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless','--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync'] });
const p = await b.newPage({ viewport: { width: 1400, height: 900 } });
p.on('console', m => console.log('console:', m.type(), m.text()));
p.on('pageerror', e => console.log('pageerror:', e.message));
await p.goto(url);
await p.waitForTimeout(1500);
for (const c of clicks) { await p.click(c); await p.waitForTimeout(700); }
await p.screenshot({ path: out });
await b.close();
