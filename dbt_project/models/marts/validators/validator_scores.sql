{{
    config(
        materialized='incremental',
        unique_key=['epoch', 'vote_account', 'profile'],
    )
}}

-- One row per validator × scored epoch × scoring profile (seeds/scoring_profiles.csv): rank,
-- percentile and explanation of validator_score_components, which reads validator_score_windows.
-- The scored epochs are those of the `epochs` var; their windows read the earlier epochs already
-- in fct_validator_epochs and cluster_epochs, so adding an epoch rebuilds only that epoch.
-- Formulas and their reasons: docs/validator_scores.md and docs.md in this folder.

with

components as (
    select * from {{ ref('validator_score_components') }}
    where {{ epoch_filter('epoch') }}
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
                    when
                        gate_mev_commission and ordering = 'stakenet'
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
    from components
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
    from reasons
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
