from pathlib import Path

extensions = ["myst_parser", "tested_with"]
tested_with_matrix = str(Path(__file__).parent / "matrix.toml")
