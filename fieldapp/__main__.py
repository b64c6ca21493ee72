from __future__ import annotations

import sys

from fieldapp.cli import main

sys.exit(main())
