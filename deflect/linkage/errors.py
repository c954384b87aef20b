"""The linkage domain's error codes."""

from deflect.core.errors import DomainErrorCode


class LinkageErrorCode(DomainErrorCode):
    # A review decision that the pipeline does not allow (e.g. deciding twice the same way).
    INVALID_TRANSITION = "review_invalid_transition"
    # The backend named is not one of duckdb, spark.
    UNKNOWN_BACKEND = "linkage_unknown_backend"
    # Thresholds must satisfy 0 < lower < upper <= 1.
    BAD_THRESHOLDS = "linkage_bad_thresholds"
    # A truth file that cannot be read (missing columns).
    BAD_TRUTH_FILE = "linkage_bad_truth_file"
