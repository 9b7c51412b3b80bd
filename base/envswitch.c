/* envswitch.c - see envswitch.h. */
#include "envswitch.h"

#include <stdlib.h>
#include <string.h>

bool env_switch(const char *name)
{
	const char *v = getenv(name);

	return v && *v && strcmp(v, "0") != 0;
}
