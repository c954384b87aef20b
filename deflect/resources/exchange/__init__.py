"""HSDS 3.0 import and export of the resource directory, by concern:

- ``dataset``: the tables read from a file (``Dataset``, ``Row``), ``ImportReport`` and
  ``ImportFailed``;
- ``parsing``: UTF-8 text, CSV rows, compiled JSON and the tabular package's CSV files;
- ``packages``: reading and writing .zip packages;
- ``template``: the one-sheet CSV template;
- ``validation``: checking every row and reference, and finding likely duplicates;
- ``importing``: ``read`` a file, ``import_dataset`` / ``import_file`` (all or nothing);
- ``export``: compiled JSON and the tabular package.

An import is all-or-nothing: every row is checked first (errors name the file, the row or
object, the field and the problem); then everything is written in one transaction, or nothing
when ``dry_run``. Likely duplicates (another organization with the same name and address) are
reported, never merged.
"""
