#!/bin/sh
# scdoc-man.sh SCDOC SOURCE: scdoc(5) on stdin to a man page on stdout, as
# scdoc writes it, with SOURCE ("tcpstat 0.1.0") in the .TH line, so the
# version shows at the foot of the page, and without the paragraph macros
# mandoc -T lint warns about.
#
# scdoc 1.11.2 writes a .P for every blank line of its input, including
# those next to a section heading and the last one of an indented block
# (".P" then ".RE"); both renderers skip those, and mandoc says so
# ("skipping paragraph macro"). Here a .P is held back until text follows:
# one right after a heading or at the end is dropped, runs of them become
# one, and one before .RE is moved after it, where the space it makes
# belongs.
set -eu
"$1" | awk -v source="$2" '
	/^\.TH / {
		# .TH title section date [source [manual]]: scdoc gives three.
		print $0 " \"" source "\""
		last = $0
		next
	}
	/^\.P$/ {
		if (last !~ /^\.(TH|SH|SS) /)
			pending = 1
		next
	}
	/^\.(SH|SS) / {
		pending = 0
	}
	/^\.RE$/ {
		print
		last = $0
		next
	}
	{
		if (pending)
			print ".P"
		pending = 0
		print
		last = $0
	}
'
