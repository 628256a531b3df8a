"""``python -m mockzenoti`` runs the command line."""

from mockzenoti.cli import main

main()
