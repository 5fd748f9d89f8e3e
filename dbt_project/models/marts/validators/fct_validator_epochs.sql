{{
    config(
        materialized='incremental',
        unique_key=['epoch', 'vote_account'],
    )
}}

-- The `epochs` var limits the build to those epochs on full and incremental runs alike;
-- delete+insert then replaces exactly the rebuilt (epoch, vote_account) rows. Every epoch-wide
-- figure (cluster skip rate, superminority) is a window over the epoch's own rows, so building
-- one epoch reads nothing of the others. trim_scale drops the trailing zeros of numeric
-- division (0.25, not 0.25000000000000000000) for readers and exports.

with

validator_epochs as (
    select * from {{ ref('int_validator_epochs') }}
    where {{ epoch_filter('epoch') }}
),

cluster_epochs as (
    select * from {{ ref('int_cluster_epochs') }}
    where {{ epoch_filter('epoch') }}
),

rates as (
    select
        validator_epochs.*,
        cluster_epochs.total_stake_lamports,
        cluster_epochs.blocks_produced as cluster_blocks_produced,
        cluster_epochs.epochs_per_year,
        (validator_epochs.leader_slots - validator_epochs.blocks_produced)::numeric
        / nullif(validator_epochs.leader_slots, 0) as skip_rate,
        -- Jito StakeNet's credit ratio: timely vote credits earn at most 16 per produced block.
        -- Unknown credits leave it unknown: a ratio of 0 would fail every delinquency gate.
        validator_epochs.credits::numeric
        / nullif(cluster_epochs.blocks_produced * 16, 0) as credit_ratio,
        -- The whole reward (stakers' and commission): revealed by the commission cut when
        -- there is one, else priced by points = stake × credits.
        case
            when
                validator_epochs.inflation_commission > 0
                and validator_epochs.inflation_commission_lamports is not null
                then
                    validator_epochs.inflation_commission_lamports * 100
                    / validator_epochs.inflation_commission
            else
                validator_epochs.stake_lamports
                * validator_epochs.credits
                * cluster_epochs.revealed_inflation_lamports
                / nullif(cluster_epochs.revealed_points, 0)
        end as inflation_rewards_lamports,
        sum(validator_epochs.stake_lamports) over (
            partition by validator_epochs.epoch
            order by validator_epochs.stake_lamports desc, validator_epochs.vote_account asc
            rows between unbounded preceding and current row
        ) as cumulative_stake_lamports
    from validator_epochs
    inner join cluster_epochs
        on validator_epochs.epoch = cluster_epochs.epoch
),

with_cluster_skip_rate as (
    select
        *,
        -- Stake-weighted over the validators that had leader slots.
        sum(stake_lamports * skip_rate) over (partition by epoch)
        / nullif(
            sum(stake_lamports) filter (where skip_rate is not null) over (partition by epoch),
            0
        ) as cluster_skip_rate,
        coalesce(inflation_commission, commission) as applied_commission
    from rates
),

amounts as (
    select
        *,
        -- Marinade's grace: too few leader slots to judge, so never worse than the cluster.
        case
            when leader_slots >= {{ var('grace_skip_rate_min_leader_slots') }} then skip_rate
            else least(coalesce(skip_rate, cluster_skip_rate), cluster_skip_rate)
        end as grace_skip_rate,
        floor(inflation_rewards_lamports * (100 - applied_commission) / 100)
            as staker_inflation_lamports,
        floor(mev_rewards_lamports * (10000 - mev_commission_bps) / 10000)
            as staker_mev_lamports
    from with_cluster_skip_rate
),

final as (
    select
        epoch,
        vote_account,
        identity,
        stake_lamports,
        stake_source,
        trim_scale(stake_lamports / 1000000000::numeric) as stake_sol,
        trim_scale(stake_lamports::numeric / nullif(total_stake_lamports, 0)) as stake_share,
        cumulative_stake_lamports,
        -- Superminority: the largest validators whose cumulative stake reaches a third; this
        -- validator is in it when the larger ones alone do not.
        stake_lamports > 0
        and (cumulative_stake_lamports - stake_lamports) * 3 < total_stake_lamports
            as is_superminority,
        commission,
        commission_source,
        inflation_commission,
        delinquent,
        leader_slots,
        blocks_produced,
        leader_slots - blocks_produced as skipped_slots,
        trim_scale(skip_rate) as skip_rate,
        trim_scale(cluster_skip_rate) as cluster_skip_rate,
        trim_scale(grace_skip_rate) as grace_skip_rate,
        credits,
        credits_source,
        trim_scale(credit_ratio) as credit_ratio,
        round(inflation_rewards_lamports) as inflation_rewards_lamports,
        staker_inflation_lamports,
        round(inflation_rewards_lamports) - staker_inflation_lamports
            as validator_inflation_lamports,
        fee_rewards_lamports,
        coalesce(running_jito, false) as running_jito,
        mev_commission_bps,
        mev_commission_source,
        mev_rewards_lamports,
        staker_mev_lamports,
        mev_rewards_lamports - staker_mev_lamports as validator_mev_lamports,
        epochs_per_year,
        {{ apy('staker_inflation_lamports / nullif(stake_lamports, 0)', 'epochs_per_year') }}
            as staker_inflation_apy,
        {{ apy('staker_mev_lamports / nullif(stake_lamports, 0)', 'epochs_per_year') }}
            as staker_mev_apy,
        {{ apy(
            '(staker_inflation_lamports + coalesce(staker_mev_lamports, 0))'
            ~ ' / nullif(stake_lamports, 0)',
            'epochs_per_year'
        ) }} as staker_apy,
        {{ apy(
            '(round(inflation_rewards_lamports) - staker_inflation_lamports'
            ~ ' + coalesce(mev_rewards_lamports - staker_mev_lamports, 0)'
            ~ ' + coalesce(fee_rewards_lamports, 0)) / nullif(stake_lamports, 0)',
            'epochs_per_year'
        ) }} as validator_apy
    from amounts
)

select * from final
