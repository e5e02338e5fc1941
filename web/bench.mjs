// Web benchmark: cold loads in headless chromium (SwiftShader WebGL2), 1280x800. For each load:
// navigation → diagram visible (the page's SVG painted), navigation → interactive (a quick click
// on a part selects it and the panel shows), bytes transferred, and requests. Prints the medians
// and every run as JSON.
import { chromium } from "playwright-core";

const [base, runs = "5", encoding = "br"] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--enable-unsafe-swiftshader", "--use-angle=swiftshader", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const results = [];
for (let i = 0; i < Number(runs); i++) {
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
  // Visible: the first paint of the diagram (the page's own SVG) has been drawn.
  await page.waitForSelector("#first-paint g.component", { timeout: 60000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const visible = Date.now() - t0;
  // Interactive: the app is ready, and a quick click on a part selects it.
  await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: 180000 });
  const rect = await page.evaluate(() => JSON.parse(document.body.dataset.state).components["a-raft"]);
  await page.mouse.click(rect[0] + rect[2] / 2, rect[1] + rect[3] / 2);
  await page.waitForFunction(() => {
    const s = JSON.parse(document.body.dataset.state || "{}");
    return s.selected === "a-raft" && s.ui && s.ui.right > 0;
  }, null, { timeout: 60000 });
  const interactive = Date.now() - t0;
  await page.waitForTimeout(300);
  results.push({ visible, interactive, bytes, requests });
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
  runs: results,
}));
