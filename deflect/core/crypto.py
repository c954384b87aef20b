"""Encryption at rest: AES-256-GCM field types, keyed lookup digests and key rotation.

Keys come from ``settings.DEFLECT_DATA_KEYS``, an ordered list of base64 32-byte keys: the
first encrypts, every listed key decrypts. A stored value names the key that sealed it::

    dfk1$<key id>$<base64(nonce || ciphertext || tag)>

where the key id is the first 8 hex digits of SHA-256 of the key. The model label and field
name are bound to the ciphertext as associated data, so a value copied into another column does
not decrypt. An empty string is stored as an empty string (so ``blank`` checks keep working);
``None`` stays ``NULL``. A value without the prefix is legacy plaintext, read as it is until
``deflect keys rotate`` (or the migration that introduced the field) seals it.

Invariants: no key is a constant in the source; a value sealed with a key that is no longer
listed raises ``DataKeyError`` naming the missing key id, never returns garbage.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction

PREFIX = "dfk1$"
NONCE_BYTES = 12


class DataKeyError(ImproperlyConfigured):
    """A value cannot be sealed or opened with the configured data keys."""


@dataclass(frozen=True)
class DataKey:
    key_id: str
    secret: bytes

    def derive(self, purpose: str) -> bytes:
        """A separate 32-byte key for ``purpose`` (lookup digests, backups), from this key."""
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(
            self.secret
        )


def generate_key() -> str:
    """A fresh data key, as it goes into ``DEFLECT_DATA_KEYS``."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def parse_key(text: str) -> DataKey:
    try:
        secret = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError) as exc:
        raise DataKeyError("A DEFLECT_DATA_KEYS entry is not valid base64.") from exc
    if len(secret) != 32:
        raise DataKeyError(
            f"A DEFLECT_DATA_KEYS entry must be 32 bytes (AES-256), not {len(secret)}; "
            "make one with 'deflect keys generate'."
        )
    return DataKey(hashlib.sha256(secret).hexdigest()[:8], secret)


@lru_cache(maxsize=8)
def _keyring(texts: tuple[str, ...]) -> tuple[DataKey, ...]:
    return tuple(parse_key(text) for text in texts)


def keyring() -> tuple[DataKey, ...]:
    """The configured keys, current first."""
    texts = tuple(getattr(settings, "DEFLECT_DATA_KEYS", ()) or ())
    if not texts:
        raise DataKeyError("No data key: set DEFLECT_DATA_KEYS (see docs/configuration.md).")
    return _keyring(texts)


def current_key() -> DataKey:
    return keyring()[0]


def key_id_of(stored: str | None) -> str | None:
    """The key id a stored value was sealed with; None for plaintext, empty or NULL."""
    if not stored or not stored.startswith(PREFIX):
        return None
    return stored[len(PREFIX) :].split("$", 1)[0]


def seal(plaintext: str, *, context: str, key: DataKey | None = None) -> str:
    key = key or current_key()
    nonce = os.urandom(NONCE_BYTES)
    body = AESGCM(key.secret).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{PREFIX}{key.key_id}${base64.b64encode(nonce + body).decode()}"


def open_sealed(stored: str, *, context: str) -> str:
    """The plaintext of ``stored``; legacy plaintext comes back unchanged."""
    if not stored.startswith(PREFIX):
        return stored
    try:
        key_id, payload = stored[len(PREFIX) :].split("$", 1)
        raw = base64.b64decode(payload, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise DataKeyError(f"An encrypted value of {context} is malformed.") from exc
    key = next((k for k in keyring() if k.key_id == key_id), None)
    if key is None:
        raise DataKeyError(
            f"A value of {context} is encrypted with data key {key_id}, which is not in "
            "DEFLECT_DATA_KEYS; add that key back (it may be listed after the current one)."
        )
    try:
        plain = AESGCM(key.secret).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
    except InvalidTag as exc:
        raise DataKeyError(
            f"A value of {context} does not decrypt with data key {key_id} "
            "(wrong key, or the value was altered or moved)."
        ) from exc
    return plain.decode()


def lookup_digests(value: str, *, purpose: str) -> list[str]:
    """Keyed digests (HMAC-SHA256) of ``value`` under every listed key, current first.

    Exact-match lookup on an encrypted field compares these: rows written before a rotation
    carry the older key's digest until ``deflect keys rotate`` reaches them.
    """
    if not value:
        return []
    return [lookup_digest(value, purpose=purpose, key=key) for key in keyring()]


def lookup_digest(value: str, *, purpose: str, key: DataKey | None = None) -> str:
    if not value:
        return ""
    secret = (key or current_key()).derive(f"deflect-lookup:{purpose}")
    return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Free text stored AES-256-GCM encrypted. Not searchable in SQL beyond ``= ''``."""

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only)
        self.crypto_context = f"{cls._meta.label_lower}.{name}"

    def _context(self) -> str:
        return getattr(self, "crypto_context", self.name or "field")

    def to_plaintext(self, value) -> str:
        return value

    def from_plaintext(self, text: str):
        return text

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return seal(self.to_plaintext(value), context=self._context())

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return self.from_plaintext(open_sealed(value, context=self._context()))


class EncryptedCharField(EncryptedTextField):
    """A one-line encrypted field (``max_length`` limits the plaintext, not the column)."""

    def formfield(self, **kwargs):
        return super().formfield(**{"widget": forms.TextInput, **kwargs})


class EncryptedJSONField(EncryptedTextField):
    """A JSON value (lists and objects of answers) stored encrypted as JSON text."""

    # What django-stubs takes as the field's Python type: any JSON value, not a str.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def get_prep_value(self, value):
        if value is None:
            return None
        return seal(self.to_plaintext(value), context=self._context())

    def to_plaintext(self, value) -> str:
        return json.dumps(value, sort_keys=True, separators=(",", ":"))

    def from_plaintext(self, text: str):
        return json.loads(text)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        if value == "":
            return self.get_default()
        return self.from_plaintext(open_sealed(value, context=self._context()))

    def to_python(self, value):
        return value

    def value_to_string(self, obj):
        """Serialized (backups) as the JSON value itself, like ``models.JSONField``."""
        return self.value_from_object(obj)

    def formfield(self, **kwargs):
        return forms.JSONField(**kwargs)


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    return [f for f in model._meta.local_concrete_fields if isinstance(f, EncryptedTextField)]


def encrypted_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if not m._meta.proxy and encrypted_fields(m)]


@dataclass
class RotationCount:
    model: str
    checked: int = 0
    resealed: int = 0


# Extra columns a model keeps from its encrypted values (e.g. the person's phone digests),
# recomputed with the current key when a row is resealed: {model label: function(plaintexts)}.
DERIVED_COLUMNS: dict[str, Callable[[dict[str, str]], dict[str, str]]] = {}


def reseal_model(
    model: type[models.Model],
    *,
    batch_size: int = 500,
    fields: Iterable[EncryptedTextField] | None = None,
    derived: Callable[[dict[str, str]], dict[str, str]] | None = None,
) -> RotationCount:
    """Re-encrypt ``model``'s rows not sealed with the current key, a batch per transaction.

    Safe while the application runs: each row is updated only if its columns still hold what
    was read (a concurrent write already used the current key and is left alone). Idempotent.
    """
    fields = list(fields if fields is not None else encrypted_fields(model))
    derived = derived or DERIVED_COLUMNS.get(model._meta.label_lower)
    key = current_key()
    count = RotationCount(model._meta.label)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk_column = quote(model._meta.pk.column)
    columns = [quote(f.column) for f in fields]
    last_pk = None
    while True:
        where = f"WHERE {pk_column} > %s " if last_pk is not None else ""
        sql = (
            f"SELECT {pk_column}, {', '.join(columns)} FROM {table} "  # noqa: S608
            f"{where}ORDER BY {pk_column} LIMIT %s"
        )
        params = [last_pk, batch_size] if last_pk is not None else [batch_size]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            for pk, *stored in rows:
                count.checked += 1
                stale = [
                    (field, value)
                    for field, value in zip(fields, stored, strict=True)
                    if value not in (None, "") and key_id_of(value) != key.key_id
                ]
                if not stale:
                    continue
                plaintexts = {
                    f.name: open_sealed(v, context=f._context())
                    for f, v in zip(fields, stored, strict=True)
                    if v not in (None, "")
                }
                sets = {
                    f.column: seal(
                        _as_stored_plaintext(f, plaintexts[f.name]), context=f._context(), key=key
                    )
                    for f, _ in stale
                }
                if derived:
                    sets.update(derived(plaintexts))
                assignments = ", ".join(f"{quote(c)} = %s" for c in sets)
                guards = " AND ".join(f"{quote(f.column)} = %s" for f, _ in stale)
                cursor.execute(
                    f"UPDATE {table} SET {assignments} "  # noqa: S608
                    f"WHERE {pk_column} = %s AND {guards}",
                    [*sets.values(), pk, *[v for _, v in stale]],
                )
                count.resealed += cursor.rowcount
        if len(rows) < batch_size:
            return count
        last_pk = rows[-1][0]


def _as_stored_plaintext(field: EncryptedTextField, text: str) -> str:
    """Legacy JSON columns hold JSON text already; re-serialise it canonically."""
    if isinstance(field, EncryptedJSONField):
        return field.to_plaintext(json.loads(text))
    return text


def reseal_all(*, batch_size: int = 500) -> list[RotationCount]:
    return [reseal_model(model, batch_size=batch_size) for model in encrypted_models()]


def unseal_model(model: type[models.Model], *, batch_size: int = 500) -> int:
    """Write ``model``'s encrypted columns back as plaintext (reversing the migration that
    introduced encryption). Returns the number of rows changed."""
    fields = encrypted_fields(model)
    changed = 0
    for obj in model._base_manager.order_by("pk").iterator(chunk_size=batch_size):
        values = {}
        for field in fields:
            value = getattr(obj, field.attname)
            if isinstance(field, EncryptedJSONField) and value is not None:
                value = field.to_plaintext(value)
            values[field.column] = value
        quote = connection.ops.quote_name
        assignments = ", ".join(f"{quote(c)} = %s" for c in values)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608
                f"WHERE {quote(model._meta.pk.column)} = %s",
                [*values.values(), obj.pk],
            )
        changed += 1
    return changed


def sealing_operations(app_label: str, *model_names: str, derived=None):
    """``(forward, backward)`` for a migration's ``RunPython``: encrypt the existing rows of
    the named models with the current key (and back to plaintext on the way down)."""

    def forward(apps, schema_editor):
        for name in model_names:
            model = apps.get_model(app_label, name)
            reseal_model(model, derived=(derived or {}).get(name))

    def backward(apps, schema_editor):
        for name in model_names:
            unseal_model(apps.get_model(app_label, name))

    return forward, backward
