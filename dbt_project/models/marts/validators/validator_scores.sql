{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['epoch', 'vote_account', 'profile'],
        on_schema_change='fail',
    )
}}

-- One row per validator × scored epoch × scoring profile (seeds/scoring_profiles.csv). The
-- scored epochs are those of the `epochs` var; their windows read the earlier epochs already in
-- fct_validator_epochs and cluster_epochs, so adding an epoch rebuilds only that epoch.
-- Formulas and their reasons: docs/validator_scores.md and docs.md in this folder.

with

targets as (
    select * from {{ ref('fct_validator_epochs') }}
    where {{ epoch_filter('epoch') }}
),

profiles as (
    select * from {{ ref('scoring_profiles') }}
),

validator_history as (
    select * from {{ ref('fct_validator_epochs') }}
),

cluster_history as (
    select * from {{ ref('cluster_epochs') }}
),

rugs as (
    select * from {{ ref('int_validator_commission_rugs') }}
),

-- The steward's own score: the `stakenet` ordering takes its filters and order from it.
stakenet as (
    select * from {{ ref('validator_stakenet_scores') }}
    where {{ epoch_filter('epoch') }}
),

-- Each target's whole history up to its epoch; window aggregates keep the profile's window.
history as (
    select
        targets.epoch,
        targets.vote_account,
        profiles.profile,
        validator_history.epoch > targets.epoch - profiles.window_epochs as in_window,
        validator_history.credits,
        validator_history.credit_ratio,
        validator_history.grace_skip_rate,
        validator_history.stake_lamports,
        validator_history.staker_mev_lamports,
        validator_history.staker_apy,
        -- The commission shown and the one charged on the epoch's reward: a rug shows in either.
        greatest(validator_history.commission, validator_history.inflation_commission)
            as commission,
        case
            when validator_history.running_jito then validator_history.mev_commission_bps
        end as mev_commission_bps,
        cluster_history.stake_weighted_skip_rate as cluster_skip_rate,
        cluster_history.total_stake_lamports as cluster_stake_lamports,
        cluster_history.inflation_rewards_lamports as cluster_inflation_lamports,
        cluster_history.mev_rewards_lamports as cluster_mev_lamports
    from targets
    cross join profiles
    inner join validator_history
        on
            targets.vote_account = validator_history.vote_account
            and targets.epoch >= validator_history.epoch
    left join cluster_history
        on validator_history.epoch = cluster_history.epoch
),

history_aggregates as (
    select
        epoch,
        vote_account,
        profile,
        count(*) filter (where in_window) as epochs_in_window,
        count(*) filter (where credits > 0) as epochs_voted,
        max(commission) as max_historical_commission,
        max(commission) filter (where in_window) as max_commission,
        max(mev_commission_bps) filter (where in_window) as max_mev_commission_bps,
        -- Stakers of a validator without Jito get no MEV: as if its MEV commission were 100%.
        max(coalesce(mev_commission_bps, 10000)) filter (where in_window)
            as max_effective_mev_commission_bps,
        avg(grace_skip_rate) filter (where in_window) as avg_grace_skip_rate,
        avg(cluster_skip_rate) filter (where in_window and grace_skip_rate is not null)
            as avg_cluster_skip_rate,
        avg(credit_ratio) filter (where in_window) as avg_credit_ratio,
        min(credit_ratio) filter (where in_window) as min_credit_ratio,
        count(*) filter (where in_window and credit_ratio is null) as epochs_credits_unknown,
        sum(coalesce(staker_mev_lamports, 0)) filter (where in_window)
        / nullif(sum(stake_lamports) filter (where in_window), 0) as mev_per_staked_lamport,
        sum(cluster_mev_lamports) filter (where in_window)
        / nullif(sum(cluster_stake_lamports) filter (where in_window), 0)
            as cluster_mev_per_staked_lamport,
        -- The share of stakers' rewards that inflation makes up (the rest is MEV); 1 unknown.
        coalesce(
            sum(cluster_inflation_lamports) filter (where in_window)
            / nullif(
                sum(cluster_inflation_lamports + coalesce(cluster_mev_lamports, 0))
                filter (where in_window),
                0
            ),
            1
        ) as inflation_share,
        avg(staker_apy) filter (where in_window) as expected_staker_apy
    from history
    group by epoch, vote_account, profile
),

-- Rugs already confirmed (commission lowered again) by the scored epoch.
rug_history as (
    select
        targets.epoch,
        targets.vote_account,
        count(*) as commission_rugs,
        max(rugs.first_epoch) as last_rug_epoch,
        max(rugs.rug_commission) as max_rug_commission
    from targets
    inner join rugs
        on
            targets.vote_account = rugs.vote_account
            and targets.epoch >= rugs.lowered_epoch
    group by targets.epoch, targets.vote_account
),

inputs as (
    select
        targets.epoch,
        targets.vote_account,
        targets.identity,
        targets.stake_lamports,
        targets.stake_share,
        targets.is_superminority,
        targets.running_jito,
        profiles.profile,
        profiles.window_epochs,
        profiles.weight_reliability,
        profiles.weight_voting,
        profiles.weight_cost,
        profiles.weight_mev_yield,
        profiles.weight_decentralization,
        profiles.weight_tenure,
        profiles.credit_ratio_floor,
        profiles.commission_cap_pct,
        profiles.mev_commission_cap_bps,
        profiles.historical_commission_cap_pct,
        profiles.exclude_superminority,
        profiles.require_jito,
        profiles.ordering,
        history_aggregates.epochs_in_window,
        history_aggregates.epochs_voted,
        history_aggregates.max_historical_commission,
        history_aggregates.max_commission,
        history_aggregates.max_mev_commission_bps,
        history_aggregates.max_effective_mev_commission_bps,
        history_aggregates.avg_grace_skip_rate,
        history_aggregates.avg_cluster_skip_rate,
        history_aggregates.avg_credit_ratio,
        history_aggregates.min_credit_ratio,
        history_aggregates.epochs_credits_unknown,
        history_aggregates.mev_per_staked_lamport
        / nullif(history_aggregates.cluster_mev_per_staked_lamport, 0) as mev_yield_ratio,
        history_aggregates.inflation_share,
        history_aggregates.expected_staker_apy,
        cluster_history.superminority_min_stake_lamports,
        coalesce(rug_history.commission_rugs, 0) as commission_rugs,
        rug_history.last_rug_epoch,
        rug_history.max_rug_commission,
        stakenet.score as stakenet_score,
        stakenet.raw_score as stakenet_raw_score,
        stakenet.max_commission as stakenet_max_commission,
        stakenet.max_mev_commission_bps as stakenet_max_mev_commission_bps,
        stakenet.max_historical_commission as stakenet_max_historical_commission,
        stakenet.delinquency_epoch as stakenet_delinquency_epoch,
        stakenet.delinquency_ratio as stakenet_delinquency_ratio,
        stakenet.mev_commission_score as stakenet_mev_commission_score,
        stakenet.commission_score as stakenet_commission_score,
        stakenet.historical_commission_score as stakenet_historical_commission_score,
        stakenet.blacklisted_score as stakenet_blacklisted_score,
        stakenet.superminority_score as stakenet_superminority_score,
        stakenet.delinquency_score as stakenet_delinquency_score
    from targets
    cross join profiles
    inner join history_aggregates
        on
            targets.epoch = history_aggregates.epoch
            and targets.vote_account = history_aggregates.vote_account
            and profiles.profile = history_aggregates.profile
    left join cluster_history
        on targets.epoch = cluster_history.epoch
    left join rug_history
        on
            targets.epoch = rug_history.epoch
            and targets.vote_account = rug_history.vote_account
    left join stakenet
        on
            targets.epoch = stakenet.epoch
            and targets.vote_account = stakenet.vote_account
),

-- Each component on 0-100; null when its inputs are unknown (it then carries no weight).
components as (
    select
        *,
        -- Blocks produced per leader slot against the cluster's: at or above it scores 100.
        100 * {{ clamp('(1 - avg_grace_skip_rate) / nullif(1 - avg_cluster_skip_rate, 0)') }}
            as reliability_score,
        -- Credit ratio, half its window average and half its worst epoch (consistency).
        100 * {{ clamp('(avg_credit_ratio + min_credit_ratio) / 2') }} as voting_score,
        -- The share of their rewards stakers keep at the window's highest commissions,
        -- inflation and MEV weighted by their shares of the cluster's rewards.
        100 * (
            1
            - inflation_share * max_commission / 100.0
            - (1 - inflation_share) * max_effective_mev_commission_bps / 10000.0
        ) as cost_score,
        -- Stakers' MEV per staked lamport against the cluster's (all MEV over all stake).
        100 * {{ clamp('mev_yield_ratio') }} as mev_yield_score,
        -- 0 in the superminority; else how far below its smallest member's stake.
        case
            when is_superminority then 0
            else
                100
                * {{ clamp('1 - stake_lamports / nullif(superminority_min_stake_lamports, 0)') }}
        end as decentralization_score,
        -- Epochs with vote credits, up to the window's length.
        100 * {{ clamp('epochs_voted::numeric / window_epochs') }} as tenure_score
    from inputs
),

gated as (
    select
        *,
        commission_rugs > 0 as gate_commission_rug,
        -- The stakenet ordering gates on the steward's filters; the others on the profile's.
        -- A gate whose input is unknown is null (unknown), not closed.
        case
            when ordering = 'stakenet' then stakenet_delinquency_score = 0
            when min_credit_ratio < credit_ratio_floor then true
            when credit_ratio_floor is not null and epochs_credits_unknown > 0 then null
            else false
        end as gate_delinquent,
        case
            when ordering = 'stakenet' then stakenet_commission_score = 0
            else coalesce(max_commission > commission_cap_pct, false)
        end as gate_commission,
        case
            when ordering = 'stakenet' then stakenet_mev_commission_score = 0
            else coalesce(max_mev_commission_bps > mev_commission_cap_bps, false)
        end as gate_mev_commission,
        case
            when ordering = 'stakenet' then stakenet_historical_commission_score = 0
            else coalesce(max_historical_commission > historical_commission_cap_pct, false)
        end as gate_historical_commission,
        case
            when ordering = 'stakenet' then stakenet_superminority_score = 0
            else exclude_superminority and is_superminority
        end as gate_superminority,
        ordering = 'stakenet' and stakenet_blacklisted_score = 0 as gate_blacklisted,
        require_jito and not running_jito as gate_not_jito,
        (
            coalesce(weight_reliability * reliability_score, 0)
            + coalesce(weight_voting * voting_score, 0)
            + coalesce(weight_cost * cost_score, 0)
            + coalesce(weight_mev_yield * mev_yield_score, 0)
            + coalesce(weight_decentralization * decentralization_score, 0)
            + coalesce(weight_tenure * tenure_score, 0)
        ) / nullif(
            case when reliability_score is null then 0 else weight_reliability end
            + case when voting_score is null then 0 else weight_voting end
            + case when cost_score is null then 0 else weight_cost end
            + case when mev_yield_score is null then 0 else weight_mev_yield end
            + case when decentralization_score is null then 0 else weight_decentralization end
            + case when tenure_score is null then 0 else weight_tenure end,
            0
        ) as weighted_score
    from components
),

reasons as (
    select
        *,
        array_remove(
            array[
                case
                    when gate_commission_rug
                        then format(
                            'commission rug: raised to %s%% in epoch %s, then lowered',
                            max_rug_commission, last_rug_epoch
                        )
                end,
                case
                    when gate_delinquent and ordering = 'stakenet'
                        then format(
                            'delinquent: credit ratio %s%% in epoch %s, under StakeNet''s floor',
                            round(100 * stakenet_delinquency_ratio, 1), stakenet_delinquency_epoch
                        )
                    when gate_delinquent
                        then format(
                            'delinquent: credit ratio fell to %s%% (floor %s%%)',
                            round(100 * min_credit_ratio, 1), round(100 * credit_ratio_floor, 1)
                        )
                end,
                case
                    when gate_commission
                        then format(
                            'commission %s%% above the %s%% cap',
                            case
                                when ordering = 'stakenet' then stakenet_max_commission
                                else max_commission
                            end,
                            commission_cap_pct
                        )
                end,
                case
                    when gate_mev_commission and ordering = 'stakenet'
                        and stakenet_max_mev_commission_bps = 10000
                        then 'no MEV commission in StakeNet''s window (not running Jito)'
                    when gate_mev_commission
                        then format(
                            'MEV commission %s%% above the %s%% cap',
                            trim_scale(round(
                                case
                                    when ordering = 'stakenet' then stakenet_max_mev_commission_bps
                                    else max_mev_commission_bps
                                end / 100.0,
                                2
                            )),
                            trim_scale(round(mev_commission_cap_bps / 100.0, 2))
                        )
                end,
                case
                    when gate_historical_commission
                        then format(
                            'commission once %s%%, above the %s%% historical cap',
                            case
                                when ordering = 'stakenet' then stakenet_max_historical_commission
                                else max_historical_commission
                            end,
                            historical_commission_cap_pct
                        )
                end,
                case when gate_blacklisted then 'on the StakeNet blacklist' end,
                case
                    when gate_superminority
                        then
                            'in the superminority (the largest validators holding a third of stake)'
                end,
                case when gate_not_jito then 'does not run the Jito client' end
            ],
            null
        ) as gate_reasons,
        array_remove(
            array[
                case
                    when gate_delinquent is null and ordering = 'stakenet'
                        then 'delinquency: credits unknown in an epoch of StakeNet''s window'
                    when gate_delinquent is null
                        then format(
                            'delinquency: credits unknown in %s epochs of the window',
                            epochs_credits_unknown
                        )
                end,
                case
                    when gate_commission is null then 'commission: unknown in the window'
                end,
                case
                    when gate_mev_commission is null then 'MEV commission: unknown in the window'
                end,
                case
                    when gate_superminority is null then 'superminority: stake unknown'
                end,
                case
                    when ordering = 'stakenet' and stakenet_score is null
                        then 'StakeNet score: not computable on the loaded epochs'
                end
            ],
            null
        ) as unknown_gates
    from gated
),

scored as (
    select
        *,
        -- Closed by a known gate: not eligible; else unknown while a gate cannot be judged.
        case
            when cardinality(gate_reasons) > 0 then false
            when cardinality(unknown_gates) > 0 then null
            else true
        end as is_eligible,
        case
            when cardinality(gate_reasons) > 0 then 0
            when cardinality(unknown_gates) = 0
                then trim_scale(round(coalesce(weighted_score, 0), 2))
        end as total_score
    from reasons
),

ranked as (
    select
        *,
        case
            when ordering = 'stakenet'
                then row_number() over (
                    partition by epoch, profile
                    order by
                        is_eligible desc nulls last,
                        stakenet_score desc nulls last,
                        stakenet_raw_score desc nulls last,
                        vote_account asc
                )
            else row_number() over (
                partition by epoch, profile
                order by
                    total_score desc nulls last, stake_lamports desc nulls last, vote_account asc
            )
        end as rank,
        count(*) over (partition by epoch, profile) as validators_scored
    from scored
),

-- The two components that move the score most (weight × distance from 50), in words.
component_reasons as (
    select
        ranked.epoch,
        ranked.vote_account,
        ranked.profile,
        format(
            '%s %s %s/100 (%s)',
            case when component.score >= 50 then 'strong' else 'weak' end,
            component.label,
            round(component.score),
            component.detail
        ) as reason,
        row_number() over (
            partition by ranked.epoch, ranked.vote_account, ranked.profile
            order by component.weight * abs(component.score - 50) desc, component.label
        ) as reason_rank
    from ranked
    cross join
        lateral (
            values
            (
                'reliability', ranked.reliability_score, ranked.weight_reliability,
                format(
                    'skipped %s%% of leader slots, cluster %s%%',
                    round(100 * ranked.avg_grace_skip_rate, 1),
                    round(100 * ranked.avg_cluster_skip_rate, 1)
                )
            ),
            (
                'voting', ranked.voting_score, ranked.weight_voting,
                format(
                    'credit ratio %s%% on average, %s%% at worst',
                    round(100 * ranked.avg_credit_ratio, 1), round(100 * ranked.min_credit_ratio, 1)
                )
            ),
            (
                'cost to stakers', ranked.cost_score, ranked.weight_cost,
                case
                    when ranked.max_mev_commission_bps is null
                        then format(
                            'commission up to %s%%, no MEV shared', ranked.max_commission
                        )
                    else format(
                        'commission up to %s%%, MEV commission up to %s%%',
                        ranked.max_commission,
                        trim_scale(round(ranked.max_mev_commission_bps / 100.0, 2))
                    )
                end
            ),
            (
                'MEV yield', ranked.mev_yield_score, ranked.weight_mev_yield,
                format(
                    'stakers got %s%% of the cluster''s MEV per staked SOL',
                    round(100 * ranked.mev_yield_ratio)
                )
            ),
            (
                'decentralization', ranked.decentralization_score, ranked.weight_decentralization,
                case
                    when ranked.is_superminority then 'in the superminority'
                    else format('%s%% of the stake', round(100 * ranked.stake_share, 3))
                end
            ),
            (
                'tenure', ranked.tenure_score, ranked.weight_tenure,
                format('voted in %s epochs', ranked.epochs_voted)
            )
        ) as component (label, score, weight, detail)
    where component.score is not null and component.weight > 0
),

explanations as (
    select
        epoch,
        vote_account,
        profile,
        string_agg(reason, '; ' order by reason_rank) as reasons
    from component_reasons
    where reason_rank <= 2
    group by epoch, vote_account, profile
),

final as (
    select
        ranked.epoch,
        ranked.vote_account,
        ranked.identity,
        ranked.profile,
        ranked.stake_lamports,
        ranked.window_epochs,
        ranked.epochs_in_window,
        ranked.epochs_voted,
        ranked.avg_grace_skip_rate,
        ranked.avg_cluster_skip_rate,
        ranked.avg_credit_ratio,
        ranked.min_credit_ratio,
        ranked.max_commission,
        ranked.max_mev_commission_bps,
        ranked.max_historical_commission,
        ranked.commission_rugs,
        trim_scale(round(ranked.reliability_score, 2)) as reliability_score,
        trim_scale(round(ranked.voting_score, 2)) as voting_score,
        trim_scale(round(ranked.cost_score, 2)) as cost_score,
        trim_scale(round(ranked.mev_yield_score, 2)) as mev_yield_score,
        trim_scale(round(ranked.decentralization_score, 2)) as decentralization_score,
        trim_scale(round(ranked.tenure_score, 2)) as tenure_score,
        ranked.gate_commission_rug,
        ranked.gate_delinquent,
        ranked.gate_commission,
        ranked.gate_mev_commission,
        ranked.gate_historical_commission,
        ranked.gate_superminority,
        ranked.gate_not_jito,
        ranked.gate_reasons,
        ranked.unknown_gates,
        ranked.is_eligible,
        ranked.total_score,
        ranked.rank,
        trim_scale(round(
            100.0 * (ranked.validators_scored - ranked.rank)
            / greatest(ranked.validators_scored - 1, 1),
            2
        )) as percentile,
        ranked.expected_staker_apy,
        case
            when not ranked.is_eligible
                then format(
                    'Excluded (score 0): %s.', array_to_string(ranked.gate_reasons[1:2], '; ')
                )
            when ranked.is_eligible is null
                then format(
                    'Not scored (unknown): %s.', array_to_string(ranked.unknown_gates[1:2], '; ')
                )
            else format(
                'Score %s: %s.', ranked.total_score,
                coalesce(explanations.reasons, 'no component could be computed')
            )
        end as explanation
    from ranked
    left join explanations
        on
            ranked.epoch = explanations.epoch
            and ranked.vote_account = explanations.vote_account
            and ranked.profile = explanations.profile
)

select * from final
