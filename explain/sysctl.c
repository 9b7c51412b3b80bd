/* sysctl.c - the few sysctls that decide bind() and connect()'s port choice. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "explain.h"
#include "numparse.h"

/* A sysctl file is one short line; longer means it is not the file we know. */
#define SYSCTL_LINE_MAX 4096

/*
 * Reads root/name into buf without the trailing newline. Returns 1 when
 * read, 0 when the file does not exist (keep the default), or a negative
 * errno with err filled.
 */
static int read_line(const char *root, const char *name, char *buf, size_t size,
		     struct tcpstat_error *err)
{
	char path[512];
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : err_set(err, errno, "%s", path);
	len = fread(buf, 1, size - 1, f);
	if (ferror(f)) {
		int e = errno;

		fclose(f);
		return err_set(err, e, "%s", path);
	}
	fclose(f);
	buf[len] = '\0';
	if (len == size - 1 || (len > 0 && buf[len - 1] != '\n'))
		return err_set(err, 0, "%s: not one line ending in a newline", path);
	if (len > 0)
		buf[len - 1] = '\0';
	return 1;
}

static int bad_value(const char *root, const char *name, const char *value,
		     struct tcpstat_error *err)
{
	return err_set(err, 0, "%s/%s: unexpected value '%s'", root, name, value);
}

/* One number in [min, max] from root/name; *out is left alone when the file is missing. */
static int read_uint(const char *root, const char *name, unsigned long min, unsigned long max,
		     unsigned long *out, struct tcpstat_error *err)
{
	char buf[64];
	int rc = read_line(root, name, buf, sizeof(buf), err);

	if (rc <= 0)
		return rc;
	if (!numparse_uint(buf, strlen(buf), min, max, out))
		return bad_value(root, name, buf, err);
	return 0;
}

static int read_bool(const char *root, const char *name, bool *out, struct tcpstat_error *err)
{
	unsigned long v = *out;
	int rc = read_uint(root, name, 0, 1, &v, err);

	*out = v;
	return rc;
}

/* "32768\t60999": two numbers split by tabs or spaces. */
static int read_port_range(const char *root, struct explain_sysctl *sc, struct tcpstat_error *err)
{
	const char *name = "net/ipv4/ip_local_port_range";
	char buf[64];
	unsigned long lo, hi;
	size_t n;
	int rc = read_line(root, name, buf, sizeof(buf), err);

	if (rc <= 0)
		return rc;
	n = strcspn(buf, " \t");
	if (!numparse_uint(buf, n, 1, 65535, &lo) || !buf[n])
		return bad_value(root, name, buf, err);
	n += strspn(buf + n, " \t");
	if (!numparse_uint(buf + n, strlen(buf + n), lo, 65535, &hi))
		return bad_value(root, name, buf, err);
	sc->port_lo = (uint16_t)lo;
	sc->port_hi = (uint16_t)hi;
	return 0;
}

/* "8080,9000-9100", or an empty line: a comma list of ports and ranges. */
static int read_reserved(const char *root, struct explain_sysctl *sc, struct tcpstat_error *err)
{
	const char *name = "net/ipv4/ip_local_reserved_ports";
	char buf[SYSCTL_LINE_MAX];
	int rc = read_line(root, name, buf, sizeof(buf), err);

	if (rc <= 0)
		return rc;
	for (const char *p = buf; *p;) {
		size_t n = strcspn(p, ",");
		const char *dash = memchr(p, '-', n);
		size_t lo_len = dash ? (size_t)(dash - p) : n;
		unsigned long lo, hi;

		if (!numparse_uint(p, lo_len, 0, 65535, &lo))
			return bad_value(root, name, buf, err);
		hi = lo;
		if (dash && !numparse_uint(dash + 1, n - lo_len - 1, lo, 65535, &hi))
			return bad_value(root, name, buf, err);
		for (unsigned long port = lo; port <= hi; port++)
			sc->reserved[port / 8] |= (uint8_t)(1u << (port % 8));
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

int explain_read_sysctl(const char *root, struct explain_sysctl *sc, struct tcpstat_error *err)
{
	unsigned long unpriv = 1024, fin = 60, tw = 2;
	int rc;

	memset(sc, 0, sizeof(*sc));
	/* Missing files keep defaults, but a missing folder means no sysctls to read at all. */
	if (access(root, R_OK | X_OK) < 0)
		return err_set(err, errno, "%s", root);
	sc->port_lo = 32768;
	sc->port_hi = 60999;
	if ((rc = read_uint(root, "net/ipv4/ip_unprivileged_port_start", 0, 65536, &unpriv, err)) ||
	    (rc = read_uint(root, "net/ipv4/tcp_fin_timeout", 0, 86400000, &fin, err)) ||
	    (rc = read_uint(root, "net/ipv4/tcp_tw_reuse", 0, 2, &tw, err)) ||
	    (rc = read_bool(root, "net/ipv4/ip_nonlocal_bind", &sc->nonlocal_bind4, err)) ||
	    (rc = read_bool(root, "net/ipv6/ip_nonlocal_bind", &sc->nonlocal_bind6, err)) ||
	    (rc = read_bool(root, "net/ipv6/bindv6only", &sc->bindv6only, err)) ||
	    (rc = read_port_range(root, sc, err)) ||
	    (rc = read_reserved(root, sc, err)))
		return rc;
	sc->unpriv_port_start = (uint32_t)unpriv;
	sc->fin_timeout_s = (uint32_t)fin;
	sc->tw_reuse = (uint8_t)tw;
	return 0;
}
