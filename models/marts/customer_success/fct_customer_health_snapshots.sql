{#- One row per weekly snapshot and subscribed customer: the five health
    components (0-100, higher is healthier), their weighted contributions,
    health_score and band (docs/metrics.md, customer health). Plain SQL so
    that it builds on every engine; retention_lib.health.score_snapshots is
    the reference, and a test checks that both agree exactly on DuckDB
    (the same double-precision operations, in the same order).
    A missing input gets the neutral value 50, never NULL; a system that
    is missing altogether (has_product_data / has_support_data false)
    gives its components the neutral value. -#}

{%- set components = ['usage', 'breadth', 'support', 'billing', 'sentiment'] -%}
{%- set weights = var('health_weights') -%}
{%- if weights.keys() | sort != components | sort -%}
    {{ exceptions.raise_compiler_error(
        "var health_weights needs exactly " ~ components ~ "; got "
        ~ weights.keys() | sort | list) }}
{%- endif -%}
{%- set total = namespace(value=0) -%}
{%- for name in components -%}
{%- if weights[name] < 0 -%}
        {{ exceptions.raise_compiler_error(
            "var health_weights must be >= 0; " ~ name ~ " is "
            ~ weights[name]) }}
    {%- endif -%}
{%- set total.value = total.value + weights[name] -%}
{%- endfor -%}
{%- if (total.value - 1) | abs > 1e-9 -%}
    {{ exceptions.raise_compiler_error(
        "var health_weights must sum to 1, got " ~ total.value) }}
{%- endif -%}
{%- set key_features = [var('health_key_features') | length, 1] | max -%}

with

inputs as (

    select * from {{ ref('int_health_inputs_aggregated_to_customer_week') }}

),

ratios as (

    select
        *,
        case
            when user_count > 0
                then
                    least(
                        cast(active_users_30d as {{ type_double() }})
                        / cast(user_count as {{ type_double() }}),
                        1.0
                    )
            else 0.5
        end as active_share,
        case
            when events_previous_30d > 0
                then
                    least(
                        cast(events_30d as {{ type_double() }})
                        / cast(events_previous_30d as {{ type_double() }}),
                        2.0
                    )
                    / 2
            when events_30d > 0 then 1.0
            else 0.5
        end as trend

    from inputs

),

components as (

    select
        snapshot_date,
        customer_id,
        has_product_data,
        has_support_data,
        case
            when has_product_data
                then cast(
                    100 * (0.6 * active_share + 0.4 * trend)
                    as {{ type_double() }}
                )
            else 50.0
        end as usage_score,
        case
            when has_product_data
                then least(greatest(
                    cast(100 * key_features_used as {{ type_double() }})
                    / {{ key_features }},
                    0
                ), 100)
            else 50.0
        end as breadth_score,
        case
            when has_support_data
                then greatest(
                    100 - 10 * open_tickets - 25 * open_urgent_tickets
                    - 15 * slow_resolutions_90d,
                    0
                )
            else 50
        end as support_score,
        greatest(
            100 - 35 * failed_payments_90d - 50 * overdue_invoices, 0
        ) as billing_score,
        case
            when latest_nps_score is not null then 10 * latest_nps_score
            when latest_csat_score is not null
                then 25 * (latest_csat_score - 1)
            else 50.0
        end as sentiment_score

    from ratios

),

weighted as (

    select
        snapshot_date,
        customer_id,
        {%- for name in components %}
        cast({{ name }}_score as {{ type_double() }}) as {{ name }}_score,
        {%- endfor %}
        {%- for name in components %}
        cast({{ name }}_score as {{ type_double() }})
        * cast({{ weights[name] }} as {{ type_double() }})
            as {{ name }}_contribution,
        {%- endfor %}
        has_product_data,
        has_support_data

    from components

),

scored as (

    select
        *,
        cast(least(greatest(floor(
            {% for name in components -%}
            {{ name }}_contribution{{ ' + ' if not loop.last }}
            {%- endfor %} + 0.5
        ), 0), 100) as {{ dbt.type_bigint() }}) as health_score

    from weighted

)

select
    snapshot_date,
    customer_id,
    {%- for name in components %}
    {{ name }}_score,
    {%- endfor %}
    {%- for name in components %}
    {{ name }}_contribution,
    {%- endfor %}
    health_score,
    case
        when health_score >= {{ var('health_green_min') }} then 'green'
        when health_score >= {{ var('health_yellow_min') }} then 'yellow'
        else 'red'
    end as health_band,
    has_product_data,
    has_support_data

from scored
