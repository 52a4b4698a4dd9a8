{#- fct_health_score_backtest kept whole between runs (DuckDB) while what
    it reads is unchanged (macros/inputs_state.sql, inputs_unchanged).
    Every row of the back-test, the pooled one included, is computed from
    the CTE `labelled` alone: the weekly snapshots whose horizon has
    passed by as_of_date, each with whether the customer churned within
    it. Its checksum (row count and the sum of the rows' hashes, every
    column) and the fingerprint of the model's code and horizon decide:
    equal, the table is kept; else every row is computed again. A new
    snapshot whose horizon passes, a corrected score or a churn that
    arrives late all change the checksum. -#}

{#- The CTEs the back-test reads, ending with `labelled` (one row per
    eligible snapshot and customer: every snapshot column and churned),
    written where CTEs go. -#}
{% macro health_backtest_labelled(horizon_days) -%}
as_of as (

    select * from {{ ref('util_as_of_date') }}

),

snapshots as (

    select * from {{ ref('fct_customer_health_snapshots') }}

),

eligible as (

    select snapshots.*

    from snapshots

    cross join as_of

    where
        cast(
            {{ dbt.dateadd('day', horizon_days, 'snapshots.snapshot_date') }}
            as date
        )
        <= as_of.as_of_date

),

{{ churn_within_horizon('eligible', horizon_days) }},

labelled as (

    select
        eligible.*,
        case when churn_hits.customer_id is null then 0 else 1 end as churned

    from eligible

    left join churn_hits
        on
            eligible.snapshot_date = churn_hits.snapshot_date
            and eligible.customer_id = churn_hits.customer_id

)
{%- endmacro %}

{#- A select of one text value: the checksum of `labelled`. -#}
{% macro health_backtest_inputs_checksum() -%}
    with
    {{ retention.health_backtest_labelled(config.get('horizon_days')) }}
    select {{ retention._scalar_text(
        "cast(count(*) as " ~ dbt.type_string() ~ ") || ':' || cast(sum(hash(labelled)) as "
        ~ dbt.type_string() ~ ")", 'labelled', 'true') }}
{%- endmacro %}

{#- The fingerprint of the back-test's code (its macros included) and its
    horizon. -#}
{% macro health_backtest_fingerprint() -%}
    {{ return(retention.model_code_fingerprint(
        'horizon_days=' ~ config.get('horizon_days'))) }}
{%- endmacro %}

{#- In the model's body: whether the table is kept as it is. -#}
{% macro health_backtest_kept() -%}
    {{ return(retention.inputs_unchanged(
        retention.health_backtest_inputs_checksum(),
        retention.health_backtest_fingerprint())) }}
{%- endmacro %}

{#- Pre-hook: deletes every row unless the table is kept. -#}
{% macro delete_backtest_when_inputs_changed() -%}
    {{ retention.delete_all_when_inputs_changed(
        retention.health_backtest_inputs_checksum(),
        retention.health_backtest_fingerprint()) }}
{%- endmacro %}

{#- Post-hook: records the checksum and fingerprint for the next run. -#}
{% macro record_backtest_inputs_state() -%}
    {{ retention.record_whole_inputs_state(
        retention.health_backtest_inputs_checksum(),
        retention.health_backtest_fingerprint()) }}
{%- endmacro %}
