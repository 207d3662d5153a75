"""`python -m bot.cli` (the tests start the CLI this way)."""

import sys

from bot.cli import main

sys.exit(main())
