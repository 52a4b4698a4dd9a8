{# Staged `events`: one row per product event. Rows that break the contract
   are in util_quarantined_rows instead.
   On Spark the table is partitioned by event_date (the UTC day of
   occurred_at): the incremental user-day model reads only the partitions
   of the days it recomputes. #}

{{ config(
    partition_by=(['event_date'] if target.type == 'spark' else none),
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
        ---------- dates
        cast(occurred_at as date) as event_date

    from validated

)

select * from renamed
{%- if target.type == 'spark' %}

{#- one file per day partition (else every writing task writes a file into
    every day it saw: thousands of small files for each later scan) #}
distribute by event_date
{%- endif %}
