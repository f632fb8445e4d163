"""The contract's district (seed 001): district C of Kobe, its wards and its insurer.

The defaults of the config file; a contractor working another district sets its
own in the config (``wards``, ``home_insurer``, ``application_kinds``).
"""

from __future__ import annotations

#: District C: 長田区, 須磨区, 垂水区 (seed 001 §3).
DEFAULT_WARDS = ("長田区", "須磨区", "垂水区")
#: Requests from this insurer are the city's own; others are other municipalities' (billed apart).
DEFAULT_HOME_INSURER = "神戸市"
#: Every kind of application (申請区分) a city's request list may carry.
APPLICATION_KINDS = ("新規", "区分変更", "更新")
#: The kinds district C's contract covers: new applications and changes only, no renewals
#: (seed 001 §3(5)①: 新規申請及び変更申請に係る認定調査を対象とする).
DEFAULT_APPLICATION_KINDS = ("新規", "区分変更")
