"""Typeset one Typst document in a process of its own: `python -I typeset.py TEMPLATE` with a JSON job on stdin.

Run as a script (not imported): wsoa.reports.pdf starts it for every paper. The Typst compiler keeps what it has laid
out in memory for the next document (a 1,000-action paper leaves about 270 MB behind, and it adds up paper after
paper), so a web worker that compiled in-process would keep growing; a process per paper gives it all back when it
ends. The job is {"inputs": {name: text}, "timestamp": unix seconds, "standards": [...], "font_dirs": [...]}; the
PDF comes back on stdout; an error's message on stderr with exit status 1.

This file imports nothing from the app, so starting it costs only Python and the compiler.
"""

import json
import sys
from pathlib import Path


def main() -> int:
    import typst

    template = Path(sys.argv[1])
    job = json.load(sys.stdin.buffer)
    fonts = typst.Fonts(include_system_fonts=False, font_paths=job["font_dirs"])
    try:
        pdf = typst.compile(
            template,
            root=template.parent,  # the template's own folder, which holds nothing else
            font_paths=fonts,
            ignore_system_fonts=True,
            sys_inputs=job["inputs"],
            pdf_standards=job["standards"],
            timestamp=job["timestamp"],
        )
    except typst.TypstError as error:
        sys.stderr.write(f"{error.message}\n")
        return 1
    sys.stdout.buffer.write(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
