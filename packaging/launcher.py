"""Entry point of the bundled app: the same as the `nnplayground` command."""
import sys

from nnplayground.cli import main

sys.exit(main())
