"""Allow ``python -m ecograph``."""

from ecograph.cli import app

__all__: list[str] = []

if __name__ == "__main__":
    app(prog_name="ecograph")
