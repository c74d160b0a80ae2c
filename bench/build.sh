#!/usr/bin/env bash
# Builds the tldr corpus (7,601 pages, English and Chinese) with kb and with Hugo in one run, and
# prints the wall times, the kb/Hugo ratio, and kb's no-op and one-changed-file rebuild times.
#   bench/build.sh [RUNS]    (default 3 runs each; the median is reported)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
corpus=${KB_TLDR_CORPUS:-../shared/corpora/tldr}
[ -d "$corpus/pages" ] || { echo "no tldr corpus at $corpus" >&2; exit 2; }
source scripts/setup.sh build
need=()
for tool in hugo:hugo bc:bc /usr/bin/time:time; do command -v "${tool%%:*}" >/dev/null || need+=("${tool##*:}"); done
[ ${#need[@]} -eq 0 ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; }
swift build -c release --product kb --static-swift-stdlib >/dev/null
kb=$PWD/.build/release/kb

work=$(mktemp -d /tmp/kb-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -r "$corpus" "$work/tldr"
printf 'title: tldr pages\nlang_dirs:\n  pages.zh: {lang: zh, of: pages}\n' > "$work/tldr/kb.yml"

# Hugo: the same pages, both languages, one minimal layout (page, list, home), .html URLs.
# tldr writes `{{<…>}}` and `{{%…}}` in a few examples, which Hugo takes for shortcodes and
# refuses: its copy has those two openers escaped (the only difference in its input).
cp -r "$corpus" "$work/hugo-content"
grep -rlE '\{\{[<%]' "$work/hugo-content" | xargs -r sed -i -e 's/{{</{{\&lt;/g' -e 's/{{%/{{\&#37;/g'
mkdir -p "$work/hugo/layouts/_default"
cat > "$work/hugo/config.toml" <<TOML
baseURL = "/"
uglyURLs = true
relativeURLs = true
defaultContentLanguage = "en"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]
[languages.en]
contentDir = "$work/hugo-content/pages"
[languages.zh]
contentDir = "$work/hugo-content/pages.zh"
TOML
cat > "$work/hugo/layouts/_default/baseof.html" <<'HTML'
<!doctype html><html lang="{{ .Language.Lang }}"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><header><a href="{{ "index.html" | relLangURL }}">{{ .Site.Title }}</a></header><main>{{ block "main" . }}{{ end }}</main></body></html>
HTML
cat > "$work/hugo/layouts/_default/single.html" <<'HTML'
{{ define "main" }}<article><h1>{{ .Title }}</h1>{{ .Content }}</article>{{ end }}
HTML
cat > "$work/hugo/layouts/_default/list.html" <<'HTML'
{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
HTML

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
# Wall time, and the CPU it took in user space and in the kernel (creating ~8,000 files is kernel
# time, and on this VM's ext4 it varies from run to run with how many inodes were freed lately).
cpu="$work/cpu"
timecpu() { local w; w=$(timeit /usr/bin/time -o "$cpu" -f '%U %S' "$@"); echo "$w $(cat "$cpu")"; }

kb_full=(); hugo_full=(); kb_noop=(); kb_one=(); kb_user=(); kb_sys=(); hugo_user=(); hugo_sys=()
for i in $(seq "$runs"); do
  rm -rf "$work/site" "$work/tldr/.build-kb" "$work/hugo/public" "$work/hugo/resources"
  read -r w u k <<< "$(timecpu "$kb" build --content "$work/tldr" --output "$work/site")"
  kb_full+=("$w"); kb_user+=("$u"); kb_sys+=("$k")
  read -r w u k <<< "$(timecpu hugo --source "$work/hugo" --destination "$work/hugo/public" --quiet)"
  hugo_full+=("$w"); hugo_user+=("$u"); hugo_sys+=("$k")
  kb_noop+=("$(timeit "$kb" build --content "$work/tldr" --output "$work/site")")
  echo "- Changed in run $i." >> "$work/tldr/pages/common/tar.md"
  kb_one+=("$(timeit "$kb" build --content "$work/tldr" --output "$work/site")")
done

kb_pages=$(find "$work/site" -name '*.html' | wc -l)
hugo_pages=$(find "$work/hugo/public" -name '*.html' | wc -l)
kf=$(printf '%s\n' "${kb_full[@]}" | median); hf=$(printf '%s\n' "${hugo_full[@]}" | median)
kn=$(printf '%s\n' "${kb_noop[@]}" | median); ko=$(printf '%s\n' "${kb_one[@]}" | median)
rss=$( { /usr/bin/time -f '%M' "$kb" build --content "$work/tldr" --output "$work/site2" >/dev/null; } 2>&1 | tail -1 )
printf 'machine: %s cores, %s; %s\n' "$(nproc)" "$(uname -m)" "$(date -u +%Y-%m-%d)"
printf 'kb %s, %s\n' "$("$kb" --version)" "$(hugo version | cut -d' ' -f1-2)"
printf '%-34s %8.2f s  (%s pages)\n' "kb full build (median of $runs)" "$kf" "$kb_pages"
printf '%-34s %8.2f s  (%s pages)\n' "hugo full build (median of $runs)" "$hf" "$hugo_pages"
printf '%-34s %8.2f\n' "ratio kb/hugo" "$(echo "$kf / $hf" | bc -l)"
for t in kb hugo; do
  u="${t}_user[@]"; k="${t}_sys[@]"
  printf '%-34s %8.2f s user, %.2f s kernel\n' "$t full build CPU (median)" "$(printf '%s\n' "${!u}" | median)" "$(printf '%s\n' "${!k}" | median)"
done
printf '%-34s %8.3f s\n' "kb no-op rebuild" "$kn"
printf '%-34s %8.3f s\n' "kb one-changed-file rebuild" "$ko"
printf '%-34s %8d KiB\n' "kb full build peak RSS" "$rss"

# Hugo's own documentation (992 pages, `bring your own docs`): kb builds content/en unchanged
# (compat mode detected from hugo.toml); Hugo builds the same pages with the minimal layout above.
# The docs' shortcodes live in their theme, which is not part of the corpus, so Hugo's copy has the
# shortcode openers escaped as for tldr; kb renders them itself.
docs=${KB_HUGO_DOCS_CORPUS:-../shared/corpora/hugo-docs}
if [ -d "$docs/content/en" ]; then
  cp -r "$docs" "$work/hugo-docs"
  mkdir -p "$work/hd/layouts"
  cp -r "$work/hugo/layouts/_default" "$work/hd/layouts/"
  cp -r "$docs/content/en" "$work/hd/content"
  grep -rlE '\{\{[<%]' "$work/hd/content" | xargs -r sed -i -e 's/{{</{{\&lt;/g' -e 's/{{%/{{\&#37;/g'
  cat > "$work/hd/config.toml" <<TOML
baseURL = "/"
uglyURLs = true
relativeURLs = true
refLinksErrorLevel = "WARNING"
disableKinds = ["taxonomy", "term", "sitemap", "robotsTXT"]
TOML
  sed -i 's/{{ .Language.Lang }}/en/; s/{{ "index.html" | relLangURL }}/index.html/' "$work/hd/layouts/_default/baseof.html"
  d_kb=(); d_hugo=()
  for i in $(seq "$runs"); do
    rm -rf "$work/hd-site" "$work/hugo-docs/content/en/.build-kb" "$work/hd/public" "$work/hd/resources"
    d_kb+=("$(timeit "$kb" build --content "$work/hugo-docs/content/en" --output "$work/hd-site")")
    d_hugo+=("$(timeit hugo --source "$work/hd" --destination "$work/hd/public" --quiet)")
  done
  summary=$("$kb" build --force --content "$work/hugo-docs/content/en" --output "$work/hd-site" 2>/dev/null | tail -2 | tr '\n' ' ')
  dk=$(printf '%s\n' "${d_kb[@]}" | median); dh=$(printf '%s\n' "${d_hugo[@]}" | median)
  printf '%-34s %8.2f s  (%s pages)\n' "hugo-docs: kb full build" "$dk" "$(find "$work/hd-site" -name '*.html' | wc -l)"
  printf '%-34s %8.2f s  (%s pages)\n' "hugo-docs: hugo full build" "$dh" "$(find "$work/hd/public" -name '*.html' | wc -l)"
  printf '%-34s %8.2f\n' "hugo-docs: ratio kb/hugo" "$(echo "$dk / $dh" | bc -l)"
  printf 'hugo-docs: kb summary: %s\n' "$summary"
fi
