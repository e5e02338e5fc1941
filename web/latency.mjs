// How long the page takes to answer a click while the app starts: cold loads in headless
// chromium (SwiftShader WebGL2, 1280x800), each with one quick click on the garbage collector
// where the first paint draws it, sent at a fixed time after the navigation (450, 550, 650 and
// 750 ms: a person's click a little after the figure shows; OFFSETS=ms,ms,... for others), and
// the time from sending it to the page's summary in the page, then to the frame that draws it,
// "answered/drawn" (or, where the app took over first, to the app's panel, marked "app:").
// Sites are compared load by load, in turn. Serve dist/ first (web/serve.py).
//
//   node web/latency.mjs http://127.0.0.1:PORT/[,http://127.0.0.1:PORT2/] [ROUNDS]
import { firstPaintCentre, launch, noteMoments, settled } from "./harness.mjs";

const [spec, rounds = "4"] = process.argv.slice(2);
const sites = spec.split(",");
const browser = await launch();
const at = await firstPaintCentre(browser, sites[0], "b-gc");
const out = {};
for (let i = 0; i < Number(rounds); i++) {
  for (const offset of (process.env.OFFSETS || "450,550,650,750").split(",").map(Number)) {
    for (const site of sites) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      // The link is followed once the browser's new window is open (see `settled`).
      await settled();
      await noteMoments(page);
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
        if (window.__firstAnswer) return window.__firstAnswer;
        const s = JSON.parse(document.body.dataset.state || "{}");
        return document.body.dataset.ready === "true" && s.selected === "b-gc" ? -performance.now() : 0;
      }, null, { timeout: 60000, polling: 5 }).then((h) => h.jsonValue());
      const key = `${site} at ${offset} ms`;
      // And to the frame that draws the page's answer (the page draws nothing while a task
      // holds the main thread): "answered/drawn".
      const shown = answered > 0 ? await page.waitForFunction(() => window.__answerShown, null, { timeout: 10000, polling: 5 })
        .then((h) => h.jsonValue(), () => null) : null;
      (out[key] ||= []).push(answered > 0 ? `${Math.round(answered - sent)}/${shown === null ? "?" : Math.round(shown - sent)}` : `app:${Math.round(-answered - sent)}`);
      await context.close();
    }
  }
}
for (const [key, delays] of Object.entries(out)) console.log(key, JSON.stringify(delays));
await browser.close();
