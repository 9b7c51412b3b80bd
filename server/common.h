/*
 * server/common.h - helpers shared by echo-server and echo-client.
 *
 * Only echo_bad_option() prints; the parsers return 0 or a negative errno
 * and leave the message to main(), which knows the option being parsed.
 */
#ifndef TCPSTAT_ECHO_COMMON_H
#define TCPSTAT_ECHO_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* "[ffff:...:ffff%ifname]:65535" plus the terminating NUL fits. */
#define ECHO_ADDRSTRLEN 80

/*
 * echo_parse_ulong - parse a whole decimal number in [min, max].
 * Returns 0 and sets *out, or -EINVAL when s is empty, signed, has leading
 * or trailing junk or is not decimal, or -ERANGE when it is out of range.
 * *out is left alone on error.
 */
int echo_parse_ulong(const char *s, unsigned long min, unsigned long max,
		     unsigned long *out);

/*
 * echo_parse_secs - parse a duration in seconds, "3" or "0.25" (at most three
 * decimals), no larger than max_ms milliseconds.
 * Returns 0 and sets *out_ms, or -EINVAL / -ERANGE as echo_parse_ulong.
 */
int echo_parse_secs(const char *s, unsigned long max_ms, unsigned long *out_ms);

/*
 * echo_parse_addr - turn a numeric IPv4 or IPv6 address ("127.0.0.1", "::1",
 * "fe80::1%lo") and a port into a socket address. No name is ever looked up,
 * so this cannot block on DNS.
 * Returns 0 and fills *out and *out_len, or -EINVAL when host is not numeric.
 */
int echo_parse_addr(const char *host, unsigned int port,
		    struct sockaddr_storage *out, socklen_t *out_len);

/*
 * echo_format_addr - write "127.0.0.1:9999" or "[::1]:9999" into buf (at
 * least ECHO_ADDRSTRLEN bytes). Always leaves a NUL-terminated string; an
 * unknown family gives "?".
 */
void echo_format_addr(const struct sockaddr *sa, char *buf, size_t len);

/*
 * echo_bad_option - print the one stderr line for a getopt_long() error,
 * when opterr is 0 and the option string starts with ':'. c is what
 * getopt_long() returned (':' or '?'), optopt_val its optopt, arg the
 * command-line word it stopped at (argv[optind - 1]).
 */
void echo_bad_option(const char *prog, int c, int optopt_val, const char *arg);

/*
 * The longest value echo_escape() writes, NUL included: an argument longer
 * than that is cut, and ends in "...", so one error line stays readable.
 */
#define ECHO_ESCAPED_MAX 256

/*
 * echo_escape - copy s into buf (len bytes, at least 8) with control bytes
 * written as \t, \n, \r or \xHH and a backslash as \\, so a value echoed
 * in an error message stays on one line and cannot drive the terminal.
 * Bytes from 0x80 up (UTF-8) are copied as they are. Returns buf, always
 * NUL-terminated; a value that does not fit is cut and ends in "...".
 */
const char *echo_escape(const char *s, char *buf, size_t len);

/*
 * echo_open_std_fds - open /dev/null onto whichever of fds 0, 1 and 2 is
 * closed, so that no socket opened later can become standard output and
 * receive what is printed. Returns 0, or -errno when /dev/null cannot be
 * opened (nothing can be said then: stderr may be the closed one).
 */
int echo_open_std_fds(void);

/* echo_now_ms - milliseconds on the monotonic clock (never jumps back). */
int64_t echo_now_ms(void);

#endif
