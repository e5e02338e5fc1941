// Web benchmark: cold loads in headless chromium (SwiftShader WebGL2), 1280x800. For each load:
// navigation → diagram visible (the first contentful paint, which is the page's SVG);
// navigation → first answer (a click on a part where the first paint draws it, made as soon as
// it is drawn, and the page shows that part's summary); navigation → app ready; navigation →
// interactive (a quick click on another part in the app selects it and the panel shows); bytes
// transferred, and requests. Prints the medians and every run as JSON.
import { firstPaintCentre, launch, noteMoments, settled } from "./harness.mjs";

// `compare`: the React version of the page's first screen (web/compare), which is interactive
// once it answers: there is no app to wait for.
const [base, runs = "5", encoding = "br", kind = "app"] = process.argv.slice(2);
const app = kind !== "compare";
const browser = await launch();
// Where the page draws the garbage collector at this size, read once from a loaded page (the
// figure is laid out the same on every load): the cold loads click there as soon as it is
// drawn, as a person does, whether or not the page is free to answer yet.
const gcAt = await firstPaintCentre(browser, base, "b-gc");
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
  // The link is followed once the browser's new window is open (see `settled`).
  await settled();
  let bytes = 0;
  let requests = 0;
  // Sizes as the network saw them (compressed bodies count as sent).
  page.on("requestfinished", async (r) => {
    requests += 1;
    try { const s = await r.sizes(); bytes += s.responseBodySize + s.responseHeadersSize; } catch {}
  });
  // When the first answer shows and when the app is ready, in the page's clock.
  await noteMoments(page);
  const t0 = Date.now();
  await page.goto(base, { waitUntil: "commit" });
  // The first answer: a click where the first paint draws the garbage collector, as soon as
  // it is drawn (the page arrives in pieces: the figure's first parts may come before it).
  await page.waitForSelector("#first-paint #component-b-gc rect", { timeout: 60000 });
  await page.mouse.click(gcAt[0], gcAt[1]);
  // Answered by the page, or by the app where it took over just as the click came (then the
  // app's panel showing the part is the answer, seen by polling its state).
  const answer = await page.waitForFunction(() => {
    if (window.__firstAnswer) return { at: window.__firstAnswer, by: "page" };
    const s = JSON.parse(document.body.dataset.state || "{}");
    return s.selected === "b-gc" && s.ui && s.ui.right > 0 ? { at: performance.now(), by: "app" } : null;
  }, null, { timeout: 60000, polling: 10 }).then((h) => h.jsonValue());
  const firstAnswer = Math.round(answer.at);
  // When the browser took the click (late where the wait for the part, polled on animation
  // frames, saw it late: the page draws no frame while the app's start holds the main thread),
  // and when the page's answer was drawn.
  const { pressedAt, answerShown } = await page.waitForFunction(() => window.__answerShown || document.body.dataset.ready === "true", null, { timeout: 10000, polling: 10 })
    .then(() => page.evaluate(() => ({ pressedAt: window.__pressedAt, answerShown: window.__answerShown })), () => ({}));
  // Visible: the browser's own first contentful paint, which is the diagram (the page's SVG
  // comes with the HTML, before any script). Timed by the browser from the navigation's start,
  // and read once the first answer is in (the app's start-up holds the main thread meanwhile,
  // and the page's figure is gone once the app takes over).
  const visible = await page.evaluate(() => new Promise((resolve) => {
    const seen = () => performance.getEntriesByName("first-contentful-paint")[0];
    const poll = () => (seen() ? resolve(Math.round(seen().startTime)) : setTimeout(poll, 10));
    poll();
  }));
  // Interactive: the app is ready, and a quick click on another part selects it.
  let readyAt = null, interactive = firstAnswer;
  if (app) {
    await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: 180000 });
    readyAt = await page.evaluate(() => window.__readyAt ?? performance.now());
    await page.waitForFunction(() => JSON.parse(document.body.dataset.state || "{}").selected === "b-gc", null, { timeout: 60000 });
    // Where a-raft is drawn once the view holds still (the app opens with the part chosen on
    // the page selected and its panel open, and the view may still be settling beside it).
    let rect = null;
    for (let k = 0; k < 30; k++) {
      const now = await page.evaluate(() => JSON.stringify(JSON.parse(document.body.dataset.state).components["a-raft"]));
      if (now === rect) break;
      rect = now;
      await page.waitForTimeout(100);
    }
    rect = JSON.parse(rect);
    await page.mouse.click(rect[0] + rect[2] / 2, rect[1] + rect[3] / 2);
    await page.waitForFunction(() => {
      const s = JSON.parse(document.body.dataset.state || "{}");
      return s.selected === "a-raft" && s.ui && s.ui.right > 0;
    }, null, { timeout: 60000 });
    interactive = Date.now() - t0;
  }
  await page.waitForTimeout(300);
  // What the app needs to show the diagram: the page and every file asked for before the app
  // said ready (the module, the diagram, its tours, the write-ups' metadata). Then what comes
  // after it is shown: the write-ups' text, which it requests once the diagram is shown, and
  // the rest (the lab's scenarios, the picker's other diagrams). The
  // browser's resource timing: bytes as transferred, headers included. Without an app (the
  // React page) everything it loads counts as needed.
  const first = await page.evaluate((t) => {
    const nav = performance.getEntriesByType("navigation")[0];
    const all = performance.getEntriesByType("resource");
    const text = all.filter((r) => r.name.endsWith(".md"));
    const rest = all.filter((r) => !r.name.endsWith(".md"));
    const needed = rest.filter((r) => t === null || r.startTime < t);
    const later = rest.filter((r) => t !== null && r.startTime >= t);
    return {
      bytes: nav.transferSize + needed.reduce((n, r) => n + r.transferSize, 0), requests: 1 + needed.length,
      later_bytes: later.reduce((n, r) => n + r.transferSize, 0), later_requests: later.length,
      text_bytes: text.reduce((n, r) => n + r.transferSize, 0), text_requests: text.length,
      text_first_start: Math.round(Math.min(...text.map((r) => r.startTime))),
      needed_last_end: Math.round(Math.max(...needed.map((r) => r.responseEnd))),
    };
  }, readyAt);
  if (i >= 0) results.push({ visible, first_answer: firstAnswer, answered_by: answer.by, pressed_at: pressedAt === undefined ? null : Math.round(pressedAt), answer_shown: answerShown === undefined ? null : Math.round(answerShown), interactive, bytes, requests, first_bytes: first.bytes, first_requests: first.requests, later_bytes: first.later_bytes, later_requests: first.later_requests, text_bytes: first.text_bytes, text_requests: first.text_requests, text_first_start: first.text_first_start, needed_last_end: first.needed_last_end, ready: readyAt === null ? null : Math.round(readyAt) });
  await context.close();
}
await browser.close();
const median = (k) => results.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(results.length / 2)];
console.log(JSON.stringify({
  encoding,
  visible: median("visible"),
  first_answer: median("first_answer"),
  answer_shown: median("answer_shown"),
  ready: median("ready"),
  interactive: median("interactive"),
  bytes: median("bytes"),
  requests: median("requests"),
  first_bytes: median("first_bytes"),
  first_requests: median("first_requests"),
  later_bytes: median("later_bytes"),
  later_requests: median("later_requests"),
  text_bytes: median("text_bytes"),
  text_requests: median("text_requests"),
  runs: results,
}));
