/*
 * netns.h - the network namespaces a listing reads (-N, --netns-pid,
 * --all-netns): found from /run/netns and from every /proc/PID/ns/net,
 * each once (by its nsfs inode), tcpstat's own first, each with the label
 * the NETNS column shows.
 */
#ifndef TCPSTAT_DUMP_NETNS_H
#define TCPSTAT_DUMP_NETNS_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "vec.h"

/* "/run/netns/" and a name of up to NAME_MAX bytes, or a -N path as long. */
#define NETNS_PATH_MAX 320
/* A /run/netns name, or "PID/comm". */
#define NETNS_LABEL_MAX 256

struct netns_entry {
	uint64_t ino;                   /* the namespace's nsfs inode */
	uint32_t pid;                   /* its lowest pid but tcpstat's (--netns-pid's); 0: none seen */
	bool own;                       /* tcpstat's own namespace */
	bool named;                     /* label is a name under /run/netns */
	char path[NETNS_PATH_MAX];      /* opened to enter it */
	char label[NETNS_LABEL_MAX];
};

/* struct netns_entry elements, tcpstat's own first, then the named, then by pid. */
struct netns_list {
	struct vec all;
};

/*
 * Every network namespace tcpstat can see: the names under /run/netns and
 * the namespace of every process whose /proc/PID/ns/net it may read (all,
 * as root). Returns 0 with l filled (free it with netns_list_free), or a
 * negative errno with err filled (tcpstat's own namespace unreadable,
 * memory).
 */
int netns_list_all(struct netns_list *l, struct tcpstat_error *err);

/*
 * The one namespace -N spec names (a name under /run/netns when it holds
 * no '/', else a path to an nsfs file such as /proc/PID/ns/net), or, when
 * spec is NULL, --netns-pid pid's. Returns 0 with l holding it, or a
 * negative errno with err naming spec or pid (missing, not a network
 * namespace).
 */
int netns_list_one(struct netns_list *l, const char *spec, uint32_t pid,
		   struct tcpstat_error *err);

void netns_list_free(struct netns_list *l);

/*
 * Opens e's path and checks it is still e's namespace (a pid may have been
 * reused). Returns the descriptor, or -1 when the namespace is gone.
 */
int netns_open(const struct netns_entry *e);

/*
 * Whether e->pid is still in e (its /proc/PID/ns/net is e's inode), so
 * that /proc/PID/net shows e's sockets.
 */
bool netns_pid_inside(const struct netns_entry *e);

/* Namespace labels by inode, kept as namespaces are told of (on_netns). */
struct netns_labels {
	struct vec all;            /* struct netns_label */
	size_t last;               /* the last one found: rows come in runs */
};

struct netns_label {
	uint64_t ino;
	char label[NETNS_LABEL_MAX];
};

void netns_labels_init(struct netns_labels *l);
/* Adds ns's label unless its inode is known. Returns false when memory runs out. */
bool netns_labels_add(struct netns_labels *l, const struct netns_entry *ns);
/* The label of namespace ino, or "-" when it was never told of. */
const char *netns_labels_find(struct netns_labels *l, uint64_t ino);
void netns_labels_free(struct netns_labels *l);

#endif
