{#
    The Jito StakeNet steward's 4-tier raw score (programs/steward/src/score.rs,
    encode_validator_score): one unsigned 64-bit number whose bits hold, most significant first,
    100 − commission (8 bits), 10,000 − MEV commission bps (14 bits), validator age (17 bits) and
    the scaled credits ratio (25 bits), each capped to its field. Comparing the numbers compares
    the tiers in that order. numeric, because a u64 does not fit a bigint.
#}
{% macro stakenet_raw_score(commission, mev_commission_bps, validator_age, vote_credits) %}
    (
        (100 - least({{ commission }}, 100))::numeric * 72057594037927936
        + (10000 - least({{ mev_commission_bps }}, 10000))::numeric * 4398046511104
        + least({{ validator_age }}, 131071)::numeric * 33554432
        + least({{ vote_credits }}, 33554431)::numeric
    )
{% endmacro %}
