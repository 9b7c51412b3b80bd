// SPDX-License-Identifier: MIT
/*
 * owners.bpf.c - the kernel half of -P's eBPF owner source: one pass of
 * the task-file iterator (the kernel walks every task's file table once)
 * writes a record for each TCP socket a process holds. Only what the
 * /proc/PID/fd walk would see: files of a thread group leader's table
 * (the kernel already skips threads sharing it; a thread with a table of
 * its own is not in /proc/PID/fd either), and only sockets, and only TCP,
 * so the reader gets few records. Built CO-RE against vmlinux.h.
 */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#include "ownrec.h"

/* Not in vmlinux.h: they are macros in the kernel. */
#define OWN_AF_INET 2
#define OWN_AF_INET6 10

char LICENSE[] SEC("license") = "Dual MIT/GPL";

SEC("iter/task_file")
int tcp_owners(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct ownrec r = { .tag = OWNREC_TAG };
	struct socket *sock;
	struct sock *sk;
	__u16 family;

	if (!task || !file || task->pid != task->tgid)
		return 0;
	/* NULL unless file is a socket (its f_op is socket_file_ops). */
	sock = bpf_sock_from_file(file);
	if (!sock)
		return 0;
	/*
	 * Plain loads, not BPF_CORE_READ: task, file and sock are pointers the
	 * verifier knows by BTF, so each load is one guarded instruction (still
	 * relocated by CO-RE) instead of a bpf_probe_read_kernel call, which
	 * cost most of this program's time at 500k sockets.
	 */
	sk = sock->sk;
	if (!sk || sk->sk_protocol != IPPROTO_TCP || sk->sk_type != SOCK_STREAM)
		return 0;
	family = sk->__sk_common.skc_family;
	if (family != OWN_AF_INET && family != OWN_AF_INET6)
		return 0;
	r.inode = file->f_inode->i_ino;
	r.tgid = (__u32)task->tgid;
	/* The leader's name: what /proc/PID/comm reads. */
	bpf_probe_read_kernel_str(r.comm, sizeof(r.comm), task->comm);
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}
