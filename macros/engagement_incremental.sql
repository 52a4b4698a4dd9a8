{#- Incremental fct_engagement_daily (DuckDB), by the state of its inputs
    (macros/inputs_state.sql). A day's counts read the user-days of the
    28 days ending that day (the longest window): a day before the cutoff
    C (the latest day - var engagement_lookback_days) can change only if
    the user-days dated before C change. -#}

{#- A select of one text value: a checksum of the user-days dated before
    `cutoff` (a SQL date expression), of the columns the model reads. -#}
{% macro engagement_inputs_checksum(cutoff) -%}
    select {{ retention._hash_sum_text(
        ref('int_events_aggregated_to_user_day'),
        ['user_id', 'customer_id', 'activity_date'],
        'activity_date < ' ~ cutoff) }}
{%- endmacro %}

{#- Pre-hook: deletes the days an incremental run must recompute. -#}
{% macro delete_stale_engagement_days() -%}
    {{ retention.delete_rows_with_changed_inputs(
        'date_day', retention.engagement_inputs_checksum,
        retention.model_code_fingerprint()) }}
{%- endmacro %}

{#- Post-hook: records the cutoff, the user-days' checksum at it and the
    code's fingerprint for the next run. -#}
{% macro record_engagement_inputs_state() -%}
    {{ retention.record_inputs_state(
        retention.latest_date_minus('date_day', var('engagement_lookback_days')),
        retention.engagement_inputs_checksum, retention.model_code_fingerprint()) }}
{%- endmacro %}
