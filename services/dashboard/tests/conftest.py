import sys
from pathlib import Path

# `tests.payloads` etc. resolve to this service's tests package whatever the working directory.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
