"""The house rules are contracts (pyproject.toml, [tool.importlinter]): pure leaves, layered rooms, no
cycles."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_import_contracts_hold() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(contracts)} kept, 0 broken" in result.stdout, result.stdout


LAZY_CHECKED = ("service", "outbox", "extractors", "rules")  # service/cli/ imports per command, by design


def _imports_in_functions(tree: ast.AST) -> set[int]:
    """Line numbers of the import statements inside a function (nested functions and methods too)."""
    functions = [node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return {
        node.lineno
        for function in functions
        for node in ast.walk(function)
        if isinstance(node, (ast.Import, ast.ImportFrom))
    }


def function_level_imports(root: Path) -> list[str]:
    """`path:line: statement` of each import inside a function, outside service/cli/, without `# lazy:`.

    An import stays in its function only for a measured start-up cost or a cycle, said on its line, e.g.
    `import pdfplumber  # lazy: 180 ms at import, only ruled pages need it`."""
    found = []
    for package in LAZY_CHECKED:
        for path in sorted((root / package).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            if rel.startswith("service/cli/"):
                continue
            source = path.read_text(encoding="utf-8")
            lines = source.splitlines()
            for number in sorted(_imports_in_functions(ast.parse(source, filename=rel))):
                if "# lazy:" not in lines[number - 1]:
                    found.append(f"{rel}:{number}: {lines[number - 1].strip()}")
    return found


def test_function_level_imports_say_why() -> None:
    found = function_level_imports(REPO)
    why = "imports inside functions: move them to the top, or add `# lazy: <measured reason>` on the line"
    assert not found, why + ":\n" + "\n".join(found)


def test_outbox_loads_of_service_only_the_base() -> None:
    """The outbox's one edge into service (the contract's single ignore) loads the leaf Base and nothing else:
    no settings, errors or engines come in behind it."""
    probe = "import outbox.models, sys; print(sorted(m for m in sys.modules if m.split('.')[0] == 'service'))"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == str(["service", "service.store", "service.store.base"])
