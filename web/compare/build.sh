#!/usr/bin/env bash
# Builds the React comparison site into web/compare/dist from the built page in DIST (default
# dist/): the page's data (extract.mjs), the bundle (esbuild, minified, React's production
# build, the data inside it), a shell page with the page's own styles, and the .br/.gz copies.
set -euo pipefail
site=$(realpath "${1:-$(dirname "$0")/../../dist}")
cd "$(dirname "$0")"
[ -d node_modules/react ] || npm install --no-audit --no-fund --silent
rm -rf dist && mkdir -p dist
node extract.mjs "$site" dist/data.json
node_modules/.bin/esbuild app.jsx --bundle --minify --format=iife --jsx=automatic \
  --define:process.env.NODE_ENV='"production"' --log-level=warning --outfile=dist/app.js
python3 - "$site/index.html" <<'PY'
import json, sys
d = json.load(open("dist/data.json"))
style = d["style"]
page = f"""<!doctype html>
<html lang="{d['lang']}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{d['title']}</title>
<link rel="icon" href="data:,">
<style>{style}</style>
<script defer src="app.js"></script>
</head>
<body><div id="root"></div></body>
</html>
"""
open("dist/index.html", "w").write(page)
PY
rm dist/data.json  # inside the bundle
node ../compress.mjs dist
