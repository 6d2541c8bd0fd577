"""`python -m parasim`: the same command as `parasim` (see main.py)."""

import sys

from parasim.main import main

sys.exit(main())
