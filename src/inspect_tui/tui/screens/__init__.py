"""The screens, one folder per feature.

A screen imports the services and the other screens a key opens inside that key's
action: importing every service and screen at start costs about 255 ms on top of the
app's 170 ms (measured 2026-12-02, perf_counter, 3 runs; see docs/architecture.md).
"""
