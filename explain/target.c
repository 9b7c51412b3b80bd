/* target.c - the [ADDR:]PORT argument of --bind-check and --connect-check. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "explain.h"
#include "numparse.h"

/*
 * Splits arg into the address (possibly empty) and the port. IPv6 must be
 * in brackets, since its colons would leave the port ambiguous.
 */
static bool split_target(const char *arg, char *addr, size_t addr_size, const char **port,
			 bool *v6)
{
	const char *colon;
	size_t len;

	*v6 = arg[0] == '[';
	if (*v6) {
		const char *close = strchr(arg, ']');

		if (!close || close[1] != ':')
			return false;
		len = (size_t)(close - arg - 1);
		if (len >= addr_size)
			return false;
		memcpy(addr, arg + 1, len);
		addr[len] = '\0';
		*port = close + 2;
		return true;
	}
	colon = strrchr(arg, ':');
	if (!colon) {
		addr[0] = '\0';
		*port = arg;
		return true;
	}
	len = (size_t)(colon - arg);
	if (len >= addr_size || memchr(arg, ':', len))
		return false;
	memcpy(addr, arg, len);
	addr[len] = '\0';
	*port = colon + 1;
	return true;
}

int explain_parse_target(const char *arg, bool need_addr, struct explain_target *t,
			 struct tcpstat_error *err)
{
	const char *what = need_addr ? "--connect-check" : "--bind-check";
	const char *expect = need_addr ? "ADDR:PORT" : "[ADDR:]PORT";
	char addr[INET6_ADDRSTRLEN];
	const char *port;
	unsigned long p;
	bool v6;

	memset(t, 0, sizeof(*t));
	if (!split_target(arg, addr, sizeof(addr), &port, &v6) || (need_addr && !addr[0]))
		return err_set(err, 0, "invalid %s '%s' (expected %s, IPv6 in brackets: [::1]:8080)",
			       what, arg, expect);
	if (!numparse_uint(port, strlen(port), 1, 65535, &p))
		return err_set(err, 0, "invalid port '%s' in %s '%s' (expected 1-65535)",
			       port, what, arg);
	t->port = (uint16_t)p;
	t->family = v6 ? AF_INET6 : AF_INET;
	if (addr[0] && inet_pton(t->family, addr, t->addr) != 1)
		return err_set(err, 0, "invalid %s address '%s' in %s '%s'",
			       v6 ? "IPv6" : "IPv4", addr, what, arg);
	t->wildcard = addr_is_zero(t->addr, v6 ? 16 : 4);
	if (need_addr && t->wildcard)
		return err_set(err, 0, "invalid %s '%s' (expected a destination address, not a wildcard)",
			       what, arg);
	return 0;
}

void explain_format_target(const struct explain_target *t, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(t->family, t->addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	if (t->family == AF_INET6)
		snprintf(buf, size, "[%s]:%u", a, t->port);
	else
		snprintf(buf, size, "%s:%u", a, t->port);
}
