"""Regenerate the files in kundenmodell/sample_data/ from the synthetic generator.

Run from the repository root: ``.venv/bin/python scripts/make_sample_data.py``.
A test checks that the committed files equal a fresh regeneration.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kundenmodell.sample import write_samples

if __name__ == "__main__":
    for path in write_samples():
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
