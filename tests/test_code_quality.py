"""The code stays ruff- and mypy-clean, as the style guide asks."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

from tests.conftest import ROOT


def test_ruff_finds_nothing() -> None:
    command = [sys.executable, "-m", "ruff", "check", "lessonreel", "scenes", "tests", "scripts"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing_in_the_engine() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy", "lessonreel"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def engine_imports() -> dict[str, set[str]]:
    """Which engine modules each engine module imports, at the top or inside a function."""
    graph: dict[str, set[str]] = {}
    for path in sorted((ROOT / "lessonreel").rglob("*.py")):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
        graph[name] = {m for m in found if m.startswith("lessonreel.") and m != name}
    return graph


def test_no_engine_module_imports_one_that_imports_it_back() -> None:
    graph = engine_imports()
    cycles = []
    for start in graph:
        stack, seen = [(start, (start,))], set()
        while stack:
            module, path = stack.pop()
            for child in graph.get(module, ()):
                if child == start:
                    cycles.append(" -> ".join((*path, child)))
                elif child not in seen:
                    seen.add(child)
                    stack.append((child, (*path, child)))
    assert not cycles, "import cycles (move the shared part into a leaf module):\n" + \
        "\n".join(sorted(set(cycles)))


def readme_module_map() -> set[str]:
    """The engine modules the README's map names, as paths under lessonreel/, read from
    its indentation (two spaces a folder)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## How a lesson is built", 1)[1].split("```")[1]
    engine = block.split("\nscenes/", 1)[0]
    folders: list[str] = []
    mapped: set[str] = set()
    for line in engine.splitlines():
        words = line.split()
        if not words or not (words[0].endswith("/") or words[0].endswith(".py")):
            continue  # a description's second line
        depth = (len(line) - len(line.lstrip(" "))) // 2
        del folders[depth:]
        if words[0].endswith("/"):
            folders.append(words[0].rstrip("/"))
        else:
            mapped.add("/".join([*folders[1:], words[0]]))
    return mapped


def test_the_readmes_module_map_names_every_engine_module_and_nothing_else() -> None:
    mapped = readme_module_map()
    # The package's own __init__.py is the public API; sub-packages' only say what their
    # folder holds, and cli/__main__.py is `python -m lessonreel.cli`.
    package = ROOT / "lessonreel"
    modules = {path.relative_to(package).as_posix() for path in package.rglob("*.py")
               if (path.name != "__init__.py" or path.parent == package)
               and path.name != "__main__.py"}
    assert sorted(modules - mapped) == [], "modules the README's map does not describe"
    assert sorted(mapped - modules) == [], "the README's map names modules that are gone"


def test_every_engine_folder_says_what_it_holds() -> None:
    for folder in (ROOT / "lessonreel").iterdir():
        if folder.is_dir() and (folder / "__init__.py").exists():
            init = (folder / "__init__.py").read_text(encoding="utf-8")
            assert init.startswith('"""'), f"{folder.name}/__init__.py has no docstring"


#: Exceptions that are not errors shown to people, each with its reason to stay put.
NOT_ERRORS = {"lessonreel.stopping.Stopped", "lessonreel.publish.server.Unsatisfiable",
              "lessonreel.studio.renders.SceneFailed"}


def test_every_error_lives_in_errors_py_and_is_drawn_in_its_tree() -> None:
    import lessonreel.errors

    elsewhere = []
    for path in sorted((ROOT / "lessonreel").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.ClassDef) and module != "lessonreel.errors"
                    and (node.name.endswith(("Error", "Failed")) or any(
                        isinstance(b, (ast.Name, ast.Attribute))
                        and ast.unparse(b).split(".")[-1].endswith(("Error", "Exception"))
                        for b in node.bases))
                    and f"{module}.{node.name}" not in NOT_ERRORS):
                elsewhere.append(f"{module}.{node.name}")
    assert not elsewhere, f"errors outside lessonreel/errors.py: {elsewhere}"
    tree = lessonreel.errors.__doc__ or ""
    defined = [name for name, value in vars(lessonreel.errors).items()
               if isinstance(value, type) and issubclass(value, Exception)
               and value.__module__ == "lessonreel.errors"]
    assert [name for name in defined if not re.search(rf"\b{name}\b", tree)] == []


def test_an_engine_module_over_400_lines_says_why_at_its_top() -> None:
    long = []
    for path in sorted((ROOT / "lessonreel").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 400:
            docstring = text.split('"""')[1] if text.startswith('"""') else ""
            if "Over 400 lines because" not in docstring:
                long.append(path.relative_to(ROOT).as_posix())
    assert long == [], "long modules that do not say why they are one module"
