// Start-up timeline of the web app: cold loads in headless chromium (SwiftShader WebGL2,
// 1280x800), each printing when the page saw `data-ready` (the frame the app takes the page's
// place), the app's animation frames (start and length) and the long tasks, in
// the page's own clock (milliseconds since navigation). The browser as the benchmarks run it
// (web/harness.mjs). Serve dist/ first (web/serve.py).
//
//   node web/timeline.mjs http://127.0.0.1:PORT/ [LOADS]
import { launch, settled } from "./harness.mjs";

const [base, loads = "3"] = process.argv.slice(2);
const browser = await launch();
for (let run = 0; run < Number(loads); run++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  // Once the browser's new window is open (see `settled`).
  await settled();
  await page.addInitScript(() => {
    window.__tasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__tasks.push([Math.round(e.startTime), Math.round(e.duration)]);
    }).observe({ type: "longtask", buffered: true });
    // Each animation frame's callback (the app's update and render run in one), timed.
    window.__frames = [];
    const raf = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (cb) => raf((t) => {
      const start = performance.now();
      cb(t);
      window.__frames.push([Math.round(start), Math.round(performance.now() - start)]);
    });
    // When the page sees the app say it is ready: right after that frame.
    new MutationObserver((_, observer) => {
      if (document.body && document.body.dataset.ready === "true") {
        observer.disconnect();
        window.__ready = Math.round(performance.now());
      }
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-ready"] });
  });
  await page.goto(base, { waitUntil: "commit" });
  await page.waitForFunction(() => window.__ready, null, { timeout: 60000 });
  await page.waitForTimeout(1000);
  const r = await page.evaluate(() => ({ ready: window.__ready, frames: window.__frames, tasks: window.__tasks }));
  // The app's frames (callbacks that do next to nothing are someone else's).
  const frames = r.frames.filter(([, length]) => length >= 2);
  const before = frames.filter(([start]) => start < r.ready).length;
  console.log(JSON.stringify({ load: run + 1, ready_ms: r.ready, frames_until_ready: before, frames: frames.slice(0, 12), long_tasks: r.tasks }));
  await context.close();
}
await browser.close();
