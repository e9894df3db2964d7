"""Parsing the project's own source files for the tests that read the code (the import map, error codes, queues)."""
import ast


def parse_file(path):
    """``ast.parse`` of a source file.

    CPython 3.11 before 3.11.8 keeps the AST constructor's recursion depth in interpreter-wide state, so a parse
    that meets another thread building an AST can fail with a spurious "SystemError: AST constructor recursion
    depth mismatch" (python/cpython#106905; seen once in a full run). The parse itself is deterministic: try again.
    """
    source = path.read_text()
    for attempt in range(3):
        try:
            return ast.parse(source)
        except SystemError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")
