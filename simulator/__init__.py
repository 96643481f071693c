"""The mock interview: scripts, the rehearsal loop, timing, sessions, reports and the CLI.

Importing this package loads no model and opens no device; heavy work happens in factories
(`simulator.interview.parts`) called by the CLI.
"""

__version__ = "0.1.0"
