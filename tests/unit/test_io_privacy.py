"""Data minimisation: dropping identifiers, keyed pseudonyms, ids derived from e-mails."""

import hashlib
import hmac

import pandas as pd
import pytest

from kundenmodell import Dataset, io
from kundenmodell.io.privacy import IDENTIFIERS

KEY = bytes(range(32))


def _data() -> Dataset:
    customers = pd.DataFrame(
        {
            "customer_id": ["1", "2", "3"],
            "first_name": ["Jürgen", "Anna", None],
            "last_name": ["Müller", "Schmidt", "Weiß"],
            "email": ["J.Mueller@Web.de ", "anna@gmx.de", "j.mueller@web.de"],
            "phone": ["+49 (351) 4711-0", "0171 1234567", None],
            "city": ["Dresden", "Berlin", "Köln"],
        }
    )
    purchases = pd.DataFrame(
        {
            "customer_id": ["1", "3"],
            "date": pd.to_datetime(["2024-01-02"] * 2),
            "amount": [10.0, 20.0],
        }
    )
    return Dataset(customers, purchases, name="kunden")


def test_identifiers_are_the_schemas_direct_identifiers():
    assert IDENTIFIERS == ("first_name", "last_name", "email", "phone")


def test_drop_removes_exactly_the_identifiers():
    data = _data()
    minimal = io.minimise(data, "drop")
    assert list(minimal.customers.columns) == ["customer_id", "city"]
    assert list(data.customers.columns)[1] == "first_name"  # the original is untouched
    pd.testing.assert_frame_equal(minimal.transactions, data.transactions)
    assert io.minimise(data, "keep") is data


def test_pseudonyms_are_keyed_hmac_sha256_of_the_normalised_value():
    expected = "p" + hmac.new(KEY, b"email\x1fj.mueller@web.de", hashlib.sha256).hexdigest()[:16]
    pseudonyms = io.pseudonymise(pd.Series(["J.Mueller@Web.de ", None]), KEY, "email")
    assert pseudonyms.iloc[0] == expected
    assert pd.isna(pseudonyms.iloc[1])


def test_the_same_person_keeps_one_pseudonym_and_another_key_gives_another():
    data = io.minimise(_data(), "pseudonymise", KEY)
    emails = data.customers["email"]
    assert emails.iloc[0] == emails.iloc[2]  # the duplicate stays visible
    assert emails.iloc[0] != emails.iloc[1]
    assert emails.str.fullmatch(r"p[0-9a-f]{16}").all()
    phones = io.pseudonymise(pd.Series(["+49 (351) 4711-0", "+4935147110"]), KEY, "phone")
    assert phones.iloc[0] == phones.iloc[1]
    other = io.minimise(_data(), "pseudonymise", io.new_key())
    assert not (other.customers["email"] == emails).any()
    # a name and an e-mail with the same text do not share a pseudonym (domain separation)
    same = pd.Series(["anna"])
    assert io.pseudonymise(same, KEY, "first_name")[0] != io.pseudonymise(same, KEY, "email")[0]
    assert list(data.customers["city"]) == ["Dresden", "Berlin", "Köln"]


def test_ids_made_from_email_addresses_are_pseudonymised_everywhere():
    data = _data()
    data.customers["customer_id"] = ["j.mueller@web.de", "anna@gmx.de", "x@y.de"]
    data.transactions["customer_id"] = ["j.mueller@web.de", "x@y.de"]
    for mode in ("drop", "pseudonymise"):
        minimal = io.minimise(data, mode, KEY, id_is_identifier=True)
        ids = minimal.customers["customer_id"]
        assert not ids.str.contains("@").any()
        assert minimal.transactions["customer_id"].isin(ids).all()  # purchases still join


def test_keys_are_random_and_long_enough():
    assert len(io.new_key()) == 32 and io.new_key() != io.new_key()
    with pytest.raises(ValueError):
        io.pseudonymise(pd.Series(["a"]), b"short", "email")
    with pytest.raises(ValueError):
        io.minimise(_data(), "pseudonymise")
