"""Running ``credit-bot`` in-process the way a shell would, capturing what it prints."""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.entrypoints import cli


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def json(self) -> dict:
        return json.loads(self.out)

    @property
    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.out.splitlines()]


def cli_in_process(monkeypatch, capsys, *args: str, **env: str) -> Run:
    """``credit-bot ARGS`` with extra environment ``env``; returns exit code, stdout, stderr."""
    with monkeypatch.context() as m:
        for name, value in env.items():
            m.setenv(name, value)
        capsys.readouterr()
        code = cli.main(list(args))
        captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)
