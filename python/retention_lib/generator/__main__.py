"""python -m retention_lib.generator: see retention_lib.generator.main."""

from retention_lib.generator import main

raise SystemExit(main())
