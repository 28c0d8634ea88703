"""Entry point: ``python app.py`` serves the bot (the same as ``credit-bot serve``)."""

import sys

from bot.entrypoints.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
