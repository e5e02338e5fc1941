// Writes a brotli (.br, quality 11, the largest window the format allows: 16 MiB, which finds
// repeats across the whole web module; every browser's decoder takes it) and a gzip (.gz,
// level 9) copy beside every file of a built site, so a static host (or web/serve.py) can send
// what the browser accepts. Uses only Node's own zlib. Prints the totals as JSON.
import { readdirSync, readFileSync, writeFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const [dir] = process.argv.slice(2);
const totals = { files: 0, raw: 0, br: 0, gz: 0 };
const walk = (d) => {
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) { walk(p); continue; }
    if (name.endsWith(".br") || name.endsWith(".gz")) continue;
    const raw = readFileSync(p);
    const br = brotliCompressSync(raw, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_LGWIN]: constants.BROTLI_MAX_WINDOW_BITS,
        [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      },
    });
    const gz = gzipSync(raw, { level: 9 });
    writeFileSync(`${p}.br`, br);
    writeFileSync(`${p}.gz`, gz);
    totals.files += 1; totals.raw += raw.length; totals.br += br.length; totals.gz += gz.length;
  }
};
walk(dir);
console.log(JSON.stringify(totals));
