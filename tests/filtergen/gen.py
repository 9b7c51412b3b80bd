#!/usr/bin/env python3
"""gen.py SEED N: N random filter expressions in ss's grammar, one a line.

Only what ss and tcpstat both take: sport, dport, src, dst, and, or, not,
parentheses and leading state/exclude words, over the ports and addresses
of tests/sockfixture.c, so that most expressions keep some sockets.
"""
import random
import sys

PORTS = [1, 9997, 9998, 9999, 40001, 40002, 40003, 40011, 40012, 40013, 40021, 65535]
OPS = ["=", "==", "eq", "!=", "ne", "<", "lt", "<=", "le", ">", "gt", ">=", "ge"]
# ss takes an IPv6 prefix inside the brackets only ("[::1/128]"). No short
# prefixes: ss judges each socket twice, by its kernel program and again
# by comparing bits whatever the family, and keeps what both pass, so
# under a "not" it drops sockets of the other family whose bits happen to
# agree ("! src ::/1" keeps no IPv4 socket, "! src [::/0]" none at all).
HOSTS = ["127.0.0.1", "127.0.0.0/8", "127.0.0.2", "10.0.0.0/8", "[::1]", "[::1/128]",
         "[::ffff:127.0.0.1]", "[::ffff:127.0.0.0/104]", "::1/128"]
STATES = ["established", "syn-sent", "syn-recv", "fin-wait-1", "fin-wait-2", "time-wait",
          "closed", "close-wait", "last-ack", "listening", "closing", "all", "connected",
          "synchronized", "bucket", "big"]


def port(rng):
    return ":%d" % rng.choice(PORTS)


def predicate(rng):
    kind = rng.randrange(4)
    if kind < 2:
        word = "sport" if kind == 0 else "dport"
        return "%s %s %s" % (word, rng.choice(OPS), port(rng))
    host = rng.choice(HOSTS)
    if rng.randrange(3) == 0:
        host += port(rng)
    word = "src" if kind == 2 else "dst"
    eq = rng.choice(["", "= ", "== "])
    return "%s %s%s" % (word, eq, host)


def expr(rng, depth):
    pick = rng.randrange(10 if depth > 0 else 1)
    if pick < 4:
        return predicate(rng)
    if pick < 6:
        return rng.choice(["not ", "! "]) + expr(rng, depth - 1)
    if pick < 7:
        return "( %s )" % expr(rng, depth - 1)
    conn = rng.choice(["and", "&&", "or", "||", ""])
    left, right = expr(rng, depth - 1), expr(rng, depth - 1)
    return "( %s %s %s )" % (left, conn, right) if rng.randrange(2) else \
        "%s %s %s" % (left, conn, right)


def expression(rng):
    words = []
    # ss reads states that leave none ("exclude all") as its default set: not drawn.
    for i in range(rng.choice([0, 0, 1, 2])):
        if i == 0 and rng.randrange(3) == 0:
            words.append("exclude %s" % rng.choice(STATES[:11]))
        else:
            words.append("state %s" % rng.choice(STATES))
    if not words or rng.randrange(4):
        words.append(expr(rng, 3))
    return " ".join(w for w in words if w).replace("  ", " ")


def main():
    seed, n = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    for _ in range(n):
        print(expression(rng))


if __name__ == "__main__":
    main()
