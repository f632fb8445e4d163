"""The contract's district (seed 001): district C of Kobe, its wards and its insurer.

The defaults of the config file; a contractor working another district sets its
own in the config (``wards``, ``home_insurer``).
"""

from __future__ import annotations

#: District C: 長田区, 須磨区, 垂水区 (seed 001 §3).
DEFAULT_WARDS = ("長田区", "須磨区", "垂水区")
#: Requests from this insurer are the city's own; others are other municipalities' (billed apart).
DEFAULT_HOME_INSURER = "神戸市"
