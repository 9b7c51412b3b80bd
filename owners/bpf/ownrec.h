/*
 * ownrec.h - what the eBPF iterator (owners.bpf.c) and its reader
 * (../iter.c, ../iterparse.c) share: the one record it writes per TCP
 * socket held by a process. Plain fixed-size types, no padding, so both
 * compilers lay it out alike.
 */
#ifndef TCPSTAT_OWNERS_OWNREC_H
#define TCPSTAT_OWNERS_OWNREC_H

/* Marks every record, so a reader out of step sees it at once. */
#define OWNREC_TAG 0x54435052u   /* "TCPR" */

/* One socket fd of one process (a thread group leader's file table). */
struct ownrec {
	__u64 inode;        /* the socket's inode, as "socket:[N]" in /proc/PID/fd */
	__u32 tgid;         /* the process (initial pid namespace) */
	__u32 tag;          /* OWNREC_TAG */
	char comm[16];      /* the leader's task->comm, NUL-terminated */
};

#endif
