"""``python -m bench`` runs the benchmark (see ``bench.orchestrator``)."""

from bench.orchestrator import main

raise SystemExit(main())
