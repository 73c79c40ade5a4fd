/*
 * mime.c - maps a file name's extension to the media type stdhttpd sends in
 * Content-Type.  The configuration's `type` entries come first, then a
 * static table of common types sorted by extension for a binary search, so
 * nothing is built at start: each connection is a new process.
 */
#include <stdlib.h>
#include <string.h>

#include "http.h"

/* Longer extensions than any entry can hold cannot match. */
#define MIME_EXT_MAX	(sizeof(((struct mime_entry *)0)->ext) - 1)

#define MIME_UTF8	"; charset=utf-8"

struct mime_builtin {
	const char	*ext;
	const char	*type;
};

/*
 * Sorted by ext in byte order (bsearch); lower case.  Text types name
 * UTF-8 so that browsers do not guess; JSON and SVG define their own
 * encoding and take no charset parameter (RFC 8259 section 11).
 */
static const struct mime_builtin mime_table[] = {
	{ "7z",		"application/x-7z-compressed" },
	{ "aac",	"audio/aac" },
	{ "apng",	"image/apng" },
	{ "atom",	"application/atom+xml" },
	{ "avi",	"video/x-msvideo" },
	{ "avif",	"image/avif" },
	{ "bmp",	"image/bmp" },
	{ "bz2",	"application/x-bzip2" },
	{ "css",	"text/css" MIME_UTF8 },
	{ "csv",	"text/csv" MIME_UTF8 },
	{ "doc",	"application/msword" },
	{ "docx",	"application/vnd.openxmlformats-officedocument."
	    "wordprocessingml.document" },
	{ "eot",	"application/vnd.ms-fontobject" },
	{ "epub",	"application/epub+zip" },
	{ "flac",	"audio/flac" },
	{ "gif",	"image/gif" },
	{ "gz",		"application/gzip" },
	{ "htm",	"text/html" MIME_UTF8 },
	{ "html",	"text/html" MIME_UTF8 },
	{ "ico",	"image/vnd.microsoft.icon" },
	{ "ics",	"text/calendar" MIME_UTF8 },
	{ "jar",	"application/java-archive" },
	{ "jpeg",	"image/jpeg" },
	{ "jpg",	"image/jpeg" },
	{ "js",		"text/javascript" MIME_UTF8 },
	{ "json",	"application/json" },
	{ "jsonld",	"application/ld+json" },
	{ "m3u8",	"application/vnd.apple.mpegurl" },
	{ "m4a",	"audio/mp4" },
	{ "map",	"application/json" },
	{ "md",		"text/markdown" MIME_UTF8 },
	{ "mjs",	"text/javascript" MIME_UTF8 },
	{ "mov",	"video/quicktime" },
	{ "mp3",	"audio/mpeg" },
	{ "mp4",	"video/mp4" },
	{ "mpeg",	"video/mpeg" },
	{ "mpg",	"video/mpeg" },
	{ "odp",	"application/vnd.oasis.opendocument.presentation" },
	{ "ods",	"application/vnd.oasis.opendocument.spreadsheet" },
	{ "odt",	"application/vnd.oasis.opendocument.text" },
	{ "oga",	"audio/ogg" },
	{ "ogg",	"audio/ogg" },
	{ "ogv",	"video/ogg" },
	{ "opus",	"audio/ogg" },
	{ "otf",	"font/otf" },
	{ "pdf",	"application/pdf" },
	{ "png",	"image/png" },
	{ "ppt",	"application/vnd.ms-powerpoint" },
	{ "pptx",	"application/vnd.openxmlformats-officedocument."
	    "presentationml.presentation" },
	{ "rss",	"application/rss+xml" },
	{ "rtf",	"application/rtf" },
	{ "svg",	"image/svg+xml" },
	{ "tar",	"application/x-tar" },
	{ "tif",	"image/tiff" },
	{ "tiff",	"image/tiff" },
	{ "toml",	"application/toml" },
	{ "ttf",	"font/ttf" },
	{ "txt",	"text/plain" MIME_UTF8 },
	{ "wasm",	"application/wasm" },
	{ "wav",	"audio/wav" },
	{ "webm",	"video/webm" },
	{ "webmanifest", "application/manifest+json" },
	{ "webp",	"image/webp" },
	{ "woff",	"font/woff" },
	{ "woff2",	"font/woff2" },
	{ "xhtml",	"application/xhtml+xml" },
	{ "xls",	"application/vnd.ms-excel" },
	{ "xlsx",	"application/vnd.openxmlformats-officedocument."
	    "spreadsheetml.sheet" },
	{ "xml",	"application/xml" },
	{ "xz",		"application/x-xz" },
	{ "yaml",	"application/yaml" },
	{ "yml",	"application/yaml" },
	{ "zip",	"application/zip" },
	{ "zst",	"application/zstd" },
};

#define MIME_NTABLE	(sizeof(mime_table) / sizeof(mime_table[0]))

static int
mime_compare(const void *key, const void *elem)
{
	return strcmp(key, ((const struct mime_builtin *)elem)->ext);
}

/*
 * Returns the media type for the file name or path `name`: its extension
 * is what follows the last '.' of its last segment, compared without
 * regard to ASCII case; a dotfile (".profile") or a name ending in '.' has
 * none.  The configuration's `type` entries win over the built-in table; c
 * may be NULL for the table alone.  Returns a string owned by c or by this
 * module, or NULL when the extension is absent or unknown (the caller then
 * sends application/octet-stream, or 403 under strict_types).
 */
const char *
mime_type(const struct config *c, struct span name)
{
	const struct mime_builtin	*hit;
	char				 ext[MIME_EXT_MAX + 1];
	size_t				 i, start = 0, dot = 0, n;

	for (i = 0; i < name.len; i++) {
		if (name.p[i] == '/') {
			start = i + 1;
			dot = 0;
		} else if (name.p[i] == '.')
			dot = i + 1;
	}
	/* No dot, a leading dot only, or nothing after the dot. */
	if (dot == 0 || dot == start + 1 || dot == name.len)
		return NULL;
	n = name.len - dot;
	if (n > MIME_EXT_MAX)
		return NULL;
	for (i = 0; i < n; i++) {
		ext[i] = name.p[dot + i];
		if (ext[i] >= 'A' && ext[i] <= 'Z')
			ext[i] = (char)(ext[i] - 'A' + 'a');
		else if (ext[i] == '\0')
			return NULL;
	}
	ext[n] = '\0';

	if (c != NULL)
		for (i = 0; i < c->ntypes; i++)
			if (strcmp(c->types[i].ext, ext) == 0)
				return c->types[i].type;
	hit = bsearch(ext, mime_table, MIME_NTABLE, sizeof(mime_table[0]),
	    mime_compare);
	return hit != NULL ? hit->type : NULL;
}
