"""Every fast static check of the project, in one run: ``make lint``.

Usage: python -m tools.lint

Each checker is a module with ``main(argv) -> exit status`` whose reports
name the file and line; this runs them all and fails if any failed.
"""
import importlib
import sys
import time

CHECKERS = [
    ("tools.check_pages", []),
    ("tools.lint_po", []),
    ("tools.check_code_translations", []),
]


def main() -> int:
    failed = []
    for name, args in CHECKERS:
        start = time.perf_counter()
        status = importlib.import_module(name).main(args)
        print(f"{name}: {'ok' if status == 0 else 'FAILED'} ({time.perf_counter() - start:.2f} s)")
        if status:
            failed.append(name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
