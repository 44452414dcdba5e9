import sys

from klynge.cli import main

sys.exit(main())
