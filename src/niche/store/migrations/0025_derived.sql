-- What each derive step (fold, people, roles, links) last derived from: a fingerprint of its
-- inputs, recorded once the step has finished, so an unchanged re-run skips it (store/freshness.py).
CREATE TABLE derived (
    step        VARCHAR PRIMARY KEY,
    fingerprint VARCHAR NOT NULL,
    derived_at  TIMESTAMP NOT NULL
);
