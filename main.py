"""ParaSim entry point: the desktop app by default, headless verbs otherwise.

    python main.py                      open the app on the default scenario, already run
    python main.py run SCENARIO ...     simulate headless and print the summary
    python main.py presets              list the built-in scenarios
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from sim.cli import main as cli_main
    from sim.cli import verb_names
    if argv and (argv[0] in verb_names() or argv[0] in ("-h", "--help")):
        return cli_main(argv)
    try:
        from gui.app import main as gui_main
    except ImportError:
        return cli_main(argv)
    return gui_main(argv)


if __name__ == "__main__":
    sys.exit(main())
