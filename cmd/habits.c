/* habits.c - see habits.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "habits.h"
#include "numparse.h"
#include "options.h"

/* netstat's letters that mean nothing more to tcpstat (TCP, numeric, all). */
#define NETSTAT_LETTERS "tna"

bool habits_netstat_cluster(const char *word)
{
	size_t len = strlen(word);

	if (len < 3 || word[0] != '-' || word[1] == '-' || word[len - 1] != 'p')
		return false;
	for (size_t i = 1; i < len; i++)
		if ((word[i] < 'a' || word[i] > 'z') && (word[i] < 'A' || word[i] > 'Z'))
			return false;
	return strcspn(word + 1, NETSTAT_LETTERS) < len - 2;
}

static int port_fail(struct tcpstat_error *err, const char *item, size_t len, const char *arg,
		     const char *why)
{
	bool part = strlen(arg) != len;

	err->errnum = 0;
	snprintf(err->msg, sizeof(err->msg), "invalid port '%.*s'%s%s%s (%s)", (int)len, item,
		 part ? " in '" : "", part ? arg : "", part ? "'" : "", why);
	return -EINVAL;
}

/* A service name of /etc/services (getservbyname: names and aliases). */
static bool service_port(const char *name, size_t len, uint16_t *port)
{
	char text[64];
	struct servent *se;

	if (len == 0 || len >= sizeof(text))
		return false;
	memcpy(text, name, len);
	text[len] = '\0';
	se = getservbyname(text, "tcp");
	if (!se)
		return false;
	*port = ntohs((uint16_t)se->s_port);
	return *port != 0;
}

/* One entry of a list: "9999", "9000-9999", ":9999", "ssh", ":ssh". */
static int port_item(const char *item, size_t len, const char *arg,
		     struct tcpstat_port_range *out, struct tcpstat_error *err)
{
	char text[32];
	uint16_t port;

	if (len > 0 && item[0] == ':') {
		item++;
		len--;
	}
	if (strspn(item, "0123456789-") >= len) {
		if (len >= sizeof(text))
			return port_fail(err, item, len, arg,
					 "expected 1-65535 or a range such as 9000-9999");
		memcpy(text, item, len);
		text[len] = '\0';
		if (opts_parse_ports(text, out, err) == 0)
			return 0;
		/* Name the whole list too, when the entry was one of several. */
		if (strlen(arg) != len && strchr(err->msg, '(')) {
			return port_fail(err, item, len, arg, strstr(err->msg, "range '") ?
					 "start above end" :
					 "expected 1-65535 or a range such as 9000-9999");
		}
		return -EINVAL;
	}
	if (!service_port(item, len, &port))
		return port_fail(err, item, len, arg,
				 "expected 1-65535, a range such as 9000-9999 or a service name");
	out->lo = out->hi = port;
	return 0;
}

int habits_port_list(const char *arg, const char *option, struct tcpstat_port_range *list,
		     unsigned *n, unsigned max, struct tcpstat_error *err)
{
	const char *p = arg;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (*n == max) {
			err->errnum = 0;
			snprintf(err->msg, sizeof(err->msg), "too many %s values (at most %u)",
				 option, max);
			return -EINVAL;
		}
		if (port_item(p, len, arg, &list[*n], err) < 0)
			return -EINVAL;
		(*n)++;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

bool habits_is_port_list(const char *arg)
{
	struct tcpstat_port_range scratch[TCPSTAT_MAX_FILTERS];
	struct tcpstat_error err;
	unsigned n = 0;

	return habits_port_list(arg, "", scratch, &n, TCPSTAT_MAX_FILTERS, &err) == 0;
}

static int endpoint_fail(struct tcpstat_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int endpoint_fail(struct tcpstat_error *err, const char *fmt, ...)
{
	va_list ap;

	err->errnum = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Where the port starts in arg ("...:PORT"), or NULL when it has none. */
static const char *port_part(const char *arg)
{
	const char *close, *colon;

	if (arg[0] == '[') {
		close = strchr(arg, ']');
		colon = close ? strrchr(close, ':') : NULL;
		return colon;
	}
	/* IPv4 has no ':'; IPv6 without brackets has several, and no port. */
	colon = strchr(arg, ':');
	return colon && !strchr(colon + 1, ':') ? colon : NULL;
}

/* Cuts "%IF" out of text (up to a '/' or ']'), setting *ifindex. */
static int cut_interface(char *text, const char *arg, uint32_t *ifindex,
			 struct tcpstat_error *err)
{
	char *pct = strchr(text, '%');
	char name[IF_NAMESIZE + 8];
	size_t len;
	unsigned long num;

	*ifindex = 0;
	if (!pct)
		return 0;
	len = strcspn(pct + 1, "/]");
	if (len == 0 || len >= sizeof(name))
		return endpoint_fail(err, "invalid interface '%s' in '%s'", pct + 1, arg);
	memcpy(name, pct + 1, len);
	name[len] = '\0';
	if (numparse_uint(name, len, 1, UINT32_MAX, &num))
		*ifindex = (uint32_t)num;
	else
		*ifindex = if_nametoindex(name);
	if (*ifindex == 0)
		return endpoint_fail(err, "unknown interface '%s' in '%s'", name, arg);
	memmove(pct, pct + 1 + len, strlen(pct + 1 + len) + 1);
	return 0;
}

int habits_endpoint(const char *arg, struct habits_endpoint *out, struct tcpstat_error *err)
{
	char text[INET6_ADDRSTRLEN + IF_NAMESIZE + 16];
	const char *colon = port_part(arg);
	size_t len = colon ? (size_t)(colon - arg) : strlen(arg);
	unsigned n = 0;

	memset(out, 0, sizeof(*out));
	if (len >= sizeof(text))
		return endpoint_fail(err, "invalid address '%s' (expected an IPv4 or IPv6 "
				     "address, optionally /PREFIX)", arg);
	memcpy(text, arg, len);
	text[len] = '\0';
	if (colon && habits_port_list(colon + 1, "", &out->port, &n, 1, err) < 0)
		return n == 1 || strstr(err->msg, "too many") ?
			endpoint_fail(err, "invalid port '%s' in '%s' (one port or range after "
				      "the address)", colon + 1, arg) : -EINVAL;
	if (cut_interface(text, arg, &out->ifindex, err) < 0)
		return -EINVAL;
	return opts_parse_prefix(text, &out->prefix, err);
}
