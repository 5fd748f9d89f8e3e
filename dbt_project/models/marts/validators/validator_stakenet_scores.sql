{{
    config(
        materialized='incremental',
        unique_key=['epoch', 'vote_account'],
    )
}}

-- The Jito StakeNet steward's score of each validator in each scored epoch, computed as its
-- program does (jito-foundation/stakenet, programs/steward/src/score.rs: validator_score and
-- instant_unstake_validator) with the parameters of int_stakenet_parameters. Where the
-- steward reads its validator-history account, this reads fct_validator_epochs: an epoch the
-- validator has no row in is the steward's "no entry". Every rule and its source:
-- docs/validator_scores.md, "StakeNet".

with

targets as (
    select * from {{ ref('fct_validator_epochs') }}
    where {{ epoch_filter('epoch') }}
),

parameters as (
    select * from {{ ref('int_stakenet_parameters') }}
),

blacklist as (
    select * from {{ ref('stakenet_blacklist') }}
),

-- The steward's validator-history entry of an epoch.
entries as (
    select
        epoch,
        vote_account,
        -- The commission shown and the one charged on the epoch's reward: a rug shows in either.
        greatest(commission, inflation_commission) as commission,
        -- No tip distribution account, no MEV commission (the steward's None).
        case when running_jito then mev_commission_bps end as mev_commission_bps,
        credits,
        -- Timely vote credits (SIMD-0033) earn up to 16 a vote; earlier credits are scaled ×16.
        case
            when epoch < {{ var('tvc_activation_epoch') }} then credits * 16 else credits
        end as normalized_credits
    from {{ ref('fct_validator_epochs') }}
),

cluster_history as (
    select
        epoch,
        blocks_produced
    from {{ ref('cluster_epochs') }}
),

-- Credits window: epochs E − epoch_credits_range … E − 1 (the scored epoch is in progress when
-- the steward scores), every epoch of it whether the validator has an entry or not.
credit_window as (
    select
        targets.epoch,
        targets.vote_account,
        window_epoch.epoch as window_epoch,
        entries.normalized_credits,
        -- An entry without credits: our data does not know them (the steward never has this).
        entries.vote_account is not null and entries.credits is null as credits_unknown,
        cluster_history.blocks_produced,
        parameters.scoring_delinquency_threshold_ratio as threshold
    from targets
    cross join parameters
    cross join
        lateral generate_series(
            greatest(targets.epoch - parameters.epoch_credits_range, 0), targets.epoch - 1
        ) as window_epoch (epoch)
    left join entries
        on
            targets.vote_account = entries.vote_account
            and window_epoch.epoch = entries.epoch
    left join cluster_history
        on window_epoch.epoch = cluster_history.epoch
),

credit_ratios as (
    select
        *,
        -- No entry: the validator did not vote (the steward counts 0). No cluster blocks: the
        -- upload was missed and the epoch does not judge anyone.
        case
            when blocks_produced > 0 and not credits_unknown
                then coalesce(normalized_credits, 0)::numeric / (blocks_produced * 16)
        end as ratio
    from credit_window
),

credits as (
    select
        epoch,
        vote_account,
        count(*) as credit_window_epochs,
        count(blocks_produced) as credit_window_epochs_with_blocks,
        -- Σ credits over the whole window length, Σ blocks over the epochs that have them.
        coalesce(sum(normalized_credits), 0)::numeric / nullif(count(*), 0)
        / nullif(avg(blocks_produced) * 16, 0) as vote_credits_ratio,
        min(window_epoch) filter (where ratio < threshold) as delinquency_epoch,
        (array_agg(ratio order by window_epoch) filter (where ratio < threshold))[1]
            as delinquency_ratio,
        bool_or(credits_unknown and blocks_produced > 0) as credits_unknown
    from credit_ratios
    group by epoch, vote_account
),

-- Commission windows: E − range … E inclusive; history from the first reliable epoch on.
windows as (
    select
        targets.epoch,
        targets.vote_account,
        max(entries.commission) filter (
            where entries.epoch >= targets.epoch - parameters.commission_range
        ) as max_commission,
        max(entries.commission) filter (
            where entries.epoch >= parameters.first_reliable_epoch
        ) as max_historical_commission,
        max(entries.mev_commission_bps) filter (
            where entries.epoch >= targets.epoch - parameters.mev_commission_range
        ) as max_mev_commission_bps,
        -- Rounded up, "to be more strict" (calculate_avg_mev_commission).
        ceil(avg(entries.mev_commission_bps) filter (
            where entries.epoch >= targets.epoch - parameters.mev_commission_range
        )) as avg_mev_commission_bps,
        max(entries.mev_commission_bps) filter (where entries.epoch >= targets.epoch - 1)
            as latest_mev_commission_bps,
        -- Age: epochs with credits > 0 before the scored one (update_validator_age).
        count(*) filter (where entries.credits > 0 and entries.epoch < targets.epoch)
            as validator_age,
        -- Voting epochs for entering the pool: an entry with credits in each of the last N.
        count(*) filter (
            where
            entries.credits is not null
            and entries.epoch > targets.epoch - parameters.minimum_voting_epochs
        ) as recent_voting_epochs,
        count(*) filter (
            where
            entries.credits is null
            and entries.epoch > targets.epoch - parameters.minimum_voting_epochs
        ) as recent_unknown_credit_epochs
    from targets
    cross join parameters
    inner join entries
        on
            targets.vote_account = entries.vote_account
            and targets.epoch >= entries.epoch
    group by targets.epoch, targets.vote_account
),

inputs as (
    select
        targets.epoch,
        targets.vote_account,
        targets.identity,
        targets.stake_lamports,
        targets.is_superminority,
        blacklist.vote_account is not null as is_blacklisted,
        latest.commission as latest_commission,
        latest.normalized_credits as latest_normalized_credits,
        cluster_history.blocks_produced as latest_blocks,
        parameters.*,
        credits.credit_window_epochs,
        credits.credit_window_epochs_with_blocks,
        credits.vote_credits_ratio,
        credits.delinquency_epoch,
        credits.delinquency_ratio,
        credits.credits_unknown,
        -- No commission in the window counts as 0, no MEV commission as 10,000 bps.
        coalesce(windows.max_commission, 0) as max_commission,
        coalesce(windows.max_historical_commission, 0) as max_historical_commission,
        coalesce(windows.max_mev_commission_bps, 10000) as max_mev_commission_bps,
        coalesce(windows.avg_mev_commission_bps, 10000)::integer as avg_mev_commission_bps,
        coalesce(windows.latest_mev_commission_bps, 0) as latest_mev_commission_bps,
        windows.validator_age,
        windows.recent_voting_epochs,
        windows.recent_unknown_credit_epochs
    from targets
    cross join parameters
    inner join credits
        on
            targets.epoch = credits.epoch
            and targets.vote_account = credits.vote_account
    inner join windows
        on
            targets.epoch = windows.epoch
            and targets.vote_account = windows.vote_account
    inner join entries as latest
        on
            targets.vote_account = latest.vote_account
            and targets.epoch = latest.epoch
    left join cluster_history
        on targets.epoch = cluster_history.epoch
    left join blacklist
        on targets.vote_account = blacklist.vote_account
),

-- Binary filters: 1 passes, 0 fails, null when our data cannot tell.
filters as (
    select
        *,
        least(floor(vote_credits_ratio * 10000000), 33554431) as vote_credits_avg,
        (max_mev_commission_bps <= mev_commission_bps_threshold)::integer as mev_commission_score,
        (max_commission <= commission_threshold)::integer as commission_score,
        (max_historical_commission <= historical_commission_threshold)::integer
            as historical_commission_score,
        (not is_blacklisted)::integer as blacklisted_score,
        (not is_superminority)::integer as superminority_score,
        case
            when delinquency_epoch is not null then 0
            when credits_unknown or credit_window_epochs_with_blocks = 0 then null
            else 1
        end as delinquency_score,
        -- Instant unstake, judged on the whole closed epoch.
        case
            when latest_blocks > 0
                then
                    latest_normalized_credits::numeric / (latest_blocks * 16)
                    < instant_unstake_delinquency_threshold_ratio
            when latest_blocks is not null then false
        end as unstake_delinquency,
        latest_commission > commission_threshold as unstake_commission,
        latest_mev_commission_bps > mev_commission_bps_threshold as unstake_mev_commission,
        -- Entering the pool (auto_add_validator_to_pool): stake and voting epochs.
        stake_lamports >= minimum_stake_lamports as meets_minimum_stake,
        case
            when recent_voting_epochs >= minimum_voting_epochs then true
            when recent_unknown_credit_epochs > 0 then null
            else false
        end as meets_minimum_voting_epochs
    from inputs
),

scored as (
    select
        *,
        case
            when vote_credits_avg is not null
                then {{ stakenet_raw_score(
                    'max_commission', 'avg_mev_commission_bps', 'validator_age', 'vote_credits_avg'
                ) }}
        end as raw_score,
        -- Three-valued: any check true unstakes; otherwise an unknown check leaves it unknown.
        unstake_delinquency or unstake_commission or unstake_mev_commission or is_blacklisted
            as instant_unstake
    from filters
),

finals as (
    select
        *,
        -- A failed filter zeroes the score whatever is unknown; else unknown stays unknown.
        case
            when
                mev_commission_score = 0 or commission_score = 0
                or historical_commission_score = 0 or blacklisted_score = 0
                or superminority_score = 0 or delinquency_score = 0
                then 0
            when delinquency_score is null or superminority_score is null then null
            else raw_score
        end as score
    from scored
),

final as (
    select
        epoch,
        vote_account,
        identity,
        stake_lamports,
        score,
        raw_score,
        case
            when score > 0 then 'eligible'
            when score = 0 then 'filtered'
            else 'unknown'
        end as status,
        -- The steward stakes the top num_delegation_validators by score.
        case
            when score > 0
                then row_number() over (
                    partition by epoch
                    order by score desc nulls last, raw_score desc nulls last, vote_account asc
                )
        end as rank,
        max_commission,
        avg_mev_commission_bps,
        validator_age,
        vote_credits_avg,
        trim_scale(vote_credits_ratio) as vote_credits_ratio,
        credit_window_epochs,
        credit_window_epochs_with_blocks,
        max_mev_commission_bps,
        max_historical_commission,
        delinquency_epoch,
        trim_scale(delinquency_ratio) as delinquency_ratio,
        mev_commission_score,
        commission_score,
        historical_commission_score,
        blacklisted_score,
        superminority_score,
        delinquency_score,
        unstake_delinquency,
        unstake_commission,
        unstake_mev_commission,
        is_blacklisted as unstake_blacklisted,
        instant_unstake,
        meets_minimum_stake,
        meets_minimum_voting_epochs,
        source as parameters_source
    from finals
)

select * from final
