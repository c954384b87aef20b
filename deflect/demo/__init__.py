"""The synthetic demo county: one loader (``deflect.demo.loader``) calling each part in order.

This package sits above every domain app: it may import any of them, and none of them imports it.
"""
