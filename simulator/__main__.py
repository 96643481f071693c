"""``python -m simulator`` runs the ``mock-interview`` command line."""

from simulator.cli import main

if __name__ == "__main__":
    main()
