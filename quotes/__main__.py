"""``python -m quotes``: the same command as the ``quotes`` console script."""
from quotes.cli import cli

if __name__ == "__main__":
    cli(prog_name="quotes")
