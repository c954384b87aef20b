"""The outcomes app's error codes: outside-record imports and record links."""

from deflect.core.errors import DomainErrorCode


class OutcomesErrorCode(DomainErrorCode):
    # A row of an import file is missing a value or has one that cannot be read.
    IMPORT_INVALID_ROW = "outcomes_import_invalid_row"
    # The file itself cannot be read (encoding, header, mapping file, size).
    IMPORT_INVALID_FILE = "outcomes_import_invalid_file"
    # A link names an outside record or a person of another program.
    LINK_INVALID = "outcomes_link_invalid"
    # An import batch cannot move to the asked status.
    BATCH_INVALID_TRANSITION = "outcomes_batch_invalid_transition"
    # A comparison or filter the measures cannot compute (e.g. a period that ends before it starts).
    MEASURE_INVALID = "outcomes_measure_invalid"
