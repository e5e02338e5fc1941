// Web benchmark: cold loads in headless chromium; bytes transferred and time to ready.
import { chromium } from "playwright-core";

const [base, runs = "5"] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--enable-unsafe-swiftshader", "--use-angle=swiftshader", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const times = [];
let bytes = 0;
for (let i = 0; i < Number(runs); i++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } }); // cold cache
  const page = await context.newPage();
  let transferred = 0;
  // Sizes as the network saw them (a body the page streamed cannot be read back afterwards).
  page.on("requestfinished", async (r) => { try { const s = await r.sizes(); transferred += s.responseBodySize + s.responseHeadersSize; } catch {} });
  const t0 = Date.now();
  await page.goto(base);
  await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: 180000 });
  times.push(Date.now() - t0);
  await page.waitForTimeout(500);
  bytes = transferred;
  await context.close();
}
await browser.close();
times.sort((a, b) => a - b);
console.log(JSON.stringify({ times, median: times[Math.floor(times.length / 2)], bytes }));
