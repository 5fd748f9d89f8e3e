"""PostgreSQL numerics become one Arrow decimal type without losing lamports."""

from decimal import Decimal

import pyarrow as pa

from orchestration.exports.tables import numeric_array


def test_integers_stay_exact_and_long_fractions_are_rounded():
    lamports = Decimal("18446744073709551615")  # u64's maximum, beyond float64's 2**53
    third = Decimal(1) / Decimal(3)
    array = numeric_array([lamports, None, third, Decimal("5")])
    assert array.type == pa.decimal128(38, 18)
    assert array.to_pylist() == [lamports, None, Decimal("0.333333333333333333"), Decimal(5)]


def test_every_partition_gets_the_same_type_even_without_values():
    assert numeric_array([None, None]).type == numeric_array([Decimal("0.5")]).type


def test_integers_beyond_20_digits_widen_instead_of_overflowing():
    big = Decimal("123456789012345678901234")
    array = numeric_array([big])
    assert array.type == pa.decimal256(76, 18)
    assert array.to_pylist() == [big]
