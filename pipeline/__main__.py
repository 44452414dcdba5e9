import sys

from klynge._entry import main

sys.exit(main())
