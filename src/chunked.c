/*
 * chunked.c - the incremental decoder of chunked bodies (RFC 9112 section
 * 7.1): request bodies in the handler, response bodies in webclient.
 *
 * Pure like parse.c: no I/O, no allocation, no logging.  The caller feeds
 * the body in pieces as they arrive; struct chunked keeps the decoder's
 * place, the chunk data moves to the front of each piece in place, and
 * extensions and trailer fields are checked and skipped.
 */

#include <stddef.h>
#include <string.h>

#include "http.h"

/* A chunk size line with its extensions, or one trailer line, less CR LF. */
#define CHUNKED_MAX_LINE	4096

/* All trailer fields of a chunked body together, less their line ends. */
#define CHUNKED_MAX_TRAILER	HTTP_MAX_HEADER_BLOCK

/*
 * Chunked decoder states (RFC 9112 section 7.1):
 *
 *	state		byte		next
 *	SIZE		HEXDIG		SIZE (while the size fits 64 bits)
 *	SIZE		SP HTAB		SIZE_WS		(BWS before ';')
 *	SIZE SIZE_WS	';'		EXT
 *	SIZE SIZE_WS EXT CR		SIZE_LF
 *	EXT		other		EXT		(ignored, bounded)
 *	SIZE_LF		LF		DATA, or TRAILER if the size was 0
 *	DATA		any		DATA; DATA_CR once the chunk is done
 *	DATA_CR		CR		DATA_LF
 *	DATA_LF		LF		SIZE
 *	TRAILER		CR		END_LF		(the empty line)
 *	TRAILER		other		FIELD
 *	FIELD		CR		FIELD_LF
 *	FIELD_LF	LF		TRAILER
 *	END_LF		LF		DONE: PARSE_OK
 *
 * Anything else is 400 and the decoder stays in ERROR.
 */
enum {
	CH_SIZE = 0,	/* chunked_init() zeroes the state */
	CH_SIZE_WS,
	CH_EXT,
	CH_SIZE_LF,
	CH_DATA,
	CH_DATA_CR,
	CH_DATA_LF,
	CH_TRAILER,
	CH_FIELD,
	CH_FIELD_LF,
	CH_END_LF,
	CH_DONE,
	CH_ERROR,
};

/* chunked_init - prepare *c for the first byte of a chunked body. */
void
chunked_init(struct chunked *c)
{
	memset(c, 0, sizeof(*c));
	c->state = CH_SIZE;
}

/*
 * Counts one more octet of the current size or trailer line against
 * CHUNKED_MAX_LINE (and trailers against CHUNKED_MAX_TRAILER).  Returns 0,
 * or -1 when over.
 */
static int
chunked_count(struct chunked *c, int trailer)
{
	if (++c->line > CHUNKED_MAX_LINE)
		return -1;
	/* remaining is free once the last chunk is read. */
	if (trailer && ++c->remaining > CHUNKED_MAX_TRAILER)
		return -1;
	return 0;
}

/*
 * chunked_decode - decode the next piece buf[0..len) of a chunked body.
 *
 * The chunk data found in this piece is moved to buf[0..*ret_data) (in
 * place, so buf is modified); extensions and trailer fields are skipped.
 * *ret_used is the number of input octets consumed: len, unless the body
 * ended inside this piece, when what follows is the next request.
 * Returns PARSE_AGAIN with both counts set, PARSE_OK with both set when
 * the last chunk and the trailer section are complete, or 400 for a
 * malformed or oversized size, extension or trailer line, or a chunk not
 * followed by CR LF (then the outputs are not written).  The caller
 * enforces the body size limit from the data counts.
 */
int
chunked_decode(struct chunked *c, char *buf, size_t len, size_t *ret_used,
    size_t *ret_data)
{
	size_t		 i = 0, out = 0, n;
	unsigned char	 ch;
	int		 d;

	while (i < len && c->state != CH_DONE && c->state != CH_ERROR) {
		if (c->state == CH_DATA) {
			n = len - i;
			if (n > c->remaining)
				n = (size_t)c->remaining;
			memmove(buf + out, buf + i, n);
			out += n;
			i += n;
			if ((c->remaining -= n) == 0)
				c->state = CH_DATA_CR;
			continue;
		}
		ch = (unsigned char)buf[i++];
		switch (c->state) {
		case CH_SIZE:
			if ((d = util_hex(ch)) >= 0) {
				/* Leading zeros are digits like any other
				 * (1*HEXDIG); a size past 64 bits is 400. */
				if (c->remaining >> 60 != 0 ||
				    chunked_count(c, 0) == -1)
					goto bad;
				c->has_digit = 1;
				c->remaining = c->remaining << 4 | (unsigned)d;
				break;
			}
			if (!c->has_digit)
				goto bad;
			/* FALLTHROUGH */
		case CH_SIZE_WS:
			/* BWS before an extension (RFC 9112 section 7.1.1). */
			if (ch == '\r')
				c->state = CH_SIZE_LF;
			else if (chunked_count(c, 0) == -1)
				goto bad;
			else if (ch == ' ' || ch == '\t')
				c->state = CH_SIZE_WS;
			else if (ch == ';')
				c->state = CH_EXT;
			else
				goto bad;
			break;
		case CH_EXT:
			if (ch == '\r')
				c->state = CH_SIZE_LF;
			else if (chunked_count(c, 0) == -1 ||
			    !util_is_field_char(ch))
				goto bad;
			break;
		case CH_SIZE_LF:
			if (ch != '\n')
				goto bad;
			c->line = 0;
			c->has_digit = 0;
			c->state = c->remaining > 0 ? CH_DATA : CH_TRAILER;
			break;
		case CH_DATA_CR:
			if (ch != '\r')
				goto bad;
			c->state = CH_DATA_LF;
			break;
		case CH_DATA_LF:
			if (ch != '\n')
				goto bad;
			c->state = CH_SIZE;
			break;
		case CH_TRAILER:
			if (ch == '\r') {
				c->state = CH_END_LF;
				break;
			}
			/* A trailer field cannot be folded either. */
			if (ch == ' ' || ch == '\t')
				goto bad;
			c->state = CH_FIELD;
			/* FALLTHROUGH */
		case CH_FIELD:
			if (ch == '\r')
				c->state = CH_FIELD_LF;
			else if (chunked_count(c, 1) == -1 ||
			    !util_is_field_char(ch))
				goto bad;
			break;
		case CH_FIELD_LF:
			if (ch != '\n')
				goto bad;
			c->line = 0;
			c->state = CH_TRAILER;
			break;
		case CH_END_LF:
			if (ch != '\n')
				goto bad;
			c->state = CH_DONE;
			break;
		default:
			goto bad;
		}
	}
	if (c->state == CH_ERROR)
		return 400;
	*ret_used = i;
	*ret_data = out;
	return c->state == CH_DONE ? PARSE_OK : PARSE_AGAIN;
bad:
	c->state = CH_ERROR;
	return 400;
}
