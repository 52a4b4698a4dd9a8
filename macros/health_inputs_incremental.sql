{#- Incremental int_health_inputs_aggregated_to_customer_week (DuckDB),
    by the state of its inputs (macros/inputs_state.sql).

    A weekly snapshot reads only data dated before its end (snapshot_date +
    1 day). So a snapshot whose end is on or before a day C (the cutoff,
    latest snapshot_date - var health_inputs_lookback_days) can change
    only if the inputs, as they look before C, change: a row dated on or
    after C cannot reach it, and a timestamp on or after C (a ticket
    resolved, an invoice paid or falling due, a contract ending or
    cancelled later) reads the same for it whatever its value ("later").
    health_inputs_checksum is the checksum of those inputs. -#}

{#- What, besides the data, decides every snapshot: the model's code and
    the vars it reads. -#}
{% macro health_inputs_fingerprint() -%}
    {{ return(retention.model_code_fingerprint(
        var('health_key_features') | join(',')
        ~ '|' ~ var('health_slow_resolution_hours'))) }}
{%- endmacro %}

{#- `column` if it is before `at`, else NULL. -#}
{% macro _clipped_at(column, at) -%}
    case when {{ column }} < {{ at }} then {{ column }} end
{%- endmacro %}

{#- A select of one text value: a checksum of everything the snapshots that
    end on or before `cutoff` (a SQL date expression) read, each timestamp
    on or after the cutoff read as NULL (later). -#}
{% macro health_inputs_checksum(cutoff) -%}
    {%- set at = 'cast(' ~ cutoff ~ ' as ' ~ dbt.type_timestamp() ~ ')' -%}
    {%- set key_features =
        "'" ~ var('health_key_features') | join("', '") ~ "'" -%}
    {%- set terms = [
        retention._hash_sum_text(
            ref('int_invoice_lines_normalized'),
            ['customer_id', 'period_start_at', retention._clipped_at('period_end_at', at),
             'issued_at', retention._clipped_at('canceled_at', at)],
            "line_type = 'subscription' and period_start_at < " ~ at
            ~ " and issued_at < " ~ at),
        retention._scalar_text(
            'min(period_start_at)', ref('int_invoice_lines_normalized'),
            "line_type = 'subscription' and period_start_at < " ~ at),
        retention._scalar_text(
            'min(date_day)', ref('util_days'), 'date_day < ' ~ at),
        retention._hash_sum_text(
            ref('stg_product__users'), ['customer_id', 'created_at'],
            'created_at < ' ~ at),
        retention._hash_sum_text(
            ref('int_events_aggregated_to_user_day'),
            ['customer_id', 'user_id', 'activity_date', 'event_count'],
            'activity_date < ' ~ at),
        retention._hash_sum_text(
            ref('int_feature_usage_aggregated_to_account_month'),
            ['customer_id', 'feature_name', 'date_month'],
            'feature_name in (' ~ key_features ~ ') and date_month < '
            ~ dbt.date_trunc('month', at)),
        retention._hash_sum_text(
            ref('stg_support__tickets'),
            ['customer_id', 'opened_at', retention._clipped_at('resolved_at', at), 'priority'],
            'opened_at < ' ~ at),
        retention._hash_sum_text(
            ref('stg_billing__payments'), ['customer_id', 'created_at'],
            "payment_status = 'failed' and created_at < " ~ at),
        retention._hash_sum_text(
            ref('stg_billing__invoices'),
            ['customer_id', 'issued_at', retention._clipped_at('due_at', at),
             retention._clipped_at('paid_at', at)],
            "invoice_status in ('paid', 'open', 'uncollectible')"
            ~ " and issued_at < " ~ at),
        retention._hash_sum_text(
            ref('stg_support__survey_responses'),
            ['customer_id', 'survey_type', 'score', 'responded_at',
             'response_id'],
            "survey_type in ('nps', 'csat') and responded_at < " ~ at),
        "cast(exists (select 1 from " ~ ref('stg_product__events')
            ~ ") as " ~ dbt.type_string() ~ ")",
        "cast(exists (select 1 from " ~ ref('stg_support__tickets')
            ~ ") as " ~ dbt.type_string() ~ ")"
    ] -%}
    select {{ terms | join("\n        || '|' || ") }}
{%- endmacro %}

{#- Pre-hook: deletes the snapshots an incremental run must recompute (see
    macros/inputs_state.sql). -#}
{% macro delete_stale_health_snapshots() -%}
    {{ retention.delete_rows_with_changed_inputs(
        'snapshot_date', retention.health_inputs_checksum,
        retention.health_inputs_fingerprint()) }}
{%- endmacro %}

{#- Post-hook: records the cutoff, the inputs' checksum at it and the
    fingerprint for the next run. -#}
{% macro record_health_inputs_state() -%}
    {{ retention.record_inputs_state(
        retention.latest_date_minus(
            'snapshot_date', var('health_inputs_lookback_days')),
        retention.health_inputs_checksum,
        retention.health_inputs_fingerprint()) }}
{%- endmacro %}
