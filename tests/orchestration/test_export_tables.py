"""PostgreSQL numerics become Arrow decimals without losing lamports."""

from decimal import Decimal

import pyarrow as pa

from orchestration.exports.tables import numeric_array


def test_integers_stay_exact_and_long_fractions_are_rounded_to_38_digits():
    lamports = Decimal("412345678901234567")  # beyond float64's 2**53
    array = numeric_array([lamports, None, Decimal("5")])
    assert array.type == pa.decimal128(38, 0)
    assert array.to_pylist() == [lamports, None, Decimal(5)]

    third = Decimal(1) / Decimal(3)
    mixed = numeric_array([Decimal("12345678901234567890"), Decimal("0.5") + third])
    assert mixed.type == pa.decimal128(38, 18)  # 20 integer digits leave 18 for the fraction
    assert mixed.to_pylist()[1] == Decimal("0.833333333333333333")


def test_a_column_without_values_keeps_a_decimal_type():
    assert numeric_array([None, None]).type == pa.decimal128(38, 9)
