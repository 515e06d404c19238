"""Where the shipped resources are: beside the package when installed, at the repo top in a checkout."""
from pathlib import Path

_here = Path(__file__).resolve().parent
RESOURCES = next((p for p in (_here / "resources", _here.parent / "resources") if p.is_dir()), _here / "resources")
EXAMPLES = RESOURCES / "examples"
DEFAULT_TABLE = EXAMPLES / "article.csv"
