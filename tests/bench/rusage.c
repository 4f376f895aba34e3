/*
 * rusage.c — runs a command and reports its peak resident memory, for
 * machines without GNU time (run.sh prefers /usr/bin/time -v when present).
 *
 * usage: rusage OUT CMD [ARG...]
 *
 * Writes "Maximum resident set size (kbytes): N" to OUT, the line GNU
 * time -v prints, so run.sh reads either the same way. Exits as CMD did.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int	rusage_run(char **argv, struct rusage *ru, int *status);

static int
rusage_run(char **argv, struct rusage *ru, int *status)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "rusage: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	/* wait4 gives the child's own usage, not the sum over every child
	 * this process ever reaped. */
	while (wait4(pid, status, 0, ru) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct rusage ru;
	FILE *out;
	int status;

	if (argc < 3) {
		fputs("usage: rusage OUT CMD [ARG...]\n", stderr);
		return 1;
	}
	if (rusage_run(argv + 2, &ru, &status) != 0) {
		fprintf(stderr, "rusage: %s\n", strerror(errno));
		return 126;
	}
	if ((out = fopen(argv[1], "w")) == NULL) {
		fprintf(stderr, "rusage: %s: %s\n", argv[1], strerror(errno));
		return 126;
	}
	/* Linux counts ru_maxrss in kilobytes. */
	fprintf(out, "Maximum resident set size (kbytes): %ld\n", ru.ru_maxrss);
	fclose(out);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
