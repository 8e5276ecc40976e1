import sys
from pathlib import Path

# the shared helpers and the SWFC loop reference live beside the tests
sys.path.insert(0, str(Path(__file__).parent))
