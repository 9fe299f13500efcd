"""``python -m vcall`` runs the command-line interface."""

from vcall.cli.app import main

if __name__ == "__main__":
    main()
