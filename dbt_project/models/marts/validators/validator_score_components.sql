{{
    config(
        materialized='incremental',
        unique_key=['epoch', 'vote_account', 'profile'],
    )
}}

-- The components of validator_scores: each window's six components on 0-100, the gates with
-- their reasons (closed, or unknown when their input is), eligibility and the weighted total.

with

windows as (
    select * from {{ ref('validator_score_windows') }}
    where {{ epoch_filter('epoch') }}
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
    from windows
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

closed as (
    select
        *,
        -- Three-valued: a closed gate decides; else a gate that cannot be judged (null) leaves
        -- it unknown, and so are eligibility and the total.
        gate_commission_rug or gate_delinquent or gate_commission or gate_mev_commission
        or gate_historical_commission or gate_superminority or gate_not_jito
        or gate_blacklisted
        or case when ordering = 'stakenet' and stakenet_score is null then null else false end
            as any_gate_closed
    from gated
),

final as (
    select
        *,
        not any_gate_closed as is_eligible,
        case
            when not any_gate_closed then trim_scale(round(coalesce(weighted_score, 0), 2))
            when any_gate_closed then 0
        end as total_score
    from closed
)

-- The windows' columns, then the components and gates: as many as validator_score_windows has.
select * from final  -- noqa: AM04
