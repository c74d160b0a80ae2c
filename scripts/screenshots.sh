#!/usr/bin/env bash
# Screenshots of the built site for review (never committed): home, a symptom page, a runbook
# page and the search page, at phone and desktop widths, in the light and the dark scheme, plus
# the Chinese home page and the knowledge graph. Uses headless Chromium from file://, no server.
#   scripts/screenshots.sh [OUTPUT_DIR]        default: /tmp/kb-screenshots
#   KB_BINARY=path/to/kb scripts/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-/tmp/kb-screenshots}"
kb="${KB_BINARY:-.build/debug/kb}"
[ -x "$kb" ] || { echo "screenshots: no kb binary at $kb (swift build, or set KB_BINARY)" >&2; exit 2; }
browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
[ -n "$browser" ] || { echo "screenshots: Chromium is not installed (scripts/setup.sh test installs it)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
site="$work/Site"
"$kb" build --output "$site" >/dev/null
mkdir -p "$out"

# The pages to show: the home page's first symptom card and the first runbook of the alerts index.
symptom="$(grep -o 'class="card-link" href="[^"]*"' "$site/index.html" | head -1 | sed 's/.*href="//; s/"$//')"
runbook="$(grep -o '<a href="[^"]*"><code>' "$site/alerts/index.html" 2>/dev/null | head -1 | sed 's/<a href="//; s/"><code>//')"
runbook_page="$(grep -o 'url=[^"]*' "$site/alerts/$runbook" 2>/dev/null | head -1 | sed 's/url=//')"
query="$(grep -o '<code class="card-sample">[^<]*' "$site/index.html" | head -1 | sed 's/.*">//' | cut -c1-40 | sed 's/ /%20/g; s/&#39;/%27/g; s/&quot;/%22/g')"

shot() { # name, page (relative to the site, may carry ?query), width, height, extra flags…
  local name="$1" page="$2" width="$3" height="$4"; shift 4
  local profile="$work/profile-$name" url="file://$site/$page" window="$width"
  if [ "$width" -lt 500 ]; then
    # Headless Chromium's window is at least 500 px wide: show phones through a frame of the
    # phone's width (a test-only page, outside the site's CSP).
    printf '<!doctype html><title>%s</title><style>body{margin:0;background:#888}iframe{border:0;width:%spx;height:%spx;display:block}</style><iframe src="%s"></iframe>\n' \
      "$name" "$width" "$height" "$page" > "$site/kb-shot-$name.html"
    url="file://$site/kb-shot-$name.html"; window=500
  fi
  "$browser" --headless=new --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
    --disable-background-networking --user-data-dir="$profile" --window-size="$window,$height" \
    --virtual-time-budget=4000 "$@" --screenshot="$out/$name.png" "$url" >/dev/null 2>&1
  rm -f "$site/kb-shot-$name.html"
  echo "$out/$name.png"
}

for mode in light dark; do
  flags=()
  [ "$mode" = dark ] && flags=(--force-dark-mode --blink-settings=preferredColorScheme=0)
  shot "home-desktop-$mode" index.html 1440 1500 "${flags[@]}"
  shot "home-phone-$mode" index.html 390 1700 "${flags[@]}"
  [ -n "$symptom" ] && shot "symptom-desktop-$mode" "$symptom" 1440 2600 "${flags[@]}"
  [ -n "$symptom" ] && shot "symptom-phone-$mode" "$symptom" 390 3200 "${flags[@]}"
  [ -n "$runbook_page" ] && shot "runbook-desktop-$mode" "alerts/$runbook_page" 1440 2600 "${flags[@]}"
  [ -n "$runbook_page" ] && shot "runbook-phone-$mode" "alerts/$runbook_page" 390 3200 "${flags[@]}"
  shot "search-desktop-$mode" "search.html?q=$query" 1440 1200 "${flags[@]}"
  shot "search-phone-$mode" "search.html?q=$query" 390 1400 "${flags[@]}"
done
shot home-zh-desktop-light zh/index.html 1440 1500
shot graph-desktop-light graph.html 1440 1600
shot errors-desktop-light errors.html 1440 1400
