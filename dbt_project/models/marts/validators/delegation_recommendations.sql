-- Per scoring profile, its top N eligible validators (the profile's `top_n`) in the latest
-- scored epoch, in the profile's order. Rebuilt whole each run.

with

scores as (
    select * from {{ ref('validator_scores') }}
),

profiles as (
    select * from {{ ref('scoring_profiles') }}
),

latest_epoch as (
    select max(epoch) as epoch from scores
),

eligible as (
    select
        scores.*,
        profiles.top_n,
        row_number() over (partition by scores.profile order by scores.rank)
            as recommendation_rank
    from scores
    inner join profiles
        on scores.profile = profiles.profile
    inner join latest_epoch
        on scores.epoch = latest_epoch.epoch
    where scores.is_eligible
),

final as (
    select
        profile,
        epoch,
        recommendation_rank,
        rank,
        vote_account,
        identity,
        total_score,
        percentile,
        stake_lamports,
        expected_staker_apy,
        explanation
    from eligible
    where recommendation_rank <= top_n
)

select * from final
