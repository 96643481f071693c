"""Control characters in untrusted text: one definition for every place that shows or
writes text it did not write itself (scripts, transcripts, LLM replies, file names).

An escape sequence or a bell would reach the terminal, the speech engine or a caption file as
it is. Tab and line feed are ordinary text; so is carriage return in a script file (a file
saved on Windows), which the script loader allows and the display strips.
"""

from __future__ import annotations

import re

# C0 controls except tab and line feed, DEL, and the C1 controls.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# The same, less carriage return: what a script file may not hold.
CONTROL_IN_FILE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
