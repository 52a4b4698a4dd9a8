{#- Incremental int_feature_usage_aggregated_to_account_month (DuckDB), by
    the state of its inputs (macros/inputs_state.sql). A month's rows read
    the qualifying events of its days up to as_of_date, and the user-day
    table holds, per user and day, a checksum of exactly those events
    (event_checksum: id, user, account, feature). So the months before the
    cutoff C (the start of the month that holds the latest qualifying day
    up to as_of_date - var engagement_lookback_days) can change only if
    the user-days dated before C and up to as_of_date change. -#}

{#- A select of one text value: a checksum of the user-days dated before
    `cutoff` (a SQL date expression) and up to as_of_date. -#}
{% macro feature_usage_inputs_checksum(cutoff) -%}
    select {{ retention._hash_sum_text(
        ref('int_events_aggregated_to_user_day'),
        ['user_id', 'customer_id', 'activity_date', 'event_checksum'],
        'activity_date < ' ~ cutoff ~ ' and activity_date <= (select '
        ~ 'as_of_date from ' ~ ref('util_as_of_date') ~ ')') }}
{%- endmacro %}

{#- What, besides the data, decides every month: the model's code and the
    var it reads. -#}
{% macro feature_usage_fingerprint() -%}
    {{ return(retention.model_code_fingerprint(
        var('non_qualifying_events') | join(','))) }}
{%- endmacro %}

{#- Pre-hook: deletes the months an incremental run must recompute. -#}
{% macro delete_stale_feature_usage_months() -%}
    {{ retention.delete_rows_with_changed_inputs(
        'date_month', retention.feature_usage_inputs_checksum,
        retention.feature_usage_fingerprint()) }}
{%- endmacro %}

{#- Post-hook: records the cutoff, the user-days' checksum at it and the
    fingerprint for the next run. -#}
{% macro record_feature_usage_inputs_state() -%}
    {%- set latest_day = '(select ' ~ dbt.dateadd(
        'day', -var('engagement_lookback_days'), 'max(activity_date)')
        ~ ' from ' ~ ref('int_events_aggregated_to_user_day')
        ~ ' where activity_date <= (select as_of_date from '
        ~ ref('util_as_of_date') ~ '))' -%}
    {{ retention.record_inputs_state(
        'cast(' ~ dbt.date_trunc('month', latest_day) ~ ' as date)',
        retention.feature_usage_inputs_checksum,
        retention.feature_usage_fingerprint()) }}
{%- endmacro %}
