// Web benchmark: cold loads in headless chromium (SwiftShader WebGL2), 1280x800. For each load:
// navigation → diagram visible (the first contentful paint, which is the page's SVG),
// navigation → interactive (a quick click on a part selects it and the panel shows), bytes
// transferred, and requests. Prints the medians and every run as JSON.
import { chromium } from "playwright-core";

const [base, runs = "5", encoding = "br"] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--enable-unsafe-swiftshader", "--use-angle=swiftshader", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const results = [];
// One load first, not counted: it starts the browser's own processes, which a visitor's
// browser has running already.
for (let i = -1; i < Number(runs); i++) {
  // A cold cache every time; the browser says which encodings it takes.
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    extraHTTPHeaders: { "Accept-Encoding": encoding === "gzip" ? "gzip" : "br, gzip" },
  });
  const page = await context.newPage();
  let bytes = 0;
  let requests = 0;
  // Sizes as the network saw them (compressed bodies count as sent).
  page.on("requestfinished", async (r) => {
    requests += 1;
    try { const s = await r.sizes(); bytes += s.responseBodySize + s.responseHeadersSize; } catch {}
  });
  const t0 = Date.now();
  await page.goto(base, { waitUntil: "commit" });
  // Visible: the browser's own first contentful paint, which is the diagram (the page's SVG
  // comes with the HTML, before any script). Timed by the browser from the navigation's start:
  // waiting for an animation frame here would wait for the app's start-up instead, which
  // holds the main thread while the page is already on screen.
  await page.waitForSelector("#first-paint g.component", { timeout: 60000 });
  const visible = await page.evaluate(() => new Promise((resolve) => {
    const seen = () => performance.getEntriesByName("first-contentful-paint")[0];
    const poll = () => (seen() ? resolve(Math.round(seen().startTime)) : setTimeout(poll, 10));
    poll();
  }));
  // Interactive: the app is ready, and a quick click on a part selects it.
  await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: 180000 });
  const readyAt = await page.evaluate(() => performance.now());
  const rect = await page.evaluate(() => JSON.parse(document.body.dataset.state).components["a-raft"]);
  await page.mouse.click(rect[0] + rect[2] / 2, rect[1] + rect[3] / 2);
  await page.waitForFunction(() => {
    const s = JSON.parse(document.body.dataset.state || "{}");
    return s.selected === "a-raft" && s.ui && s.ui.right > 0;
  }, null, { timeout: 60000 });
  const interactive = Date.now() - t0;
  await page.waitForTimeout(300);
  // What the app needs to show the diagram, and the write-ups' text, which it requests once
  // the diagram's model is in (the browser's resource timing: bytes as transferred, headers
  // included). `text_before_ready`: how many of the texts were in before the app said ready.
  const first = await page.evaluate((t) => {
    const nav = performance.getEntriesByType("navigation")[0];
    const all = performance.getEntriesByType("resource");
    const text = all.filter((r) => r.name.endsWith(".md"));
    const needed = all.filter((r) => !r.name.endsWith(".md"));
    return {
      bytes: nav.transferSize + needed.reduce((n, r) => n + r.transferSize, 0), requests: 1 + needed.length,
      text_bytes: text.reduce((n, r) => n + r.transferSize, 0), text_requests: text.length,
      text_first_start: Math.round(Math.min(...text.map((r) => r.startTime))),
      needed_last_end: Math.round(Math.max(...needed.map((r) => r.responseEnd))),
    };
  }, readyAt);
  if (i >= 0) results.push({ visible, interactive, bytes, requests, first_bytes: first.bytes, first_requests: first.requests, text_bytes: first.text_bytes, text_requests: first.text_requests, text_first_start: first.text_first_start, needed_last_end: first.needed_last_end, ready: Math.round(readyAt) });
  await context.close();
}
await browser.close();
const median = (k) => results.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(results.length / 2)];
console.log(JSON.stringify({
  encoding,
  visible: median("visible"),
  interactive: median("interactive"),
  bytes: median("bytes"),
  requests: median("requests"),
  first_bytes: median("first_bytes"),
  first_requests: median("first_requests"),
  text_bytes: median("text_bytes"),
  text_requests: median("text_requests"),
  runs: results,
}));
