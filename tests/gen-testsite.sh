#!/bin/sh
# Generates the test site for tests/testsite.cmd: 100 files of assorted types
# (HTML, text, CSS, JavaScript, JSON, SVG, XML, CSV, Markdown, gzip) and sizes
# (0 bytes to 1 MiB, with the edges of a 64 KiB buffer), under www/testsite/
# or the directory given.  The content depends only on the file's number, so
# every run, on every machine, writes the same bytes.
#   tests/gen-testsite.sh [DIR]
set -eu

out=${1:-$(dirname "$0")/../www/testsite}
rm -rf "$out"
mkdir -p "$out/html" "$out/text" "$out/data" "$out/assets"

# filler N LABEL: exactly N bytes of text naming the file.
filler() {
	[ "$1" -gt 0 ] || return 0
	yes "stdhttpd test site, $2, a line of filler text." | head -c "$1"
}

i=0
while [ "$i" -lt 100 ]; do
	i=$((i + 1))
	n=$(printf '%03d' "$i")
	# Sizes spread over four decades, plus the edges that matter.
	case $i in
	1) size=0 ;;
	2) size=1 ;;
	3) size=65535 ;;
	4) size=65536 ;;
	5) size=65537 ;;
	6) size=1048576 ;;
	*) size=$(( (i * i * 7919 + i * 104729) % 250000 / (1 + i % 7 * 9) )) ;;
	esac
	case $((i % 10)) in
	0) f=$out/html/page-$n.html
	   { printf '<!DOCTYPE html>\n<html><head><title>page %s</title>' "$n"
	     printf '</head>\n<body><pre>\n'
	     filler "$size" "page $n"
	     printf '\n</pre></body></html>\n'; } > "$f" ;;
	1) filler "$size" "text $n" > "$out/text/file-$n.txt" ;;
	2) { printf '/* style %s */\n' "$n"
	     filler "$size" "style $n" | sed 's/^/\/* /; s/$/ *\//'
	     printf 'body { margin: %dpx; }\n' "$i"; } > "$out/assets/style-$n.css" ;;
	3) { printf '// script %s\n' "$n"
	     filler "$size" "script $n" | sed 's/^/\/\/ /'
	     printf 'var n = %d;\n' "$i"; } > "$out/assets/script-$n.js" ;;
	4) { printf '{"file": %d, "lines": [\n' "$i"
	     filler "$size" "json $n" | sed 's/.*/"&",/'
	     printf '"end"]}\n'; } > "$out/data/data-$n.json" ;;
	5) { printf '<svg xmlns="http://www.w3.org/2000/svg" width="%d" ' "$i"
	     printf 'height="%d">\n<!--\n' "$i"
	     filler "$size" "svg $n" | sed 's/--/- -/g'
	     printf '\n-->\n<circle cx="%d" cy="%d" r="%d"/></svg>\n' \
	         "$i" "$i" "$i"; } > "$out/assets/image-$n.svg" ;;
	6) { printf '<?xml version="1.0"?>\n<doc n="%d"><![CDATA[\n' "$i"
	     filler "$size" "xml $n"
	     printf '\n]]></doc>\n'; } > "$out/data/doc-$n.xml" ;;
	7) { printf 'line,text\n'
	     filler "$size" "csv $n" | awk '{ printf "%d,%s\n", NR, $0 }'; } \
	     > "$out/data/table-$n.csv" ;;
	8) { printf '# Note %s\n\n' "$n"
	     filler "$size" "markdown $n"; } > "$out/text/note-$n.md" ;;
	9) # gzip -n leaves out the name and time: the same bytes every run.
	   filler "$size" "archive $n" | gzip -n -9 > "$out/data/archive-$n.gz" ;;
	esac
done
# Files the server may write over get a plain mode whatever the umask.
find "$out" -type d -exec chmod 755 {} +
find "$out" -type f -exec chmod 644 {} +
