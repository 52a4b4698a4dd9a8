{# Staged `events`: one row per product event. Rows that break the contract
   are in util_quarantined_rows instead.
   On Spark the table is partitioned by event_month (the UTC month of
   occurred_at, a column only Spark has): the incremental user-day model
   reads only the partitions of the months it recomputes. A partition per
   day cost more than the data on a small set (Hive metastore calls and a
   file per day: DECISIONS 121). #}

{{ config(
    partition_by=(['event_month'] if target.type == 'spark' else none),
    file_format=('parquet' if target.type == 'spark' else none)
) }}

with

validated as (

    select * from {{ ref('base_product__events') }}

    where quarantine_reason is null

),

renamed as (

    select
        ---------- ids
        event_id,
        user_id,
        customer_id,
        ---------- strings
        event_name,
        feature as feature_name,
        ---------- timestamps
        occurred_at,
        built_at,
        ---------- dates
        {% if target.type == 'spark' -%}
        cast({{ dbt.date_trunc('month', 'occurred_at') }} as date)
            as event_month,
        {% endif -%}
        cast(occurred_at as date) as event_date

    from validated

)

select * from renamed
{%- if target.type == 'spark' %}

{#- one file per month partition (else every writing task writes a file
    into every month it saw: many small files for each later scan) #}
distribute by event_month
{%- endif %}
