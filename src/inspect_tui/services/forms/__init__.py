"""The survey form's content (issue 18): recorded per case and survey cycle (records.py),
checked against the content rules with the inspector's marks (points.py), and what the
rules that fire teach, per surveyor and across the office (teaching.py)."""
