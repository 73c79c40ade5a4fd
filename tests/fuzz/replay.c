/*
 * replay.c - runs a libFuzzer target as an ordinary program: each file
 * named on the command line goes through LLVMFuzzerTestOneInput() once.
 * make check links it with every target and replays their corpora, so an
 * input that once crashed stays a regression test. 
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define REPLAY_MAX_INPUT	(1 << 20)

int
main(int argc, char *argv[])
{
	static char	 buf[REPLAY_MAX_INPUT];
	FILE		*f;
	size_t		 len;
	int		 i, bad = 0;

	for (i = 1; i < argc; i++) {
		if ((f = fopen(argv[i], "rb")) == NULL) {
			perror(argv[i]);
			bad++;
			continue;
		}
		len = fread(buf, 1, sizeof(buf), f);
		if (ferror(f) || !feof(f)) {
			fprintf(stderr, "%s: unreadable or over %d bytes\n",
			    argv[i], REPLAY_MAX_INPUT);
			bad++;
		} else
			(void)LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
		(void)fclose(f);
	}
	printf("%d inputs replayed\n", argc - 1);
	return bad ? 1 : 0;
}
