#!/usr/bin/env python3
"""ptyrun.py COLS ROWS SECS CMD... - run CMD on a pseudo-terminal COLS wide
and ROWS high for SECS seconds, then SIGINT it (SIGKILL 5 s later at most);
write everything it drew to stdout, and exit with its exit status."""
import fcntl, os, pty, select, signal, struct, sys, termios, time

cols, rows, secs = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
pid, fd = pty.fork()
if pid == 0:
    # Set here, before the program can ask.
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    os.execv(sys.argv[4], sys.argv[4:])
out = bytearray()
end = time.monotonic() + secs
sent = None
while True:
    now = time.monotonic()
    if sent is None and now >= end:
        os.kill(pid, signal.SIGINT)
        sent = now
    if sent is not None and now - sent > 5:
        os.kill(pid, signal.SIGKILL)
    r, _, _ = select.select([fd], [], [], 0.05)
    if r:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        out += data
    elif sent is not None:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
try:
    _, status = os.waitpid(pid, 0)
except ChildProcessError:
    pass
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(status))
