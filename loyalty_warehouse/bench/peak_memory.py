"""python peak_memory.py '["cmd", "arg", ...]': run the command, then print one JSON
line with its exit code and the peak resident memory of its children (getrusage),
for the bench's measure.run_measured."""

import json
import resource
import subprocess
import sys

code = subprocess.call(json.loads(sys.argv[1]))
print(json.dumps({"code": code, "peak_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
