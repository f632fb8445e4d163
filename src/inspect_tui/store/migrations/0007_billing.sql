-- 7: months closed for billing (seed 001 §14), and the cases each closed month paid for.
-- A case is paid once: a form accepted again after a re-survey in a later month is
-- not billed again, and a closed month's figures no longer move.
CREATE TABLE billing_months (
    month     TEXT PRIMARY KEY,
    closed_at TEXT NOT NULL,
    who       TEXT NOT NULL
);

CREATE TABLE billed_cases (
    case_id   INTEGER PRIMARY KEY REFERENCES cases(id),
    month     TEXT NOT NULL REFERENCES billing_months(month),
    is_home   INTEGER NOT NULL CHECK (is_home IN (0, 1))
);
CREATE INDEX billed_cases_month ON billed_cases(month);
