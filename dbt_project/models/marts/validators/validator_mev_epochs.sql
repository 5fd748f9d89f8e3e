{{
    config(
        materialized='incremental',
        unique_key=['epoch', 'vote_account'],
    )
}}

-- One row per validator (vote account) and epoch of fct_validator_epochs: the MEV seen in the
-- blocks it led against what Jito reports, its sandwich-inclusive block share, the collusion
-- tests over its leader windows (docs/mev.md explains them), and a tip baseline with an
-- anomaly z-score. The trailing windows (collusion, baseline) read earlier epochs from
-- int_validator_mev_leader_epochs, a view over the incremental int_blocks and int_jito_tips,
-- so an epoch built alone (`epochs` var) gets the same row as a full build, provided the
-- earlier epochs' blocks are loaded.

{% set z = var('collusion_z') %}
{% set window = var('collusion_window_epochs') %}
{% set baseline = var('mev_baseline_epochs') %}

with

validator_epochs as (
    select * from {{ ref('fct_validator_epochs') }}
    where {{ epoch_filter('epoch') }}
),

-- Already limited to the selected epochs and the ones their windows read.
leader_epochs as (
    select * from {{ ref('int_validator_mev_leader_epochs') }}
),

-- The cluster's loaded and sandwich-inclusive blocks and its leader windows' sandwich credit
-- per epoch, every leader included.
cluster_epochs as (
    select
        epoch,
        sum(loaded_blocks) as loaded_blocks,
        sum(sandwich_blocks) as sandwich_blocks,
        sum(leader_windows) as leader_windows,
        sum(window_presence) as window_presence,
        sum(window_sandwich_credit) as window_sandwich_credit,
        sum(window_sandwich_credit_squares) as window_sandwich_credit_squares
    from leader_epochs
    group by epoch
),

current_epoch as (
    select
        validator_epochs.epoch,
        validator_epochs.vote_account,
        validator_epochs.identity,
        validator_epochs.blocks_produced,
        coalesce(leader_epochs.loaded_blocks, 0) as loaded_blocks,
        leader_epochs.tips_lamports,
        leader_epochs.sandwich_tips_lamports,
        leader_epochs.arbitrage_tips_lamports,
        leader_epochs.backrun_tips_lamports,
        leader_epochs.liquidation_tips_lamports,
        leader_epochs.other_tips_lamports,
        coalesce(leader_epochs.sandwich_blocks, 0) as sandwich_blocks,
        validator_epochs.running_jito,
        validator_epochs.mev_commission_bps,
        validator_epochs.mev_rewards_lamports,
        validator_epochs.inflation_rewards_lamports,
        validator_epochs.fee_rewards_lamports,
        cluster_epochs.loaded_blocks as cluster_loaded_blocks,
        cluster_epochs.sandwich_blocks as cluster_sandwich_blocks
    from validator_epochs
    left join leader_epochs
        on
            validator_epochs.epoch = leader_epochs.epoch
            and validator_epochs.identity = leader_epochs.identity
    left join cluster_epochs
        on validator_epochs.epoch = cluster_epochs.epoch
),

-- The validator's and the cluster's blocks over the trailing collusion window (this epoch and
-- the {{ window - 1 }} before it), the validator followed by its vote account.
collusion_window as (
    select
        current_epoch.epoch,
        current_epoch.vote_account,
        coalesce(sum(leader_epochs.loaded_blocks), 0) as window_loaded_blocks,
        coalesce(sum(leader_epochs.sandwich_blocks), 0) as window_sandwich_blocks,
        coalesce(sum(leader_epochs.leader_windows), 0) as leader_windows,
        coalesce(sum(leader_epochs.window_presence), 0) as window_presence,
        coalesce(sum(leader_epochs.window_sandwich_credit), 0) as window_sandwich_credit
    from current_epoch
    left join leader_epochs
        on
            current_epoch.vote_account = leader_epochs.vote_account
            and leader_epochs.epoch between current_epoch.epoch - {{ window - 1 }}
            and current_epoch.epoch
    group by current_epoch.epoch, current_epoch.vote_account
),

cluster_window as (
    select
        current_epochs.epoch,
        sum(cluster_epochs.loaded_blocks) as window_loaded_blocks,
        sum(cluster_epochs.sandwich_blocks) as window_sandwich_blocks,
        -- Variance of one leader window's credit, over all of them.
        sum(cluster_epochs.window_sandwich_credit_squares)
        / nullif(sum(cluster_epochs.leader_windows), 0)
        - (
            sum(cluster_epochs.window_sandwich_credit)
            / nullif(sum(cluster_epochs.leader_windows), 0)
        ) ^ 2 as sandwich_credit_variance
    from (select distinct epoch from current_epoch) as current_epochs
    inner join cluster_epochs
        on
            cluster_epochs.epoch between current_epochs.epoch - {{ window - 1 }}
            and current_epochs.epoch
    group by current_epochs.epoch
),

-- Tips per loaded block in each of the previous {{ baseline }} epochs with loaded blocks.
baseline as (
    select
        current_epoch.epoch,
        current_epoch.vote_account,
        count(leader_epochs.epoch) as baseline_epochs,
        avg(leader_epochs.tips_lamports::numeric / leader_epochs.loaded_blocks)
            as baseline_tips_per_block,
        stddev_samp(leader_epochs.tips_lamports::numeric / leader_epochs.loaded_blocks)
            as baseline_tips_per_block_stddev
    from current_epoch
    inner join leader_epochs
        on
            current_epoch.vote_account = leader_epochs.vote_account
            and leader_epochs.epoch between current_epoch.epoch - {{ baseline }}
            and current_epoch.epoch - 1
            and leader_epochs.loaded_blocks > 0
    group by current_epoch.epoch, current_epoch.vote_account
),

rates as (
    select
        current_epoch.*,
        current_epoch.tips_lamports::numeric / nullif(current_epoch.loaded_blocks, 0)
            as tips_per_block,
        current_epoch.sandwich_blocks::numeric / nullif(current_epoch.loaded_blocks, 0)
            as sandwich_block_rate,
        current_epoch.cluster_sandwich_blocks::numeric
        / nullif(current_epoch.cluster_loaded_blocks, 0) as cluster_sandwich_block_rate,
        collusion_window.window_loaded_blocks,
        collusion_window.window_sandwich_blocks,
        collusion_window.window_sandwich_blocks::numeric
        / nullif(collusion_window.window_loaded_blocks, 0) as window_sandwich_block_rate,
        {{ wilson_lower('collusion_window.window_sandwich_blocks',
            'collusion_window.window_loaded_blocks', z) }} as sandwich_rate_lower_bound,
        {{ wilson_upper('collusion_window.window_sandwich_blocks',
            'collusion_window.window_loaded_blocks', z) }} as sandwich_rate_upper_bound,
        cluster_window.window_sandwich_blocks::numeric
        / nullif(cluster_window.window_loaded_blocks, 0) as window_cluster_sandwich_block_rate,
        coalesce(baseline.baseline_epochs, 0) as baseline_epochs,
        baseline.baseline_tips_per_block,
        baseline.baseline_tips_per_block_stddev,
        -- Inflation, block fees and MEV (Jito's full figure, the stakers' share included).
        current_epoch.inflation_rewards_lamports
        + coalesce(current_epoch.fee_rewards_lamports, 0)
        + coalesce(current_epoch.mev_rewards_lamports, 0) as total_rewards_lamports
    from current_epoch
    left join collusion_window
        on
            current_epoch.epoch = collusion_window.epoch
            and current_epoch.vote_account = collusion_window.vote_account
    left join cluster_window
        on current_epoch.epoch = cluster_window.epoch
    left join baseline
        on
            current_epoch.epoch = baseline.epoch
            and current_epoch.vote_account = baseline.vote_account
),

scores as (
    select
        rates.*,
        -- Null without a spread to compare with (fewer than 2 previous epochs, or all equal).
        (rates.tips_per_block - rates.baseline_tips_per_block)
        / nullif(rates.baseline_tips_per_block_stddev, 0) as tips_per_block_z_score,
        collusion_window.leader_windows,
        collusion_window.window_presence,
        collusion_window.window_sandwich_credit,
        collusion_window.window_presence / nullif(collusion_window.leader_windows, 0)
            as presence_rate,
        collusion_window.window_sandwich_credit / nullif(collusion_window.leader_windows, 0)
            as sandwiches_per_window,
        cluster_window.sandwich_credit_variance,
        collusion_window.leader_windows >= {{ var('collusion_min_windows') }} as judged
    from rates
    left join collusion_window
        on
            rates.epoch = collusion_window.epoch
            and rates.vote_account = collusion_window.vote_account
    left join cluster_window
        on rates.epoch = cluster_window.epoch
),

-- What a validator is compared with: the median judged validator's rates, which colluders
-- (a minority) do not pull up as they do the cluster's mean.
reference as (
    select
        epoch,
        percentile_cont(0.5) within group (order by presence_rate) as presence_rate,
        percentile_cont(0.5) within group (order by sandwiches_per_window)
            as sandwiches_per_window
    from scores
    where judged
    group by epoch
),

-- Binomial and count z-scores before over-dispersion: the validator's windows against the
-- reference rates (the count's variance: one window's credit variance over all windows).
raw_scores as (
    select
        scores.*,
        reference.presence_rate as reference_presence_rate,
        reference.sandwiches_per_window as reference_sandwiches_per_window,
        (scores.window_presence - scores.leader_windows * reference.presence_rate)
        / nullif(sqrt(
            scores.leader_windows * reference.presence_rate * (1 - reference.presence_rate)
        ), 0) as presence_z0,
        (scores.window_sandwich_credit - scores.leader_windows * reference.sandwiches_per_window)
        / nullif(sqrt(scores.leader_windows * greatest(scores.sandwich_credit_variance, 0)), 0)
            as rate_z0
    from scores
    left join reference on scores.epoch = reference.epoch
),

-- Over-dispersion (beta-binomial): a validator's windows vary more than independent trials
-- would, the variance growing by 1 + (n − 1)ρ for n windows. ρ is estimated per epoch from
-- the judged validators at or below the reference (colluders only add to the upper side) by
-- their median z² (0.4549 is the median of a χ² with one degree of freedom). The rate test's
-- variance is already the windows' own, measured over all of them.
dispersion as (
    select
        epoch,
        greatest(percentile_cont(0.5) within group (
            order by (presence_z0 ^ 2 / 0.4549 - 1) / (leader_windows - 1)
        ), 0) as presence_rho
    from raw_scores
    where judged and leader_windows > 1 and presence_z0 <= 0
    group by epoch
),

tests as (
    select
        raw_scores.*,
        raw_scores.presence_z0 / sqrt(
            1 + (raw_scores.leader_windows - 1) * coalesce(dispersion.presence_rho, 0)
        ) as presence_z,
        raw_scores.rate_z0 as rate_z
    from raw_scores
    left join dispersion on raw_scores.epoch = dispersion.epoch
),

-- Both tests must reject (the larger one-sided p-value decides), and only judged validators
-- are tested.
p_values as (
    select
        *,
        case
            when judged
                then greatest(
                    {{ normal_upper_tail('presence_z') }}, {{ normal_upper_tail('rate_z') }}
                )
        end as collusion_p_value
    from tests
),

ranked as (
    select
        *,
        count(collusion_p_value) over (partition by epoch) as tested,
        rank() over (partition by epoch order by collusion_p_value asc) as p_rank
    from p_values
),

-- Benjamini–Hochberg across the epoch's tested validators: q = min over p' ≥ p of m·p' / rank.
q_values as (
    select
        *,
        least(1, min(tested * collusion_p_value / p_rank) over (
            partition by epoch order by collusion_p_value desc
            rows between unbounded preceding and current row
        )) as collusion_q_value
    from ranked
),

final as (
    select
        epoch,
        vote_account,
        identity,
        blocks_produced,
        loaded_blocks,
        loaded_blocks = blocks_produced as all_blocks_loaded,
        tips_lamports,
        trim_scale(round(tips_per_block, 6)) as tips_per_block,
        sandwich_tips_lamports,
        arbitrage_tips_lamports,
        backrun_tips_lamports,
        liquidation_tips_lamports,
        other_tips_lamports,
        running_jito,
        mev_commission_bps,
        mev_rewards_lamports as jito_mev_rewards_lamports,
        -- Only comparable when every block was observed: a sample's tips are a part of the
        -- total. Jito's figure is after the block engine's cut, so this is usually positive.
        case
            when loaded_blocks = blocks_produced
                then tips_lamports - mev_rewards_lamports
        end as tips_minus_jito_mev_lamports,
        inflation_rewards_lamports,
        fee_rewards_lamports,
        total_rewards_lamports,
        trim_scale(
            coalesce(mev_rewards_lamports, 0) / nullif(total_rewards_lamports, 0)
        ) as mev_reward_share,
        sandwich_blocks,
        trim_scale(sandwich_block_rate) as sandwich_block_rate,
        trim_scale(cluster_sandwich_block_rate) as cluster_sandwich_block_rate,
        window_loaded_blocks::bigint as window_loaded_blocks,
        window_sandwich_blocks::bigint as window_sandwich_blocks,
        trim_scale(window_sandwich_block_rate) as window_sandwich_block_rate,
        trim_scale(sandwich_rate_lower_bound) as sandwich_rate_lower_bound,
        trim_scale(sandwich_rate_upper_bound) as sandwich_rate_upper_bound,
        trim_scale(window_cluster_sandwich_block_rate) as window_cluster_sandwich_block_rate,
        leader_windows::bigint as window_leader_windows,
        trim_scale(round(presence_rate::numeric, 10)) as window_presence_rate,
        trim_scale(round(reference_presence_rate::numeric, 10)) as window_median_presence_rate,
        trim_scale(round(sandwiches_per_window::numeric, 10)) as window_sandwiches_per_window,
        trim_scale(round(reference_sandwiches_per_window::numeric, 10))
            as window_median_sandwiches_per_window,
        round(presence_z::numeric, 6) as collusion_presence_z,
        round(rate_z::numeric, 6) as collusion_rate_z,
        collusion_p_value::numeric as collusion_p_value,
        collusion_q_value::numeric as collusion_q_value,
        coalesce(collusion_q_value <= {{ var('collusion_fdr') }}, false)
            as is_suspected_colluder,
        baseline_epochs,
        trim_scale(round(baseline_tips_per_block, 6)) as baseline_tips_per_block,
        trim_scale(round(baseline_tips_per_block_stddev, 6)) as baseline_tips_per_block_stddev,
        trim_scale(round(tips_per_block_z_score, 6)) as tips_per_block_z_score,
        coalesce(abs(tips_per_block_z_score) > {{ var('mev_anomaly_z') }}, false)
            as is_tip_anomaly
    from q_values
)

select * from final
