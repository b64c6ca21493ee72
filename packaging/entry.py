"""The frozen app's entry point (packaging/fieldapp.spec): the same `fieldapp` command as the source tree."""

import sys

from fieldapp.cli import main

if __name__ == "__main__":
    sys.exit(main())
