{# The health score must earn its place (docs/metrics.md section 7): pooled over
   every back-test snapshot, the ROC AUC of (100 - health_score) for churn
   within 90 days is at least 0.70, the bands are monotone (red churns
   more than yellow, yellow more than green), and every component on its
   own points the assumed way (AUC above 0.5). An error on the shipped
   sample; a warning on other data, where it reports rather than blocks. #}

{{ config(
    severity='error' if var('raw_dir') is none else 'warn',
    enabled=(target.type == 'duckdb' and retention.sample_data_enabled())
) }}

with

pooled as (

    select * from {{ ref('fct_health_score_backtest') }}

    where scope = 'all_snapshots'

),

failing as (

    select *

    from pooled

    where
        not roc_auc >= 0.70
        or not red_churn_rate > yellow_churn_rate
        or not yellow_churn_rate > green_churn_rate
        or not usage_roc_auc > 0.5
        or not breadth_roc_auc > 0.5
        or not support_roc_auc > 0.5
        or not billing_roc_auc > 0.5
        or not sentiment_roc_auc > 0.5

)

select * from failing
