#!/usr/bin/env bash
# kb at scale: a deterministic synthetic KB of N typed articles (bench/synth.py: every kind, one
# Chinese translation in ten, typed links, error texts, code blocks), built by kb and by Hugo in one
# run, with kb's one-changed-file rebuild, `kb check` and `kb search`, for each N given.
#   bench/synth.sh [N ...]    (default: 10000 30000 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 30000 100000)
source scripts/setup.sh build
set +e
need=()
for tool in hugo:hugo bc:bc /usr/bin/time:time; do command -v "${tool%%:*}" >/dev/null || need+=("${tool##*:}"); done
[ ${#need[@]} -eq 0 ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; }
kb=${KB_BINARY:-}
if [ -z "$kb" ]; then
  swift build -c release --product kb --static-swift-stdlib >/dev/null || exit 1
  kb=$PWD/.build/release/kb
fi

work=$(mktemp -d /tmp/kb-synth.XXXXXX)
trap 'rm -rf "$work"' EXIT
# Hugo: the same Markdown (kb's typed keys are front matter Hugo keeps; tags make term pages in
# both), both languages, one minimal layout, .html URLs: what bench/build.sh gives it for tldr.
mkdir -p "$work/hugo/layouts/_default"
printf '%s\n' '<!doctype html><html lang="{{ .Language.Lang }}"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>' \
  '<body><main>{{ block "main" . }}{{ end }}</main></body></html>' > "$work/hugo/layouts/_default/baseof.html"
echo '{{ define "main" }}<article><h1>{{ .Title }}</h1>{{ .Content }}</article>{{ end }}' > "$work/hugo/layouts/_default/single.html"
echo '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}' > "$work/hugo/layouts/_default/list.html"

timeit() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
peak() { /usr/bin/time -o "$work/rss" -f '%M' "$@" >/dev/null 2>&1; tail -1 "$work/rss"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf 'machine: %s cores, %s; %s; kb %s, %s\n' "$(nproc)" "$(uname -m)" "$(date -u +%Y-%m-%d)" "$("$kb" --version)" "$(hugo version | cut -d' ' -f1-2)"
printf '%8s %7s %9s %9s %6s %9s %6s %6s %8s %8s %8s\n' N files "kb build" "peak RSS" pages "hugo" pages ratio "1 file" check search
for n in "${sizes[@]}"; do
  kbdir="$work/kb-$n"
  python3 bench/synth.py "$n" "$kbdir"
  files=$(find "$kbdir/Content" -name '*.md' | wc -l)
  # kb: a full build with its peak memory (wall time from the same run).
  s=$(date +%s.%N)
  rss=$(peak "$kb" build --content "$kbdir/Content" --output "$work/site-$n")
  full=$(echo "$(date +%s.%N) - $s" | bc -l)
  pages=$(find "$work/site-$n" -name '*.html' | wc -l)
  # Hugo on the same files.
  rm -rf "$work/hugo/public" "$work/hugo/resources"
  cat > "$work/hugo/config.toml" <<TOML
baseURL = "/"
uglyURLs = true
relativeURLs = true
defaultContentLanguage = "en"
contentDir = "$kbdir/Content"
disableKinds = ["RSS", "sitemap", "robotsTXT"]
[languages.en]
weight = 1
[languages.zh]
weight = 2
TOML
  hugo_t=$(timeit hugo --source "$work/hugo" --destination "$work/hugo/public" --quiet)
  # One changed file, then kb check and kb search (median of 5 queries).
  echo "- Changed." >> "$kbdir/Content/s0000/a000001-symptom.md"
  one=$(timeit "$kb" build --content "$kbdir/Content" --output "$work/site-$n")
  check=$(timeit "$kb" check --content "$kbdir/Content")
  "$kb" search --content "$kbdir/Content" warmup >/dev/null 2>&1
  q=()
  for word in failed "code 1042" section changed "kamidazu faxoruka"; do
    s=$(date +%s%N); "$kb" search --content "$kbdir/Content" "$word" >/dev/null 2>&1; q+=($(( ($(date +%s%N) - s) / 1000000 )))
  done
  hugo_pages=$(find "$work/hugo/public" -name '*.html' | wc -l)
  printf '%8d %7d %8.1fs %7dMB %6d %8.1fs %6d %6.2f %7.2fs %7.2fs %6dms\n' "$n" "$files" "$full" $((rss / 1024)) "$pages" "$hugo_t" "$hugo_pages" \
    "$(echo "$full / $hugo_t" | bc -l)" "$one" "$check" "$(printf '%s\n' "${q[@]}" | median)"
  rm -rf "$work/site-$n" "$work/hugo/public" "$kbdir"
done
