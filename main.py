"""ParaSim entry point: the desktop app by default, headless verbs otherwise.

    parasim                             open the app on the default scenario, already run
    parasim run SCENARIO ...            simulate headless and print the summary
    parasim presets                     list the built-in scenarios

`python main.py ...` in a checkout (after `pip install -e .`) is the same command; installed,
this module is `parasim.main` and `python -m parasim` runs it too.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from parasim.sim.cli import main as cli_main
    from parasim.sim.cli import verb_names
    if argv and (argv[0] in verb_names() or argv[0] in ("-h", "--help")):
        return cli_main(argv)
    try:
        from parasim.gui.app import main as gui_main
    except ImportError:
        return cli_main(argv)
    return gui_main(argv)


if __name__ == "__main__":
    sys.exit(main())
