-- Reported in Dagster as a check on the mart it reconciles.
{{ config(meta={'dagster': {'ref': {'name': 'fct_validator_epochs'}}}) }}

-- Rewards against inflation's split: the runtime pays each validator's stake its points
-- (stake × credits) times the epoch's price of a point, so every validator whose reward reveals
-- its whole amount (commission > 0, at least 1 SOL so that rounding is negligible) must imply
-- the epoch's (median) price, within `inflation_reconciliation_tolerance`. Only stake known for the epoch
-- itself takes part: the snapshot taken as the epoch closed holds the next epoch's stake, and
-- unknown stake or credits are unknown, not failures.

{% set query %}
with

validator_epochs as (
    select
        epoch,
        vote_account,
        stake_lamports,
        stake_source,
        credits,
        inflation_rewards_lamports,
        inflation_rewards_lamports / (stake_lamports::numeric * credits) as point_price
    from {{ ref('fct_validator_epochs') }}
    where
        {{ epoch_filter('epoch') }}
        and inflation_commission > 0
        and inflation_rewards_lamports >= 1000000000
        and stake_lamports > 0
        and credits > 0
        and stake_source not like '%as the epoch closed%'
),

epoch_price as (
    select
        epoch,
        count(*) as validators,
        -- The median: one validator paid off the price must not move the reference.
        percentile_cont(0.5) within group (order by point_price) as point_price
    from validator_epochs
    group by epoch
),

off_price as (
    select
        validator_epochs.*,
        epoch_price.validators,
        epoch_price.point_price as epoch_point_price
    from validator_epochs
    inner join epoch_price on validator_epochs.epoch = epoch_price.epoch
    where
        abs(validator_epochs.point_price - epoch_price.point_price)
        > {{ var('inflation_reconciliation_tolerance') }} * epoch_price.point_price
),

final as (
    select
        epoch,
        format(
            'epoch %s: %s of %s validators were paid off the price of a point (%s lamports a '
            'stake-credit), e.g. %s',
            epoch,
            count(*),
            max(validators),
            trim(to_char(max(epoch_point_price), '9.999EEEE')),
            array_to_string(
                (array_agg(
                    format(
                        '%s: %s lamports for stake %s (%s) x %s credits',
                        vote_account, inflation_rewards_lamports, stake_lamports, stake_source,
                        credits
                    )
                    order by vote_account
                ))[1:3],
                '; '
            )
        ) as message
    from off_price
    group by epoch
)

select * from final
{% endset %}

{{ reconciliation(query, "inflation rewards do not follow stake × credits") }}
