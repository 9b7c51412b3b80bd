/* states.c - see states.h. */
#include <ctype.h>
#include <string.h>

#include "states.h"

/*
 * State names: netstat's, ss's, and the textbooks'. Compared after folding
 * case and '-' to '_', so "time-wait", "TIME_WAIT" and "Time_Wait" agree.
 */
static const struct {
	const char *name;
	uint32_t mask;
} state_words[] = {
	{ "established", 1u << TCPSTAT_ESTABLISHED },
	{ "estab", 1u << TCPSTAT_ESTABLISHED },
	{ "syn_sent", 1u << TCPSTAT_SYN_SENT },
	{ "syn_recv", 1u << TCPSTAT_SYN_RECV },
	{ "syn_rcvd", 1u << TCPSTAT_SYN_RECV },
	{ "syn_rcv", 1u << TCPSTAT_SYN_RECV },
	{ "fin_wait1", 1u << TCPSTAT_FIN_WAIT1 },
	{ "fin_wait_1", 1u << TCPSTAT_FIN_WAIT1 },
	{ "fin_wait2", 1u << TCPSTAT_FIN_WAIT2 },
	{ "fin_wait_2", 1u << TCPSTAT_FIN_WAIT2 },
	{ "time_wait", 1u << TCPSTAT_TIME_WAIT },
	{ "close", 1u << TCPSTAT_CLOSE },
	{ "closed", 1u << TCPSTAT_CLOSE },
	{ "close_wait", 1u << TCPSTAT_CLOSE_WAIT },
	{ "last_ack", 1u << TCPSTAT_LAST_ACK },
	{ "listen", 1u << TCPSTAT_LISTEN },
	{ "listening", 1u << TCPSTAT_LISTEN },
	{ "closing", 1u << TCPSTAT_CLOSING },
	/* Groups, as ss defines them. */
	{ "all", TCPSTAT_STATES_ALL },
	{ "connected", TCPSTAT_STATES_ALL & ~(1u << TCPSTAT_LISTEN | 1u << TCPSTAT_CLOSE) },
	{ "synchronized", TCPSTAT_STATES_ALL &
		~(1u << TCPSTAT_LISTEN | 1u << TCPSTAT_CLOSE | 1u << TCPSTAT_SYN_SENT) },
	{ "bucket", 1u << TCPSTAT_SYN_RECV | 1u << TCPSTAT_TIME_WAIT },
	{ "big", TCPSTAT_STATES_ALL & ~(1u << TCPSTAT_SYN_RECV | 1u << TCPSTAT_TIME_WAIT) },
};

bool filter_state_word(const char *word, size_t len, uint32_t *mask)
{
	char folded[16];

	if (len == 0 || len >= sizeof(folded))
		return false;
	for (size_t i = 0; i < len; i++)
		folded[i] = word[i] == '-' ? '_' : (char)tolower((unsigned char)word[i]);
	folded[len] = '\0';
	for (size_t i = 0; i < sizeof(state_words) / sizeof(state_words[0]); i++) {
		if (strcmp(folded, state_words[i].name) == 0) {
			*mask = state_words[i].mask;
			return true;
		}
	}
	return false;
}
