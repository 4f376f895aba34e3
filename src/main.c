/* main.c — hark's entry point: argv goes to the CLI dispatcher. */

#include "hark/cli.h"

int
main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
