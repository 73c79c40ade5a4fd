/*
 * test_mime.c - unit tests of mime.c: every built-in extension is found
 * (which also proves the table is sorted for its binary search), lookups
 * ignore case, configured types win, and dotfiles and names without an
 * extension have no type.
 */
#include <string.h>

#include "http.h"
#include "unit.h"

static struct span
sp(const char *s)
{
	return (struct span){ s, strlen(s) };
}

static const char *
type(const char *name)
{
	return mime_type(NULL, sp(name));
}

static void
every_builtin_extension_is_found(void)
{
	/* The whole table, in no particular order. */
	static const char *const want[][2] = {
		{ "a.html", "text/html; charset=utf-8" },
		{ "a.htm", "text/html; charset=utf-8" },
		{ "a.css", "text/css; charset=utf-8" },
		{ "a.js", "text/javascript; charset=utf-8" },
		{ "a.mjs", "text/javascript; charset=utf-8" },
		{ "a.json", "application/json" },
		{ "a.jsonld", "application/ld+json" },
		{ "a.map", "application/json" },
		{ "a.txt", "text/plain; charset=utf-8" },
		{ "a.md", "text/markdown; charset=utf-8" },
		{ "a.csv", "text/csv; charset=utf-8" },
		{ "a.ics", "text/calendar; charset=utf-8" },
		{ "a.xml", "application/xml" },
		{ "a.xhtml", "application/xhtml+xml" },
		{ "a.rss", "application/rss+xml" },
		{ "a.svg", "image/svg+xml" },
		{ "a.png", "image/png" },
		{ "a.apng", "image/apng" },
		{ "a.jpg", "image/jpeg" },
		{ "a.jpeg", "image/jpeg" },
		{ "a.gif", "image/gif" },
		{ "a.webp", "image/webp" },
		{ "a.avif", "image/avif" },
		{ "a.bmp", "image/bmp" },
		{ "a.ico", "image/vnd.microsoft.icon" },
		{ "a.tif", "image/tiff" },
		{ "a.tiff", "image/tiff" },
		{ "a.pdf", "application/pdf" },
		{ "a.rtf", "application/rtf" },
		{ "a.epub", "application/epub+zip" },
		{ "a.wasm", "application/wasm" },
		{ "a.webmanifest", "application/manifest+json" },
		{ "a.toml", "application/toml" },
		{ "a.yaml", "application/yaml" },
		{ "a.yml", "application/yaml" },
		{ "a.woff", "font/woff" },
		{ "a.woff2", "font/woff2" },
		{ "a.ttf", "font/ttf" },
		{ "a.otf", "font/otf" },
		{ "a.eot", "application/vnd.ms-fontobject" },
		{ "a.mp3", "audio/mpeg" },
		{ "a.aac", "audio/aac" },
		{ "a.m4a", "audio/mp4" },
		{ "a.flac", "audio/flac" },
		{ "a.oga", "audio/ogg" },
		{ "a.ogg", "audio/ogg" },
		{ "a.opus", "audio/ogg" },
		{ "a.wav", "audio/wav" },
		{ "a.mp4", "video/mp4" },
		{ "a.mpeg", "video/mpeg" },
		{ "a.mov", "video/quicktime" },
		{ "a.atom", "application/atom+xml" },
		{ "a.avi", "video/x-msvideo" },
		{ "a.doc", "application/msword" },
		{ "a.docx",
		    "application/vnd.openxmlformats-officedocument."
		    "wordprocessingml.document" },
		{ "a.jar", "application/java-archive" },
		{ "a.m3u8", "application/vnd.apple.mpegurl" },
		{ "a.mpg", "video/mpeg" },
		{ "a.odp",
		    "application/vnd.oasis.opendocument.presentation" },
		{ "a.ods",
		    "application/vnd.oasis.opendocument.spreadsheet" },
		{ "a.odt", "application/vnd.oasis.opendocument.text" },
		{ "a.ppt", "application/vnd.ms-powerpoint" },
		{ "a.pptx",
		    "application/vnd.openxmlformats-officedocument."
		    "presentationml.presentation" },
		{ "a.xls", "application/vnd.ms-excel" },
		{ "a.xlsx",
		    "application/vnd.openxmlformats-officedocument."
		    "spreadsheetml.sheet" },
		{ "a.ogv", "video/ogg" },
		{ "a.webm", "video/webm" },
		{ "a.zip", "application/zip" },
		{ "a.gz", "application/gzip" },
		{ "a.tar", "application/x-tar" },
		{ "a.bz2", "application/x-bzip2" },
		{ "a.xz", "application/x-xz" },
		{ "a.zst", "application/zstd" },
		{ "a.7z", "application/x-7z-compressed" },
	};
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		CHECK_STR(type(want[i][0]), want[i][1]);
}

static void
extensions_compare_case_insensitively(void)
{
	CHECK_STR(type("INDEX.HTML"), "text/html; charset=utf-8");
	CHECK_STR(type("Photo.JpG"), "image/jpeg");
	CHECK_STR(type("font.WOFF2"), "font/woff2");
}

static void
only_the_last_segment_and_last_dot_count(void)
{
	CHECK_STR(type("/a.d/b.css"), "text/css; charset=utf-8");
	CHECK_STR(type("archive.tar.gz"), "application/gzip");
	CHECK(type("/dir.html/README") == NULL);
	CHECK(type("/v1.2/") == NULL);
	CHECK_STR(type("/x/.hidden.txt"), "text/plain; charset=utf-8");
	CHECK_STR(mime_type(NULL, (struct span){ "a.htmlx", 6 }),
	    "text/html; charset=utf-8");
}

static void
dotfiles_and_names_without_extension_have_no_type(void)
{
	CHECK(type("README") == NULL);
	CHECK(type("/dir/Makefile") == NULL);
	CHECK(type(".html") == NULL);
	CHECK(type("/dir/.htaccess") == NULL);
	CHECK(type("name.") == NULL);
	CHECK(type("") == NULL);
	CHECK(type(".") == NULL);
	CHECK(type("/") == NULL);
}

static void
unknown_and_overlong_extensions_have_no_type(void)
{
	CHECK(type("a.exe") == NULL);
	CHECK(type("a.htm l") == NULL);
	CHECK(type("a.htmlhtmlhtmlhtmlhtml") == NULL);
	CHECK(mime_type(NULL, (struct span){ "a.ht\0ml", 7 }) == NULL);
	CHECK(mime_type(NULL, (struct span){ "a.html\0", 7 }) == NULL);
}

static void
configured_types_win_over_the_builtin_table(void)
{
	static struct config c;

	memset(&c, 0, sizeof(c));
	memcpy(c.types[0].ext, "md", 3);
	memcpy(c.types[0].type, "text/x-markdown", 16);
	memcpy(c.types[1].ext, "gmi", 4);
	memcpy(c.types[1].type, "text/gemini; charset=utf-8", 27);
	c.ntypes = 2;
	CHECK_STR(mime_type(&c, sp("notes.md")), "text/x-markdown");
	CHECK_STR(mime_type(&c, sp("NOTES.MD")), "text/x-markdown");
	CHECK_STR(mime_type(&c, sp("cap.gmi")), "text/gemini; charset=utf-8");
	CHECK_STR(mime_type(&c, sp("a.css")), "text/css; charset=utf-8");
	CHECK(mime_type(&c, sp("a.exe")) == NULL);
	c.ntypes = 0;
	CHECK_STR(mime_type(&c, sp("notes.md")),
	    "text/markdown; charset=utf-8");
}

int
main(void)
{
	RUN(every_builtin_extension_is_found);
	RUN(extensions_compare_case_insensitively);
	RUN(only_the_last_segment_and_last_dot_count);
	RUN(dotfiles_and_names_without_extension_have_no_type);
	RUN(unknown_and_overlong_extensions_have_no_type);
	RUN(configured_types_win_over_the_builtin_table);
	return unit_done();
}
