"""Paths to the test data, importable from any test module."""

from pathlib import Path

DATA = Path(__file__).parent / "data"
TEST_SCRIPT = DATA / "scripts" / "two_questions.toml"
