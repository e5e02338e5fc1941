// What the browser benchmarks share (web/bench.mjs, web/latency.mjs): Debian's chromium,
// headless, drawing WebGL2 with SwiftShader and starting none of its background services; and
// where the page's first paint draws a part.
import { chromium } from "playwright-core";
import { readdirSync, readFileSync } from "node:fs";

/// The browser, as the benchmarks run it (never a downloaded one).
export const launch = () => chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--enable-unsafe-swiftshader", "--use-angle=swiftshader", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

/// CPU time (clock ticks) used so far by every chromium process on this machine.
function browserTicks() {
  let ticks = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      if (!/chrom/i.test(name)) continue;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {} // a process that ended meanwhile
  }
  return ticks;
}

/// Waits until the browser has finished opening a window: every new context opens one, and
/// the browser then loads its own pages for it (the address bar's popup, about a second of one
/// core here), which a learner's browser did long before they followed a link. Settled: the
/// browser's processes used under a tenth of a core over 200 ms (at most 10 s). With SETTLE=0
/// it returns at once: the link is followed while the browser still loads its own pages.
export async function settled() {
  if (process.env.SETTLE === "0") return;
  for (let tries = 0; tries < 50; tries++) {
    const before = browserTicks();
    await new Promise((r) => setTimeout(r, 200));
    // Clock ticks are hundredths of a second: 2 ticks in 200 ms is a tenth of a core.
    if (browserTicks() - before <= 2) return;
  }
}

/// The centre of component `id` where the first paint draws it in a 1280x800 window (the figure
/// is laid out the same on every load), read once from a page loaded without the module, so the
/// app does not take the figure's place while it is measured.
export async function firstPaintCentre(browser, base, id) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.route("**/*.wasm", (route) => route.abort());
  await page.goto(base);
  const box = await page.locator(`#first-paint #component-${id} rect`).boundingBox({ timeout: 60000 });
  await context.close();
  return [box.x + box.width / 2, box.y + box.height / 2];
}

/// Notes in the page's clock (milliseconds since the navigation started) when the browser took
/// the first press (`window.__pressedAt`, the event's own time stamp: when the input came, not
/// when the page got to it), when the page's own summary, the first answer, is put into the
/// page (`window.__firstAnswer`) and when the frame that draws it starts (`window.__answerShown`:
/// the page draws nothing while a task holds the main thread), and when the app says it is
/// ready (`window.__readyAt`), as they happen rather than when a poll sees them.
export const noteMoments = (page) => page.addInitScript(() => {
  addEventListener("pointerdown", (e) => { window.__pressedAt ??= e.timeStamp; }, true);
  new MutationObserver((_, observer) => {
    const a = document.getElementById("first-answer");
    if (a && !a.hidden && a.querySelector("h2")) {
      window.__firstAnswer = performance.now();
      requestAnimationFrame(() => { window.__answerShown = performance.now(); });
      observer.disconnect();
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["hidden"] });
  new MutationObserver((_, observer) => {
    if (document.body && document.body.dataset.ready === "true") {
      window.__readyAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-ready"] });
});
