// How long the page takes to answer a click while the app starts: cold loads in headless
// chromium (SwiftShader WebGL2, 1280x800), each with one quick click on the garbage collector
// where the first paint draws it, sent at a fixed time after the navigation (450, 550, 650 and
// 750 ms: a person's click a little after the figure shows), and the time from sending it to
// the page's summary on screen (or, where the app took over first, to the app's panel, marked
// "app:"). Sites are compared load by load, in turn. Serve dist/ first (web/serve.py).
//
//   node web/latency.mjs http://127.0.0.1:PORT/[,http://127.0.0.1:PORT2/] [ROUNDS]
import { chromium } from "playwright-core";

const [spec, rounds = "4"] = process.argv.slice(2);
const sites = spec.split(",");
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--enable-unsafe-swiftshader", "--use-angle=swiftshader", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
// Where the first paint draws the garbage collector (the same on every load), read without the
// module so the app does not take its place.
const at = await (async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.route("**/*.wasm", (route) => route.abort());
  await page.goto(sites[0]);
  const box = await page.locator("#first-paint #component-b-gc rect").boundingBox({ timeout: 60000 });
  await context.close();
  return [box.x + box.width / 2, box.y + box.height / 2];
})();
const out = {};
for (let i = 0; i < Number(rounds); i++) {
  for (const offset of [450, 550, 650, 750]) {
    for (const site of sites) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.addInitScript(() => {
        new MutationObserver((_, observer) => {
          const a = document.getElementById("first-answer");
          if (a && !a.hidden && a.querySelector("h2")) {
            window.__answered = performance.now();
            observer.disconnect();
          }
        }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["hidden"] });
      });
      const t0 = Date.now();
      await page.goto(site, { waitUntil: "commit" });
      await page.waitForSelector("#first-paint #component-b-gc rect", { timeout: 60000 });
      const wait = offset - (Date.now() - t0);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const sent = Date.now() - t0;
      await page.mouse.click(at[0], at[1]);
      // The page's clock starts with the navigation, a few milliseconds after t0: each delay is
      // short by those milliseconds, the same for every site.
      const answered = await page.waitForFunction(() => {
        if (window.__answered) return window.__answered;
        const s = JSON.parse(document.body.dataset.state || "{}");
        return document.body.dataset.ready === "true" && s.selected === "b-gc" ? -performance.now() : 0;
      }, null, { timeout: 60000, polling: 5 }).then((h) => h.jsonValue());
      const key = `${site} at ${offset} ms`;
      (out[key] ||= []).push(answered > 0 ? Math.round(answered - sent) : `app:${Math.round(-answered - sent)}`);
      await context.close();
    }
  }
}
for (const [key, delays] of Object.entries(out)) console.log(key, JSON.stringify(delays));
await browser.close();
